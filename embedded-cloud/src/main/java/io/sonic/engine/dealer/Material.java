package io.sonic.engine.dealer;

import io.sonic.engine.fss.FssGates;

/**
 * One party's part of one item of correlated randomness, typed by what it holds. A source hands each
 * item out once (see {@link Randomness}); items consumed in slices track their own position so that no
 * slice is handed out twice, because a reused mask leaks what it masked.
 */
public sealed interface Material {

    /** Shares of a Beaver triple: a (weight-shaped), b (input-shaped), c = share of f(A, B). */
    record Triple(long[] a, long[] b, long[] c) implements Material {
    }

    /** Shares of random bits t (XOR, bit-sliced) and additive, masks a and shares of a·t. */
    record BitMults(long[] tBool, long[] tArith, long[] a, long[] at) implements Material {
    }

    /** Shares of r, r >>> f and MSB(r). */
    record Truncs(long[] r, long[] high, long[] msb) implements Material {
    }

    /** One server's FSS select-gate keys (DCF keys and mask shares) for a batch of elements. */
    record FssSelect(FssGates.SelectKeys keys) implements Material {
    }

    /** One server's FSS exact-truncation keys for a batch of elements. */
    record FssTrunc(FssGates.TruncKeys keys) implements Material {
    }

    /** Bit-sliced AND triples u, v, w = u AND v (XOR-shared), handed out in consecutive slices. */
    final class Ands implements Material {
        private final long[] u;
        private final long[] v;
        private final long[] w;
        private int next;

        public Ands(long[] u, long[] v, long[] w) {
            this.u = u;
            this.v = v;
            this.w = w;
        }

        /** The next {@code words} triples as {u, v, w}; each word is handed out once. */
        public long[][] take(int words) {
            int from = claim(words);
            return new long[][]{slice(u, from, words), slice(v, from, words), slice(w, from, words)};
        }

        /**
         * Claims the next {@code words} triples without copying them: they are words {@code from … from + words − 1}
         * of {@link #u()}, {@link #v()} and {@link #w()}, where {@code from} is the returned index; no later claim
         * or take hands them out again.
         */
        public int claim(int words) {
            if (words < 0 || next + words > u.length) {
                throw new IllegalStateException("AND triples exhausted: " + (u.length - next) + " words left, "
                        + words + " asked");
            }
            int from = next;
            next += words;
            return from;
        }

        /** All u words; read only the ones a {@link #claim} returned. */
        public long[] u() {
            return u;
        }

        /** All v words; read only the ones a {@link #claim} returned. */
        public long[] v() {
            return v;
        }

        /** All w words; read only the ones a {@link #claim} returned. */
        public long[] w() {
            return w;
        }

        public int remaining() {
            return u.length - next;
        }

        private static long[] slice(long[] x, int from, int len) {
            long[] r = new long[len];
            System.arraycopy(x, from, r, 0, len);
            return r;
        }
    }
}
