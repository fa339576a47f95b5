package io.sonic.engine.ot;

/** Bit-matrix transposition in 64×64 blocks (the OT extension's hot spot): no bit-by-bit loops. */
final class BitTranspose {
    private BitTranspose() {
    }

    /** In place: afterwards bit r of {@code a[off + c]} is what bit c of {@code a[off + r]} was. */
    static void transpose64(long[] a, int off) {
        long m = 0x00000000FFFFFFFFL;
        for (int j = 32; j != 0; j >>>= 1, m ^= m << j) {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
                long t = ((a[off + k] >>> j) ^ a[off + (k | j)]) & m;
                a[off + k] ^= t << j;
                a[off + (k | j)] ^= t;
            }
        }
    }

    /**
     * κ = 128 columns of {@code words}·64 bits each ({@code cols[j][w]}, bit i of word w is row 64w + i) to rows:
     * row i is {@code rows[2i]} (columns 64..127, the high word) and {@code rows[2i + 1]} (columns 0..63).
     */
    static long[] columnsToRows(long[][] cols, int words) {
        long[] rows = new long[words * 128];
        long[] block = new long[64];
        for (int w = 0; w < words; w++) {
            for (int half = 0; half < 2; half++) {
                for (int c = 0; c < 64; c++) {
                    block[c] = cols[64 * half + c][w];
                }
                transpose64(block, 0);
                int slot = half == 0 ? 1 : 0;
                for (int r = 0; r < 64; r++) {
                    rows[2 * (64 * w + r) + slot] = block[r];
                }
            }
        }
        return rows;
    }
}
