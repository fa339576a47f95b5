package io.sonic.engine.dealer;

import java.util.Iterator;
import java.util.List;

/**
 * The seeded dealer's randomness at one server: its seed expanded in plan order, each item completed
 * by the dealer's payload for it, read only when the protocol asks (so a server holds one item's keys at
 * a time). Asking out of step, for a different size, or past the end fails.
 */
final class DealtRandomness extends PlannedRandomness {
    private final int party;
    private final Iterator<Payload> payloads;
    private final Expander expander;

    DealtRandomness(int party, List<Need<?>> plan, byte[] seed, Iterator<Payload> payloads, byte[] maskSeed) {
        super(plan);
        this.party = party;
        this.payloads = payloads;
        this.expander = new Expander(party, seed, maskSeed);
    }

    @Override
    Material item(int index, Need<?> planned) {
        if (!payloads.hasNext()) {
            throw new IllegalStateException("the dealer's payloads end before item " + index + " of the plan");
        }
        Payload payload = payloads.next();
        if (payload.longs() != Kinds.payloadLongs(planned, party) || payload.parts().length != Kinds.parts(planned, party)) {
            throw new IllegalStateException("the dealer's payload for item " + index + " has " + payload.longs()
                    + " values, " + Kinds.payloadLongs(planned, party) + " expected");
        }
        return Kinds.assemble(planned, party, expander.expand(planned), payload);
    }
}
