package io.sonic.engine.protocol;

/** Bit-sliced layout: bit j of n 64-bit values as ⌈n/64⌉ words, 64 elements per word. */
final class BitSlice {
    private BitSlice() {
    }

    static int words(int n) {
        return (n + 63) >>> 6;
    }

    /** planes[j][w] holds bit j of elements 64w … 64w+63. */
    static long[][] planes(long[] x) {
        int words = words(x.length);
        long[][] planes = new long[64][words];
        for (int i = 0; i < x.length; i++) {
            long v = x[i];
            int w = i >>> 6;
            long bit = 1L << (i & 63);
            while (v != 0) {
                int j = Long.numberOfTrailingZeros(v);
                planes[j][w] |= bit;
                v &= v - 1;
            }
        }
        return planes;
    }

    static long bit(long[] words, int i) {
        return (words[i >>> 6] >>> (i & 63)) & 1L;
    }
}
