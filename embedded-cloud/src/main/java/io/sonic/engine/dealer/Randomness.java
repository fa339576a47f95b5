package io.sonic.engine.dealer;

/**
 * One server's source of correlated randomness for one query. Protocols ask for each item with the
 * full description of what they need ({@link Need}: kind, layer, every size); a source hands out
 * exactly the items of its plan, in order, each once, and refuses a request that differs from the
 * planned item in anything.
 */
public interface Randomness {
    /** The next item, which must equal {@code need}. */
    <M extends Material> M take(Need<M> need);

    /** Items planned but not yet taken. */
    int remaining();

    /** The dealer's source: this party's seed expanded in plan order, completed by the dealer's payloads. */
    static Randomness dealt(int party, Dealer.Dealt dealt, MaskSeeds masks) {
        return new DealtRandomness(party, dealt.plan(), dealt.seed(party), dealt.payloads(party),
                masks == null ? null : masks.seed(party));
    }

    /**
     * The dealer's source from a seed and payloads read from elsewhere (the dealer service's answer),
     * in plan order; payloads are read only as the protocols take items.
     */
    static Randomness fromPayloads(int party, java.util.List<Need<?>> plan, byte[] seed,
                                   java.util.Iterator<Payload> payloads, byte[] maskSeed) {
        return new DealtRandomness(party, plan, seed, payloads, maskSeed);
    }

    /** Items made before the query, in plan order (the servers' own, by oblivious transfer): each taken once. */
    static Randomness prepared(java.util.List<Need<?>> plan, java.util.List<? extends Material> items) {
        return new PreparedRandomness(plan, items);
    }

    /** A source that plans nothing and records every request, returning zeros of the right sizes. */
    static Recording recording() {
        return new Recording();
    }

    /** Records what a query asks for, in order: the traced plan. */
    final class Recording implements Randomness {
        private final java.util.List<Need<?>> needs = new java.util.ArrayList<>();

        @Override
        @SuppressWarnings("unchecked")
        public <M extends Material> M take(Need<M> need) {
            needs.add(need);
            return (M) Kinds.zeros(need);
        }

        @Override
        public int remaining() {
            return 0;
        }

        public java.util.List<Need<?>> plan() {
            return java.util.List.copyOf(needs);
        }
    }
}
