package io.sonic.engine.dealer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One party's part of one item of correlated randomness. Single use: {@link #claim} hands the
 * values out once and every later call fails, because a reused mask leaks what it masked.
 */
public abstract class Material {
    private final AtomicBoolean used = new AtomicBoolean();

    protected final void claim() {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("correlated randomness already used: " + getClass().getSimpleName()
                    + " items are single-use");
        }
    }

    public boolean isUsed() {
        return used.get();
    }

    /** Shares of a Beaver triple: a (weight-shaped), b (input-shaped), c = share of f(A, B). */
    public static final class Triple extends Material {
        private final long[] a;
        private final long[] b;
        private final long[] c;

        Triple(long[] a, long[] b, long[] c) {
            this.a = a;
            this.b = b;
            this.c = c;
        }

        /** Returns {a, b, c}; only once. */
        public long[][] take() {
            claim();
            return new long[][] {a, b, c};
        }
    }

    /** Bit-sliced AND triples u, v, w = u AND v (XOR-shared), handed out in consecutive slices. */
    public static final class Ands extends Material {
        private final long[] u;
        private final long[] v;
        private final long[] w;
        private int next;

        Ands(long[] u, long[] v, long[] w) {
            this.u = u;
            this.v = v;
            this.w = w;
        }

        /** The next {@code words} triples as {u, v, w}; each word is handed out once. */
        public long[][] take(int words) {
            if (next + words > u.length) {
                throw new IllegalStateException("AND triples exhausted: " + (u.length - next) + " words left, "
                        + words + " asked");
            }
            long[][] r = {slice(u, next, words), slice(v, next, words), slice(w, next, words)};
            next += words;
            if (next == u.length) {
                claim();
            }
            return r;
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

    /** Random bits t (XOR shares, bit-sliced), additive shares of t, masks a and shares of a·t. */
    public static final class BitMults extends Material {
        private final long[] tBool;
        private final long[] tArith;
        private final long[] a;
        private final long[] at;

        BitMults(long[] tBool, long[] tArith, long[] a, long[] at) {
            this.tBool = tBool;
            this.tArith = tArith;
            this.a = a;
            this.at = at;
        }

        /** Returns {tBool, tArith, a, at}; only once. */
        public long[][] take() {
            claim();
            return new long[][] {tBool, tArith, a, at};
        }
    }

    /** Shares of r, r >>> f and MSB(r). */
    public static final class Truncs extends Material {
        private final long[] r;
        private final long[] high;
        private final long[] msb;

        Truncs(long[] r, long[] high, long[] msb) {
            this.r = r;
            this.high = high;
            this.msb = msb;
        }

        /** Returns {r, high, msb}; only once. */
        public long[][] take() {
            claim();
            return new long[][] {r, high, msb};
        }
    }
}
