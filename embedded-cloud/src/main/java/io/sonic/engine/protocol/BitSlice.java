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
        long[] block = new long[64];
        for (int w = 0; w < words; w++) {
            int from = w << 6;
            int n = Math.min(64, x.length - from);
            System.arraycopy(x, from, block, 0, n);
            java.util.Arrays.fill(block, n, 64, 0L);
            transpose(block);
            for (int j = 0; j < 64; j++) {
                planes[j][w] = block[j];
            }
        }
        return planes;
    }

    /**
     * Transposes a 64×64 bit matrix in place (row i is a[i], column j its bit j): after it, bit i of a[j]
     * is what bit j of a[i] was. Six rounds of block swaps (32×32 blocks, then 16×16, … 1×1), each one
     * shift-and-mask step on every pair of rows.
     */
    static void transpose(long[] a) {
        long m = 0x00000000FFFFFFFFL;
        for (int j = 32; j != 0; j >>>= 1, m ^= m << j) {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
                long t = ((a[k] >>> j) ^ a[k | j]) & m;
                a[k] ^= t << j;
                a[k | j] ^= t;
            }
        }
    }

    static long bit(long[] words, int i) {
        return (words[i >>> 6] >>> (i & 63)) & 1L;
    }
}
