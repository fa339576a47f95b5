package io.sonic.engine.crypto;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PrgTest {
    /** The stream is AES-128-CTR of zeros from counter block (stream, 0), read as little-endian longs. */
    private static long[] keystream(byte[] seed, long stream, int n) throws Exception {
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"),
                new IvParameterSpec(ByteBuffer.allocate(16).putLong(stream).putLong(0).array()));
        byte[] out = c.doFinal(new byte[n * Long.BYTES]);
        long[] r = new long[n];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(r);
        return r;
    }

    @Test
    void bulkAndSingleDrawsReadTheSameAesCtrStreamAcrossBufferBoundaries() throws Exception {
        byte[] seed = Prg.newSeed();
        // sizes straddle the 8 KiB buffer (1024 longs) in every way: inside, exactly at, across several
        int[] sizes = {1, 3, 1020, 1, 1024, 2049, 0, 5000, 7};
        int total = 0;
        for (int s : sizes) {
            total += s + 1;
        }
        long[] expected = keystream(seed, 9, total);
        Prg prg = new Prg(seed, 9);
        int at = 0;
        for (int s : sizes) {
            long[] got = prg.longs(s);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, at, at + s), got, "longs(" + s + ") at " + at);
            at += s;
            assertEquals(expected[at], prg.nextLong(), "nextLong at " + at);
            at++;
        }
    }

    @Test
    void distinctStreamsOfOneSeedDiffer() throws Exception {
        byte[] seed = Prg.newSeed();
        assertArrayEquals(keystream(seed, 0, 64), new Prg(seed).longs(64));
        long[] a = new Prg(seed, 1).longs(64);
        long[] b = new Prg(seed, 2).longs(64);
        int equal = 0;
        for (int i = 0; i < 64; i++) {
            equal += a[i] == b[i] ? 1 : 0;
        }
        assertEquals(0, equal, "two streams of one seed agreed in " + equal + " of 64 words");
    }
}
