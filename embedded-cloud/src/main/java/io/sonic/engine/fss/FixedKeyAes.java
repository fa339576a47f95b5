package io.sonic.engine.fss;

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
import java.util.HashMap;
import java.util.Map;

/**
 * The fixed-key, correlation-robust hash of the FSS gates:
 * {@code H_L(x) = AES-128_{K_L}(σ(x)) ⊕ σ(x)} with the linear orthomorphism {@code σ(hi, lo) = (hi ⊕ lo, hi)}
 * and one public key per output slot, {@code K_L = SHA-256("FSS-DCF-v1:" + L)[0..16)}. The labels are
 * {@code "SL"}/{@code "SR"} (left/right child seed), {@code "VL<k>"}/{@code "VR<k>"} (value block k on the
 * left/right) and {@code "F<k>"} (final value block k).
 *
 * <p>A block is 128 bits held as two longs (hi, lo); its byte form is hi big-endian then lo big-endian, and
 * its LSB is bit 0 of lo.
 *
 * <p><b>Bulk interface.</b> The hot paths of {@link Dcf} fill one byte buffer with σ(x) for many blocks and
 * hash them with ONE {@code Cipher.update} call on {@code AES/ECB/NoPadding} per label
 * ({@link #permute}); ECB is only the batch interface of the fixed public permutation here, not an
 * encryption of data. {@link #hash(String, long[], long[], int, int, long[], long[], int)} does the same for
 * blocks held in long arrays, through a reusable per-thread scratch buffer (no per-block allocation).
 *
 * <p><b>Threads.</b> {@code Cipher} objects are not thread-safe: {@link #local()} gives each thread its own
 * set of ciphers and scratch buffers. An instance must not be handed to another thread.
 *
 * <p><b>Cost.</b> One AES-128 block encryption per hashed block plus the σ and XOR passes. The JDK's bulk
 * ECB path (AES-NI/VAES intrinsics) encrypts about 1.3–2.4 G blocks/s per core on the project's build machine
 * for batches of 1 KiB and more; single-block calls ({@link #hash(String, long, long)}) are dominated by call
 * overhead and are for tests and vectors only. {@link #benchmark(int, int)} measures the bulk hash over long
 * arrays, σ and XOR passes included.
 *
 * <p><b>Security.</b> Secure when AES under a fixed public key is modelled as a random permutation
 * (ideal-permutation model). With Q hash calls in total and T offline AES queries by an adversary the
 * advantage is about Q·T/2^127. Never hash a seed that may repeat across gates: seeds come from the
 * dealer's CSPRNG with 127 effective bits. Mixing this hash with another PRG between dealer and servers
 * silently breaks every gate.
 */
public final class FixedKeyAes {
    /** Big-endian long view of byte arrays (the byte form of blocks). */
    static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final String PREFIX = "FSS-DCF-v1:";
    private static final ThreadLocal<FixedKeyAes> LOCAL = ThreadLocal.withInitial(FixedKeyAes::new);

    private final Map<String, Cipher> byLabel = new HashMap<>();
    private Cipher sl;
    private Cipher sr;
    private Cipher[] vl = new Cipher[0];
    private Cipher[] vr = new Cipher[0];
    private Cipher[] fin = new Cipher[0];
    private byte[] scratchIn = new byte[0];
    private byte[] scratchOut = new byte[0];
    private final byte[] one = new byte[16];
    private final byte[] oneOut = new byte[16];
    private long blocks;

    private FixedKeyAes() {
        sl = cipher("SL");
        sr = cipher("SR");
    }

    /** The calling thread's instance (its own ciphers and scratch buffers). */
    public static FixedKeyAes local() {
        return LOCAL.get();
    }

    /** K_L: the first 16 bytes of SHA-256 of the ASCII string "FSS-DCF-v1:" + label. */
    public static byte[] labelKey(String label) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((PREFIX + label).getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(d, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The label of value block k on side d (0 left, 1 right): "VL"+k or "VR"+k. */
    public static String valueLabel(int d, int k) {
        return (d == 0 ? "VL" : "VR") + k;
    }

    /** The label of final block k: "F"+k. */
    public static String finalLabel(int k) {
        return "F" + k;
    }

    /** The label of the child seed on side d: "SL" or "SR". */
    public static String childLabel(int d) {
        return d == 0 ? "SL" : "SR";
    }

    /** AES blocks hashed by this thread's instance since it was created (for cost accounting and tests). */
    public long blocksHashed() {
        return blocks;
    }

    // ------------------------------------------------------------------ ciphers

    /** The cipher of a label, created and keyed on first use. */
    Cipher cipher(String label) {
        Cipher c = byLabel.get(label);
        if (c == null) {
            try {
                c = Cipher.getInstance("AES/ECB/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(labelKey(label), "AES"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/ECB/NoPadding is not available", e);
            }
            byLabel.put(label, c);
        }
        return c;
    }

    Cipher child(int d) {
        return d == 0 ? sl : sr;
    }

    Cipher value(int d, int k) {
        Cipher[] a = d == 0 ? vl : vr;
        if (k >= a.length) {
            growValues(k + 1);
            a = d == 0 ? vl : vr;
        }
        return a[k];
    }

    Cipher fin(int k) {
        if (k >= fin.length) {
            growValues(k + 1);
        }
        return fin[k];
    }

    private void growValues(int count) {
        Cipher[] l = Arrays.copyOf(vl, count);
        Cipher[] r = Arrays.copyOf(vr, count);
        Cipher[] f = Arrays.copyOf(fin, count);
        for (int k = vl.length; k < count; k++) {
            l[k] = cipher(valueLabel(0, k));
            r[k] = cipher(valueLabel(1, k));
            f[k] = cipher(finalLabel(k));
        }
        vl = l;
        vr = r;
        fin = f;
    }

    // ------------------------------------------------------------------ bulk

    /**
     * Encrypts {@code count} blocks of {@code in} (already σ-transformed, byte form) with the label's fixed
     * key into {@code out}, in ONE cipher call. The caller XORs σ(x) back in. {@code in} and {@code out} must
     * be different arrays.
     */
    void permute(Cipher c, byte[] in, int inOff, int count, byte[] out, int outOff) {
        if (count == 0) {
            return;
        }
        try {
            int done = c.update(in, inOff, count << 4, out, outOff);
            if (done != count << 4) {
                throw new IllegalStateException("short AES output");
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        blocks += count;
    }

    /**
     * Bulk hash over a byte buffer: {@code out[k] = H_label(in[k])} for {@code count} blocks in byte form
     * (16 bytes each, hi then lo big-endian). One cipher call; {@code in} is left unchanged.
     */
    public void hash(String label, byte[] in, int inOff, int count, byte[] out, int outOff) {
        byte[] sig = scratchIn(count);
        for (int k = 0; k < count; k++) {
            int p = inOff + (k << 4);
            long hi = (long) BE.get(in, p);
            long lo = (long) BE.get(in, p + 8);
            BE.set(sig, k << 4, hi ^ lo);
            BE.set(sig, (k << 4) + 8, hi);
        }
        byte[] enc = scratchOut(count);
        permute(cipher(label), sig, 0, count, enc, 0);
        for (int k = 0; k < count; k++) {
            int q = k << 4;
            BE.set(out, outOff + q, (long) BE.get(enc, q) ^ (long) BE.get(sig, q));
            BE.set(out, outOff + q + 8, (long) BE.get(enc, q + 8) ^ (long) BE.get(sig, q + 8));
        }
    }

    /**
     * Bulk hash over long arrays: {@code (outHi[outOff+k], outLo[outOff+k]) = H_label(hi[off+k], lo[off+k])}
     * for k &lt; count, with one cipher call. The output arrays may be the input arrays.
     */
    public void hash(String label, long[] hi, long[] lo, int off, int count, long[] outHi, long[] outLo, int outOff) {
        byte[] sig = scratchIn(count);
        for (int k = 0; k < count; k++) {
            long h = hi[off + k];
            BE.set(sig, k << 4, h ^ lo[off + k]);
            BE.set(sig, (k << 4) + 8, h);
        }
        byte[] enc = scratchOut(count);
        permute(cipher(label), sig, 0, count, enc, 0);
        for (int k = 0; k < count; k++) {
            int q = k << 4;
            outHi[outOff + k] = (long) BE.get(enc, q) ^ (long) BE.get(sig, q);
            outLo[outOff + k] = (long) BE.get(enc, q + 8) ^ (long) BE.get(sig, q + 8);
        }
    }

    /** One block: writes H_c(hi, lo) into {@code out[0]} (hi) and {@code out[1]} (lo). Slow path (one call per block). */
    void hash1(Cipher c, long hi, long lo, long[] out) {
        long sh = hi ^ lo;
        BE.set(one, 0, sh);
        BE.set(one, 8, hi);
        permute(c, one, 0, 1, oneOut, 0);
        out[0] = (long) BE.get(oneOut, 0) ^ sh;
        out[1] = (long) BE.get(oneOut, 8) ^ hi;
    }

    /** One block H_label(hi, lo) as {hi, lo}; for tests and vectors (allocates the result). */
    public long[] hash(String label, long hi, long lo) {
        long[] out = new long[2];
        hash1(cipher(label), hi, lo, out);
        return out;
    }

    private byte[] scratchIn(int count) {
        if (scratchIn.length < count << 4) {
            scratchIn = new byte[count << 4];
        }
        return scratchIn;
    }

    private byte[] scratchOut(int count) {
        if (scratchOut.length < count << 4) {
            scratchOut = new byte[count << 4];
        }
        return scratchOut;
    }

    // ------------------------------------------------------------------ benchmark

    /**
     * Result of a kernel benchmark: the kernel's name, the AES blocks it hashed, the elapsed wall-clock
     * nanoseconds of the measured run (after warm-up) and the resulting blocks per second.
     */
    public record KernelBench(String kernel, long aesBlocks, long elapsedNanos, double blocksPerSecond) {
        static KernelBench of(String kernel, long blocks, long nanos) {
            return new KernelBench(kernel, blocks, nanos, nanos == 0 ? 0 : blocks * 1e9 / nanos);
        }
    }

    /**
     * Raw throughput of the bulk hash on this thread: {@code reps} calls hashing {@code blocksPerCall} blocks
     * each (σ, one ECB call and the XOR pass), after a warm-up of the same size. No assertion on time.
     */
    public static KernelBench benchmark(int blocksPerCall, int reps) {
        FixedKeyAes aes = local();
        long[] hi = new long[blocksPerCall];
        long[] lo = new long[blocksPerCall];
        for (int k = 0; k < blocksPerCall; k++) {
            hi[k] = k * 0x9E3779B97F4A7C15L;
            lo[k] = ~k;
        }
        for (int w = 0; w < Math.max(1, reps / 4); w++) {
            aes.hash("SL", hi, lo, 0, blocksPerCall, hi, lo, 0);
        }
        long t = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            aes.hash("SL", hi, lo, 0, blocksPerCall, hi, lo, 0);
        }
        long dt = System.nanoTime() - t;
        return KernelBench.of("fixed-key AES hash, " + blocksPerCall + " blocks/call", (long) blocksPerCall * reps, dt);
    }
}
