package io.sonic.engine.dealer;

/**
 * One item of correlated randomness that a protocol consumes, tagged with the layer it serves.
 * The dealer produces exactly the list of needs of a query (see {@code Plan}), in order.
 */
public sealed interface Need {
    int layer();

    /** Longs of party 1's correction that the dealer sends for this item (party 0 derives all from its seed). */
    long correctionLongs();

    /** A Beaver triple (A, B, C = f(A, B)); with {@code maskReuse}, A is the model's fixed mask. */
    record Triple(int layer, Bilinear op, boolean maskReuse) implements Need {
        public long correctionLongs() {
            return op.outputSize();
        }
    }

    /** {@code words} bit-sliced AND triples (64 ANDs per word). */
    record Ands(int layer, int words) implements Need {
        public long correctionLongs() {
            return words;
        }
    }

    /**
     * {@code n} random bits t shared both ways (XOR and additive), each with {@code values} masks a and
     * shares of a·t: bit-to-arithmetic conversion fused with a multiplication by the bit.
     */
    record BitMults(int layer, int n, int values) implements Need {
        public long correctionLongs() {
            return (long) n * (1 + values);
        }
    }

    /** {@code n} truncation pairs: r, r >>> f and MSB(r), additively shared. */
    record Truncs(int layer, int n, int fractionBits) implements Need {
        public long correctionLongs() {
            return 2L * n;
        }
    }
}
