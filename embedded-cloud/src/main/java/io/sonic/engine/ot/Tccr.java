package io.sonic.engine.ot;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The tweakable correlation-robust hash of OT extension (Guo, Katz, Wang, Yu, S&amp;P 2020):
 * H(T, x) = π(π(x) ⊕ T) ⊕ π(x), with π AES-128 under the fixed public key SHA-256("OT-TCCR-v1")[0..16).
 * The tweak T is 128 bits and must never repeat for one x-holder's key: {@link #tweak} packs a query's
 * nonce, the direction, the OT's index and an output block counter into it, so an OT's message of any
 * length is H(T(i, 0), x) ‖ H(T(i, 1), x) ‖ …. One instance per thread ({@link #local}); blocks go through
 * the cipher in bulk.
 */
final class Tccr {
    static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Bits of the block counter in a tweak's low word: one OT's message is at most 2^24 blocks. */
    static final int COUNTER_BITS = 24;
    /** OT indices per query and direction: below 2^39. */
    static final long MAX_INDEX = 1L << (63 - COUNTER_BITS);
    private static final ThreadLocal<Tccr> LOCAL = ThreadLocal.withInitial(Tccr::new);

    private final Cipher pi;
    private byte[] in = new byte[16 * 1024];
    private byte[] out = new byte[16 * 1024];
    private long blocks;

    private Tccr() {
        try {
            byte[] key = Arrays.copyOf(MessageDigest.getInstance("SHA-256")
                    .digest("OT-TCCR-v1".getBytes(StandardCharsets.US_ASCII)), 16);
            pi = Cipher.getInstance("AES/ECB/NoPadding");
            pi.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB/NoPadding is not available", e);
        }
    }

    static Tccr local() {
        return LOCAL.get();
    }

    /** AES blocks this thread's instance has encrypted (for the cost accounting). */
    long blocks() {
        return blocks;
    }

    /** The low word of a tweak: direction (top bit), OT index, block counter. */
    static long tweak(int direction, long index, int counter) {
        if (index < 0 || index >= MAX_INDEX) {
            throw new IllegalStateException("OT index " + index + " exceeds the query's bound of " + MAX_INDEX);
        }
        return ((long) direction << 63) | (index << COUNTER_BITS) | counter;
    }

    /**
     * π over {@code count} blocks of {@code x} (hi, lo pairs from {@code off}) into {@code y} from {@code yOff},
     * in one cipher call; {@code y} may be {@code x}.
     */
    void permute(long[] x, int off, int count, long[] y, int yOff) {
        if (count == 0) {
            return;
        }
        byte[] a = scratch(count, true);
        byte[] b = scratch(count, false);
        for (int k = 0; k < count; k++) {
            BE.set(a, k << 4, x[off + 2 * k]);
            BE.set(a, (k << 4) + 8, x[off + 2 * k + 1]);
        }
        try {
            if (pi.update(a, 0, count << 4, b, 0) != count << 4) {
                throw new IllegalStateException("short AES output");
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        for (int k = 0; k < count; k++) {
            y[yOff + 2 * k] = (long) BE.get(b, k << 4);
            y[yOff + 2 * k + 1] = (long) BE.get(b, (k << 4) + 8);
        }
        blocks += count;
    }

    private byte[] scratch(int count, boolean first) {
        int need = count << 4;
        if (first) {
            if (in.length < need) {
                in = new byte[need];
            }
            return in;
        }
        if (out.length < need) {
            out = new byte[need];
        }
        return out;
    }
}
