package io.sonic.engine.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * A cryptographic pseudo-random generator: AES-128 in counter mode keyed by a 16-byte seed (the
 * JDK's provider, which uses AES-NI where the CPU has it). Two parties holding the same seed and
 * stream number draw the same values in the same order. Not thread-safe.
 */
public final class Prg {
    public static final int SEED_BYTES = 16;
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final int CHUNK = 8192;

    private final Cipher cipher;
    private final byte[] zeros = new byte[CHUNK];
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

    /** A generator for stream {@code stream} of the seed (distinct streams are independent). */
    public Prg(byte[] seed, long stream) {
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("a seed has " + SEED_BYTES + " bytes");
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            byte[] iv = ByteBuffer.allocate(16).putLong(stream).putLong(0).array();
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is not available", e);
        }
        buffer.limit(0);
    }

    public Prg(byte[] seed) {
        this(seed, 0);
    }

    /** A fresh generator seeded from the operating system's entropy. */
    public static Prg fresh() {
        return new Prg(newSeed());
    }

    public static byte[] newSeed() {
        byte[] s = new byte[SEED_BYTES];
        SEEDS.nextBytes(s);
        return s;
    }

    private void refill() {
        buffer.clear();
        try {
            int n = cipher.update(zeros, 0, CHUNK, buffer.array(), 0);
            buffer.limit(n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public long nextLong() {
        if (buffer.remaining() < Long.BYTES) {
            refill();
        }
        return buffer.getLong();
    }

    /** n uniformly random ring elements. */
    public long[] longs(int n) {
        long[] r = new long[n];
        // the same stream as n calls of nextLong, taken a buffer at a time (bulk copies, not one getLong each)
        int i = 0;
        while (i < n) {
            if (buffer.remaining() < Long.BYTES) {
                refill();
            }
            int k = Math.min(n - i, buffer.remaining() / Long.BYTES);
            buffer.asLongBuffer().get(r, i, k);
            buffer.position(buffer.position() + k * Long.BYTES);
            i += k;
        }
        return r;
    }

    /** n words of uniformly random bits, the last word masked to {@code bits} % 64 bits when not 0. */
    public long[] bitWords(int words, int bits) {
        long[] r = longs(words);
        int rest = bits % 64;
        if (words > 0 && rest != 0) {
            r[words - 1] &= (1L << rest) - 1;
        }
        return r;
    }
}
