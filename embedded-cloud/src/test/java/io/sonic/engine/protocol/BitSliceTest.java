package io.sonic.engine.protocol;

import io.sonic.engine.crypto.Prg;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BitSliceTest {
    @Test
    void planesHoldEveryBitOfEveryElementAndNothingElse() {
        Prg prg = Prg.fresh();
        for (int n : new int[]{1, 2, 63, 64, 65, 127, 128, 1000}) {
            long[] x = prg.longs(n);
            x[0] = -1L;              // all ones
            x[n - 1] = Long.MIN_VALUE; // only the top bit
            long[][] planes = BitSlice.planes(x);
            assertEquals(64, planes.length);
            for (int j = 0; j < 64; j++) {
                assertEquals(BitSlice.words(n), planes[j].length);
                for (int i = 0; i < BitSlice.words(n) * 64; i++) {
                    long expected = i < n ? (x[i] >>> j) & 1L : 0L;
                    assertEquals(expected, BitSlice.bit(planes[j], i), "bit " + j + " of element " + i + " of " + n);
                }
            }
        }
    }

    @Test
    void transposeTwiceIsTheIdentity() {
        long[] a = Prg.fresh().longs(64);
        long[] b = a.clone();
        BitSlice.transpose(b);
        BitSlice.transpose(b);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    }
}
