package io.sonic.engine.dealer;

import java.util.Iterator;
import java.util.List;

/**
 * The seeded dealer's randomness at one server: its seed expanded in plan order, each item completed
 * by the dealer's payload for it, read only when the protocol asks (so a server holds one item's keys at
 * a time). Asking out of step, for a different size, or past the end fails.
 */
final class DealtRandomness implements Randomness {
    private final int party;
    private final List<Need<?>> plan;
    private final Iterator<Payload> payloads;
    private final Expander expander;
    private int next;

    DealtRandomness(int party, List<Need<?>> plan, byte[] seed, Iterator<Payload> payloads, byte[] maskSeed) {
        this.party = party;
        this.plan = List.copyOf(plan);
        this.payloads = payloads;
        this.expander = new Expander(party, seed, maskSeed);
    }

    @Override
    public int remaining() {
        return plan.size() - next;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <M extends Material> M take(Need<M> need) {
        if (next >= plan.size()) {
            throw new IllegalStateException("no correlated randomness left for this query (layer " + need.layer() + ")");
        }
        Need<?> planned = plan.get(next);
        if (!planned.equals(need)) {
            throw new IllegalStateException("correlated randomness out of step: layer " + need.layer() + " asked for "
                    + need + ", the plan has " + planned);
        }
        if (!payloads.hasNext()) {
            throw new IllegalStateException("the dealer's payloads end before item " + next + " of the plan");
        }
        Payload payload = payloads.next();
        if (payload.longs() != Kinds.payloadLongs(planned, party) || payload.parts().length != Kinds.parts(planned, party)) {
            throw new IllegalStateException("the dealer's payload for item " + next + " has " + payload.longs()
                    + " values, " + Kinds.payloadLongs(planned, party) + " expected");
        }
        next++;
        return (M) Kinds.assemble(planned, party, expander.expand(planned), payload);
    }
}
