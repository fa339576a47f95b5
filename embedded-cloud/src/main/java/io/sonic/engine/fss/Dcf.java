package io.sonic.engine.fss;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.fss.FixedKeyAes.KernelBench;

/**
 * Distributed comparison function (DCF) on the fixed-key hash {@link FixedKeyAes}: for an n-bit threshold α
 * and a payload β ∈ (Z_{2^64})^m, {@code Gen} makes two keys with
 * {@code Eval(0, k_0, x) + Eval(1, k_1, x) = β if x < α else 0}, the comparison unsigned on n bits
 * (1 ≤ n ≤ 64; for n = 64 it is {@code Long.compareUnsigned(x, α) < 0}). Input bits above n are ignored.
 *
 * <p>The tree is walked MSB first. At each level a seed s (LSB 0) expands to the chosen child
 * {@code H_SL/SR(s)} (seed = hash with LSB cleared, control bit t = its LSB) and to the value words
 * {@code H_VLk/VRk(s)}; the final seed to {@code H_Fk(s)}. The correction of a level uses the control bit
 * from before that level's update (the "old t" rule), both in Gen and in Eval. Party 0 adds each term and
 * party 1 subtracts it, so below the point where x leaves α's path everything cancels.
 *
 * <p><b>Batches.</b> {@link #genBatch} and {@link #evalBatch} work on B gates of the same (n, m) held in
 * struct-of-arrays form ({@link DcfKeys}). Both are level-synchronous over chunks of up to {@value #CHUNK}
 * gates: at each level the σ-transformed seeds of the chunk are packed into one byte buffer and hashed with ONE
 * {@code Cipher.update} per label (Eval packs the gates going left at the front and those going right at
 * the back, so "SL"/"VLk" and "SR"/"VRk" each get one contiguous run). The chunk bounds the scratch memory
 * (about (3+⌈m/2⌉)·16·CHUNK bytes per thread, kept and reused) and keeps it in the core's cache; the batch
 * itself may have any size. Both run a batch's chunks on {@link #THREADS} threads at once (equal
 * chunks; keys and outputs do not depend on the split). The σ/XOR passes, the
 * control-bit corrections and the packing are the bulk of the Eval time (about 10 ns per gate and level in
 * Java); the AES calls themselves take under 1 ns per block.
 *
 * <p><b>Cost</b> (AES blocks; {@link #evalAesBlocks}, {@link #genAesBlocks}):
 * <ul>
 * <li>Eval: n(1 + ⌈m/2⌉) + ⌈m/2⌉ per gate and party: 127 for n = 63, m ≤ 2; 129 for n = 64, m = 1;
 * 33 for n = 16, m = 1; 191 for n = 63, m ∈ {3, 4}.</li>
 * <li>Gen: 2[n(2 + 2⌈m/2⌉) + ⌈m/2⌉] per gate: 506 for n = 63, m = 2.</li>
 * <li>Key: {@link DcfKeys#keyBytes} = 16 + n(16+8m) + 8⌈n/64⌉ + 8m bytes per gate and party, of which all
 * but the 16-byte root are the common part ({@link DcfKeys.Common#bytesPerGate}).</li>
 * </ul>
 *
 * <p><b>Security notes.</b>
 * <ul>
 * <li>Each key pair serves exactly one gate instance and is evaluated on the single opened x̂ of that gate.</li>
 * <li>Eval is branch-free in the secret control bit t: corrections are applied with {@code mask = -t}, so its
 * timing does not reveal how long a prefix x̂ shares with α. The only input-dependent choices are on the bits
 * of x̂ (which child to hash, where to pack it), and x̂ is public to both servers. Gen is likewise written
 * with masks of α's bits rather than branches.</li>
 * <li>All comparisons are on unsigned n-bit values and all bit extraction uses {@code >>>}.</li>
 * <li>The dealer's root seeds come from a CSPRNG ({@link Prg} seeded from {@code SecureRandom}); the
 * explicit-seed Gen exists for the test vectors and must not be used with fixed seeds in production.</li>
 * <li>Output shares are pseudorandom and may be used directly as additive shares.</li>
 * </ul>
 */
public final class Dcf {
    /** Gates per level-synchronous chunk of the batched Gen and Eval. */
    public static final int CHUNK = 2048;

    private static final java.lang.invoke.VarHandle BE = FixedKeyAes.BE;
    /** Little-endian long view: loads a block half byte-reversed (no swap on little-endian CPUs). */
    private static final java.lang.invoke.VarHandle NATIVE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    /** The block LSB (bit 0 of the last byte) as seen in a little-endian load: bit 56, cleared. */
    private static final long RAW_CLEAR_LSB = ~(1L << 56);

    private Dcf() {
    }

    static void checkShape(int n, int m) {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("n must be in 1..64, got " + n);
        }
        if (m < 1) {
            throw new IllegalArgumentException("m must be at least 1, got " + m);
        }
    }

    private static void checkParty(int party) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party is 0 or 1, got " + party);
        }
    }

    /** AES blocks of one evaluation: n(1 + ⌈m/2⌉) + ⌈m/2⌉. */
    public static long evalAesBlocks(int n, int m) {
        int nb = (m + 1) / 2;
        return (long) n * (1 + nb) + nb;
    }

    /** AES blocks of one key-pair generation: 2[n(2 + 2⌈m/2⌉) + ⌈m/2⌉]. */
    public static long genAesBlocks(int n, int m) {
        int nb = (m + 1) / 2;
        return 2L * ((long) n * (2 + 2 * nb) + nb);
    }

    // =================================================================== Gen

    /** One key pair with root seeds drawn from {@code rng}. */
    public static DcfKeys.Pair gen(int n, long alpha, long[] beta, Prg rng) {
        return genBatch(n, beta.length, new long[] {alpha}, beta, rng);
    }

    /**
     * One key pair with the given root seeds (their LSBs are cleared). For test vectors; production keys
     * take their roots from a CSPRNG.
     */
    public static DcfKeys.Pair gen(int n, long alpha, long[] beta, long s0Hi, long s0Lo, long s1Hi, long s1Lo) {
        return genBatch(n, beta.length, new long[] {alpha}, beta, new long[] {s0Hi}, new long[] {s0Lo},
                new long[] {s1Hi}, new long[] {s1Lo});
    }

    /**
     * Keys for B = alphas.length gates; gate g compares with {@code alphas[g]} (an n-bit value) and pays
     * {@code betas[g·m .. g·m+m)}. The 4 root words per gate are drawn from {@code rng}.
     */
    public static DcfKeys.Pair genBatch(int n, int m, long[] alphas, long[] betas, Prg rng) {
        int b = alphas.length;
        long[] s0Hi = new long[b];
        long[] s0Lo = new long[b];
        long[] s1Hi = new long[b];
        long[] s1Lo = new long[b];
        for (int g = 0; g < b; g++) {
            s0Hi[g] = rng.nextLong();
            s0Lo[g] = rng.nextLong();
            s1Hi[g] = rng.nextLong();
            s1Lo[g] = rng.nextLong();
        }
        return genBatch(n, m, alphas, betas, s0Hi, s0Lo, s1Hi, s1Lo);
    }

    /**
     * Keys for B gates with the given root seeds of party 0 and party 1 (copied, LSBs cleared). Bulk: per
     * chunk and level, one AES call per label over both parties' seeds of the chunk.
     */
    public static DcfKeys.Pair genBatch(int n, int m, long[] alphas, long[] betas, long[] s0Hi, long[] s0Lo,
                                        long[] s1Hi, long[] s1Lo) {
        checkShape(n, m);
        int b = alphas.length;
        if (betas.length != (long) b * m) {
            throw new IllegalArgumentException("expected " + (long) b * m + " payload words, got " + betas.length);
        }
        if (s0Hi.length != b || s0Lo.length != b || s1Hi.length != b || s1Lo.length != b) {
            throw new IllegalArgumentException("expected " + b + " root seeds per party");
        }
        if (n < 64) {
            for (int g = 0; g < b; g++) {
                if (alphas[g] >>> n != 0) {
                    throw new IllegalArgumentException("alpha of gate " + g + " has more than " + n + " bits");
                }
            }
        }
        long[] r0Hi = s0Hi.clone();
        long[] r1Hi = s1Hi.clone();
        long[] r0Lo = new long[b];
        long[] r1Lo = new long[b];
        for (int g = 0; g < b; g++) {
            r0Lo[g] = s0Lo[g] & ~1L;
            r1Lo[g] = s1Lo[g] & ~1L;
        }
        long[] words = new long[Math.multiplyExact(b, DcfKeys.Common.wordsPerGate(n, m))];
        // chunks are independent (each writes only its own gates' words), so the keys do not depend on the split
        inRanges(b, (from, count) -> genChunk(n, m, alphas, betas, from, count, r0Hi, r0Lo, r1Hi, r1Lo, words,
                FixedKeyAes.local(), GenScratch.get(Math.max(count, 1), m)));
        return new DcfKeys.Pair(new DcfKeys.Common(n, m, b, words), r0Hi, r0Lo, r1Hi, r1Lo);
    }

    /** Gen and Eval run a batch's chunks on this many threads at once (the node's cores). */
    public static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Below this many gates per thread a batch runs on the calling thread alone. */
    static final int MIN_GATES_PER_THREAD = 256;
    private static final java.util.concurrent.ForkJoinPool POOL = new java.util.concurrent.ForkJoinPool(THREADS);

    /**
     * Chunks of a Gen or Eval batch of b gates: at most {@value #CHUNK} gates each (the scratch stays in the cache),
     * a multiple of the threads when there is work for more than one, and of equal size.
     */
    static int chunks(int b) {
        if (b == 0) {
            return 0;
        }
        int byCache = (b + CHUNK - 1) / CHUNK;
        int threads = Math.min(THREADS, b / MIN_GATES_PER_THREAD);
        if (threads <= 1) {
            return byCache;
        }
        return (byCache + threads - 1) / threads * threads;
    }

    /** Work on the gates [from, from + count) of a batch. */
    @FunctionalInterface
    private interface Range {
        void run(int from, int count);
    }

    /**
     * Runs {@code range} over [0, b) in {@link #chunks} equal parts: on the calling thread when there is one,
     * on the pool otherwise, waiting for all; a part's failure is rethrown.
     */
    private static void inRanges(int b, Range range) {
        int chunks = chunks(b);
        if (chunks <= 1) {
            range.run(0, b);
            return;
        }
        int per = (b + chunks - 1) / chunks;
        java.util.List<java.util.concurrent.Callable<Void>> tasks = new java.util.ArrayList<>();
        for (int from = 0; from < b; from += per) {
            int at = from;
            int count = Math.min(per, b - from);
            tasks.add(() -> {
                range.run(at, count);
                return null;
            });
        }
        java.util.List<java.util.concurrent.Future<Void>> done;
        try {
            done = POOL.invokeAll(tasks);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the DCF threads are not available", e);
        }
        for (java.util.concurrent.Future<Void> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while generating or evaluating DCF keys", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("a DCF batch failed", c);
            }
        }
    }

    /** Per-thread scratch of a Gen chunk of up to c gates (both parties' blocks side by side), reused. */
    private static final class GenScratch {
        private static final ThreadLocal<GenScratch> LOCAL = new ThreadLocal<>();
        final int c, m;
        final long[] s0h, s0l, s1h, s1l, t0, t1, v;
        final byte[] in, outL, outR;
        final byte[][] valL, valR;

        static GenScratch get(int c, int m) {
            GenScratch s = LOCAL.get();
            if (s == null || s.c < c || s.m < m) {
                s = new GenScratch(Math.max(c, s == null ? 0 : s.c), Math.max(m, s == null ? 0 : s.m));
                LOCAL.set(s);
            }
            return s;
        }

        private GenScratch(int c, int m) {
            this.c = c;
            this.m = m;
            int nb = (m + 1) / 2;
            s0h = new long[c];
            s0l = new long[c];
            s1h = new long[c];
            s1l = new long[c];
            t0 = new long[c];
            t1 = new long[c];
            v = new long[c * m];
            in = new byte[32 * c];
            outL = new byte[32 * c];
            outR = new byte[32 * c];
            valL = new byte[nb][32 * c];
            valR = new byte[nb][32 * c];
        }
    }

    private static void genChunk(int n, int m, long[] alphas, long[] betas, int g0, int c, long[] r0Hi,
                                 long[] r0Lo, long[] r1Hi, long[] r1Lo, long[] words, FixedKeyAes aes,
                                 GenScratch sc) {
        final int nb = (m + 1) / 2;
        final int stride = 2 + m;
        final int bAll = alphas.length;
        final int nw = (n + 63) / 64;
        final int trOff = n * bAll * stride;
        final int lastOff = trOff + bAll * nw;
        final long[] s0h = sc.s0h, s0l = sc.s0l, s1h = sc.s1h, s1l = sc.s1l, t0 = sc.t0, t1 = sc.t1, v = sc.v;
        final byte[] in = sc.in, outL = sc.outL, outR = sc.outR;
        for (int k = 0; k < c; k++) {
            s0h[k] = r0Hi[g0 + k];
            s0l[k] = r0Lo[g0 + k];
            s1h[k] = r1Hi[g0 + k];
            s1l[k] = r1Lo[g0 + k];
            t0[k] = 0;
            t1[k] = 1;
        }
        java.util.Arrays.fill(v, 0, c * m, 0L);
        final int p1 = c << 4; // party 1's blocks follow party 0's
        for (int i = 0; i < n; i++) {
            final int shift = n - 1 - i;
            packSigma(in, s0h, s0l, s1h, s1l, c);
            aes.permute(aes.child(0), in, 0, 2 * c, outL, 0);
            aes.permute(aes.child(1), in, 0, 2 * c, outR, 0);
            for (int kk = 0; kk < nb; kk++) {
                aes.permute(aes.value(0, kk), in, 0, 2 * c, sc.valL[kk], 0);
                aes.permute(aes.value(1, kk), in, 0, 2 * c, sc.valR[kk], 0);
            }
            for (int k = 0; k < c; k++) {
                final int g = g0 + k;
                final long a = (alphas[g] >>> shift) & 1;
                final long ma = -a;
                final int q0 = k << 4;
                final int q1 = p1 + q0;
                final long sig0h = (long) BE.get(in, q0), sig0l = (long) BE.get(in, q0 + 8);
                final long sig1h = (long) BE.get(in, q1), sig1l = (long) BE.get(in, q1 + 8);
                final long l0h = (long) BE.get(outL, q0) ^ sig0h, l0l = (long) BE.get(outL, q0 + 8) ^ sig0l;
                final long r0h = (long) BE.get(outR, q0) ^ sig0h, r0l = (long) BE.get(outR, q0 + 8) ^ sig0l;
                final long l1h = (long) BE.get(outL, q1) ^ sig1h, l1l = (long) BE.get(outL, q1 + 8) ^ sig1l;
                final long r1h = (long) BE.get(outR, q1) ^ sig1h, r1l = (long) BE.get(outR, q1 + 8) ^ sig1l;
                // keep = a ? right : left ; lose = the other side (selected with the mask of a)
                final long d0h = (l0h ^ r0h) & ma, d0l = (l0l ^ r0l) & ma;
                final long d1h = (l1h ^ r1h) & ma, d1l = (l1l ^ r1l) & ma;
                final long k0h = l0h ^ d0h, k0l = l0l ^ d0l, x0h = r0h ^ d0h, x0l = r0l ^ d0l;
                final long k1h = l1h ^ d1h, k1l = l1l ^ d1l, x1h = r1h ^ d1h, x1l = r1l ^ d1l;
                final long cwh = x0h ^ x1h;
                final long cwl = (x0l ^ x1l) & ~1L;
                final long tL = (l0l ^ l1l ^ a ^ 1) & 1;
                final long tR = (r0l ^ r1l ^ a) & 1;
                final long tKeep = tL ^ ((tL ^ tR) & a);
                final long tt0 = t0[k], tt1 = t1[k];
                final long sg = 1 - 2 * tt1;
                final int base = (i * bAll + g) * stride;
                words[base] = cwh;
                words[base + 1] = cwl | tL;
                words[trOff + g * nw + (i >>> 6)] |= tR << (i & 63);
                final int vo = k * m;
                final int bo = g * m;
                for (int j = 0; j < m; j++) {
                    final byte[] bl = sc.valL[j >>> 1], br = sc.valR[j >>> 1];
                    final int off = (j & 1) << 3;
                    final long sg0 = (j & 1) == 0 ? sig0h : sig0l;
                    final long sg1 = (j & 1) == 0 ? sig1h : sig1l;
                    final long vl0 = (long) BE.get(bl, q0 + off) ^ sg0, vr0 = (long) BE.get(br, q0 + off) ^ sg0;
                    final long vl1 = (long) BE.get(bl, q1 + off) ^ sg1, vr1 = (long) BE.get(br, q1 + off) ^ sg1;
                    final long e0 = (vl0 ^ vr0) & ma, e1 = (vl1 ^ vr1) & ma;
                    final long vk0 = vl0 ^ e0, vx0 = vr0 ^ e0, vk1 = vl1 ^ e1, vx1 = vr1 ^ e1;
                    final long vcw = sg * (vx1 - vx0 - v[vo + j]) + ((sg * betas[bo + j]) & ma);
                    v[vo + j] = v[vo + j] - vk1 + vk0 + sg * vcw;
                    words[base + 2 + j] = vcw;
                }
                final long m0 = -tt0, m1 = -tt1;
                s0h[k] = k0h ^ (cwh & m0);
                s0l[k] = (k0l & ~1L) ^ (cwl & m0);
                t0[k] = (k0l & 1) ^ (tt0 & tKeep);
                s1h[k] = k1h ^ (cwh & m1);
                s1l[k] = (k1l & ~1L) ^ (cwl & m1);
                t1[k] = (k1l & 1) ^ (tt1 & tKeep);
            }
        }
        packSigma(in, s0h, s0l, s1h, s1l, c);
        for (int kk = 0; kk < nb; kk++) {
            aes.permute(aes.fin(kk), in, 0, 2 * c, sc.valL[kk], 0);
        }
        for (int k = 0; k < c; k++) {
            final int g = g0 + k;
            final int q0 = k << 4;
            final int q1 = p1 + q0;
            final long sg = 1 - 2 * t1[k];
            final int lb = lastOff + g * m;
            for (int j = 0; j < m; j++) {
                final byte[] fb = sc.valL[j >>> 1];
                final int off = (j & 1) << 3;
                final long f0 = (long) BE.get(fb, q0 + off) ^ (long) BE.get(in, q0 + off);
                final long f1 = (long) BE.get(fb, q1 + off) ^ (long) BE.get(in, q1 + off);
                words[lb + j] = sg * (f1 - f0 - v[k * m + j]);
            }
        }
    }

    /** σ of both parties' seeds: party 0's c blocks, then party 1's. */
    private static void packSigma(byte[] in, long[] s0h, long[] s0l, long[] s1h, long[] s1l, int c) {
        final int p1 = c << 4;
        for (int k = 0; k < c; k++) {
            final int q = k << 4;
            final long h0 = s0h[k], h1 = s1h[k];
            BE.set(in, q, h0 ^ s0l[k]);
            BE.set(in, q + 8, h0);
            BE.set(in, p1 + q, h1 ^ s1l[k]);
            BE.set(in, p1 + q + 8, h1);
        }
    }

    // =================================================================== Eval

    /** Scalar Eval of gate {@code i} of a party's batch at x: m words, party b's share of β·[x &lt; α]. */
    public static long[] eval(int party, DcfKeys keys, int i, long x) {
        long[] out = new long[keys.m()];
        eval(party, keys, i, x, out, 0);
        return out;
    }

    /**
     * Scalar Eval into {@code out[outOff .. outOff+m)}: one hash call per block (slow; for checks and single
     * gates; use {@link #evalBatch} for layers). Branch-free in the control bit.
     */
    public static void eval(int party, DcfKeys keys, int i, long x, long[] out, int outOff) {
        checkParty(party);
        final DcfKeys.Common cm = keys.common();
        final int n = cm.n, m = cm.m, nb = (m + 1) / 2, stride = 2 + m;
        final long[] words = cm.words;
        final int tr = cm.trBase(i);
        final FixedKeyAes aes = FixedKeyAes.local();
        final long[] blk = new long[2];
        final long[] acc = new long[m];
        long sh = keys.rootHi()[i], sl = keys.rootLo()[i];
        long t = party;
        for (int lvl = 0; lvl < n; lvl++) {
            final int xi = (int) (x >>> (n - 1 - lvl)) & 1;
            aes.hash1(aes.child(xi), sh, sl, blk);
            long ch = blk[0], cl = blk[1];
            final long mask = -t;
            final int base = cm.record(i, lvl);
            final long tcw = xi == 0 ? words[base + 1] & 1
                    : (words[tr + (lvl >>> 6)] >>> (lvl & 63)) & 1; // xi is public
            for (int kk = 0; kk < nb; kk++) {
                aes.hash1(aes.value(xi, kk), sh, sl, blk);
                acc[2 * kk] += blk[0] + (words[base + 2 + 2 * kk] & mask);
                if (2 * kk + 1 < m) {
                    acc[2 * kk + 1] += blk[1] + (words[base + 3 + 2 * kk] & mask);
                }
            }
            sh = ch ^ (words[base] & mask);
            sl = (cl ^ (words[base + 1] & mask)) & ~1L;
            t = (cl & 1) ^ (tcw & t);
        }
        final long mask = -t;
        final int lb = cm.lastBase(i);
        for (int kk = 0; kk < nb; kk++) {
            aes.hash1(aes.fin(kk), sh, sl, blk);
            acc[2 * kk] += blk[0] + (words[lb + 2 * kk] & mask);
            if (2 * kk + 1 < m) {
                acc[2 * kk + 1] += blk[1] + (words[lb + 2 * kk + 1] & mask);
            }
        }
        for (int j = 0; j < m; j++) {
            out[outOff + j] = party == 0 ? acc[j] : -acc[j];
        }
    }

    /** Batched Eval of all gates: gate g at {@code xs[g]}; returns B·m words, gate g's at [g·m, g·m+m). */
    public static long[] evalBatch(int party, DcfKeys keys, long[] xs) {
        if (xs.length != keys.size()) {
            throw new IllegalArgumentException("expected " + keys.size() + " inputs, got " + xs.length);
        }
        long[] out = new long[Math.multiplyExact(keys.size(), keys.m())];
        evalBatch(party, keys, 0, keys.size(), xs, 0, out, 0);
        return out;
    }

    /**
     * Batched, level-synchronous Eval of gates [from, from+count): gate from+k at {@code xs[xsOff+k]}, its m
     * output words at {@code out[outOff + k·m ..]}. Ranges of one batch may run on different threads (each
     * thread uses its own ciphers).
     */
    public static void evalBatch(int party, DcfKeys keys, int from, int count, long[] xs, int xsOff, long[] out,
                                 int outOff) {
        checkParty(party);
        if (from < 0 || count < 0 || from + count > keys.size() || xsOff < 0 || xsOff + count > xs.length
                || outOff < 0 || outOff + (long) count * keys.m() > out.length) {
            throw new IndexOutOfBoundsException("gate range, inputs or output out of bounds");
        }
        if (count == 0) {
            return;
        }
        inRanges(count, (at, len) -> evalRange(party, keys, from + at, len, xs, xsOff + at, out,
                outOff + at * keys.m()));
    }

    /** {@link #evalBatch} of a range on the calling thread alone. */
    static void evalRange(int party, DcfKeys keys, int from, int count, long[] xs, int xsOff, long[] out,
                          int outOff) {
        FixedKeyAes aes = FixedKeyAes.local();
        EvalScratch sc = EvalScratch.get(Math.min(CHUNK, count), keys.m());
        for (int k0 = 0; k0 < count; k0 += CHUNK) {
            evalChunk(party, keys, from + k0, Math.min(CHUNK, count - k0), xs, xsOff + k0, out,
                    outOff + k0 * keys.m(), aes, sc);
        }
    }

    /** Per-thread scratch of the batched Eval (grown on demand, reused across calls). */
    private static final class EvalScratch {
        private static final ThreadLocal<EvalScratch> LOCAL = new ThreadLocal<>();
        final int c, m;
        final byte[] inA, inB, outS;
        final byte[][] outV;
        final int[] posA, posB;
        /** Per gate: the control bit t, then the m accumulated words. */
        final long[] st;

        private EvalScratch(int c, int m) {
            this.c = c;
            this.m = m;
            inA = new byte[16 * c];
            inB = new byte[16 * c];
            outS = new byte[16 * c];
            outV = new byte[(m + 1) / 2][16 * c];
            posA = new int[c];
            posB = new int[c];
            st = new long[c * (1 + m)];
        }

        static EvalScratch get(int c, int m) {
            EvalScratch s = LOCAL.get();
            if (s == null || s.c < c || s.m < m) {
                s = new EvalScratch(Math.max(c, s == null ? 0 : s.c), Math.max(m, s == null ? 0 : s.m));
                LOCAL.set(s);
            }
            return s;
        }
    }

    private static void evalChunk(int party, DcfKeys keys, int g0, int c, long[] xs, int xOff, long[] out,
                                  int outOff, FixedKeyAes aes, EvalScratch sc) {
        final DcfKeys.Common cm = keys.common();
        final int n = cm.n, m = cm.m, nb = (m + 1) / 2, stride = 2 + m, ss = 1 + m;
        final int bAll = cm.size;
        final int nw = (n + 63) / 64;
        final int trOff = n * bAll * stride;
        final int lastOff = trOff + bAll * nw;
        final long[] words = cm.words;
        final long[] rootHi = keys.rootHi(), rootLo = keys.rootLo();
        final long[] st = sc.st;
        final byte[] outS = sc.outS;
        final byte[][] outV = sc.outV;
        byte[] cur = sc.inA, nxt = sc.inB;
        int[] pos = sc.posA, npos = sc.posB;
        java.util.Arrays.fill(st, 0, c * ss, 0L);

        // Level 0 packing: left-going gates from the front, right-going from the back (branch-free on x's bit).
        // Gate k goes to nl (left) or to c-1-nr = nl + c-1-k (right), since nl + nr = k before it.
        int nl = 0;
        for (int k = 0; k < c; k++) {
            final int xi = (int) (xs[xOff + k] >>> (n - 1)) & 1;
            final int p = nl + ((c - 1 - k) & -xi);
            nl += 1 - xi;
            pos[k] = p;
            final long h = rootHi[g0 + k];
            BE.set(cur, p << 4, h ^ rootLo[g0 + k]);
            BE.set(cur, (p << 4) + 8, h);
            st[k * ss] = party;
        }
        for (int i = 0; i < n; i++) {
            final int left = nl;
            final int lb = left << 4;
            aes.permute(aes.child(0), cur, 0, left, outS, 0);
            aes.permute(aes.child(1), cur, lb, c - left, outS, lb);
            for (int kk = 0; kk < nb; kk++) {
                aes.permute(aes.value(0, kk), cur, 0, left, outV[kk], 0);
                aes.permute(aes.value(1, kk), cur, lb, c - left, outV[kk], lb);
            }
            final int recBase = (i * bAll + g0) * stride;
            final int trBase = trOff + g0 * nw + (i >>> 6);
            // the next level's packing uses bit n-2-i of x; after the last level, gate order for the final hash
            final int nshift = i == n - 1 ? -1 : n - 2 - i;
            nl = nb == 1
                    ? levelNarrow(m, n - 1 - i, nshift, c, xs, xOff, words, recBase, trBase, nw, i & 63, cur, nxt,
                            outS, outV[0], pos, npos, st)
                    : levelWide(m, n - 1 - i, nshift, c, xs, xOff, words, recBase, trBase, nw, i & 63, cur, nxt,
                            outS, outV, pos, npos, st);
            byte[] tb = cur;
            cur = nxt;
            nxt = tb;
            int[] tp = pos;
            pos = npos;
            npos = tp;
        }
        for (int kk = 0; kk < nb; kk++) {
            aes.permute(aes.fin(kk), cur, 0, c, outV[kk], 0);
        }
        final boolean neg = party == 1;
        for (int k = 0; k < c; k++) {
            final int q = k << 4;
            final long mask = -st[k * ss];
            final int lb = lastOff + (g0 + k) * m;
            final int ao = k * m;
            for (int j = 0; j < m; j++) {
                final int off = q + ((j & 1) << 3);
                final long f = (long) BE.get(outV[j >>> 1], off) ^ (long) BE.get(cur, off);
                final long v = st[k * ss + 1 + j] + f + (words[lb + j] & mask);
                out[outOff + ao + j] = neg ? -v : v;
            }
        }
    }

    /**
     * One level of the batched Eval for payloads of one block (m ≤ 2): for each gate, un-hash its chosen child
     * and value block, apply the corrections under {@code mask = -t} (branch-free in t), accumulate the value
     * and pack σ of the new seed for the next level (left-going gates at the front, right-going at the back;
     * in gate order when {@code nshift < 0}). Returns the number of left-going gates at the next level.
     */
    private static int levelNarrow(int m, int shift, int nshift, int c, long[] xs, int xOff, long[] words,
                                   int recBase, int trBase, int nw, int trBit, byte[] cur, byte[] nxt,
                                   byte[] outS, byte[] outV, int[] pos, int[] npos, long[] st) {
        // Seeds are handled in the byte-reversed ("raw", native-order) domain: XOR commutes with byte reversal,
        // so only the correction words and the value words need Long.reverseBytes; the block's LSB is bit 56.
        final int stride = 2 + m;
        final int ss = 1 + m;
        final boolean two = m == 2;
        int nl = 0;
        for (int k = 0; k < c; k++) {
            final int q = pos[k] << 4;
            final long sh = (long) NATIVE.get(cur, q), sl = (long) NATIVE.get(cur, q + 8);
            final long ch = (long) NATIVE.get(outS, q) ^ sh, cl = (long) NATIVE.get(outS, q + 8) ^ sl;
            final long x = xs[xOff + k];
            final long xi = (x >>> shift) & 1;
            final int so = k * ss;
            final long tt = st[so];
            final long mask = -tt;
            final int base = recBase + k * stride;
            final long cwl = words[base + 1];
            final long tL = cwl & 1;
            final long tR = (words[trBase + k * nw] >>> trBit) & 1;
            final long tcw = tL ^ ((tL ^ tR) & xi);
            final long nh = ch ^ (Long.reverseBytes(words[base]) & mask);
            final long nlo = (cl ^ (Long.reverseBytes(cwl) & mask)) & RAW_CLEAR_LSB;
            st[so] = ((cl >>> 56) & 1) ^ (tcw & tt);
            st[so + 1] += Long.reverseBytes((long) NATIVE.get(outV, q) ^ sh) + (words[base + 2] & mask);
            if (two) {
                st[so + 2] += Long.reverseBytes((long) NATIVE.get(outV, q + 8) ^ sl) + (words[base + 3] & mask);
            }
            int p = k;
            if (nshift >= 0) {
                final int xn = (int) (x >>> nshift) & 1;
                p = nl + ((c - 1 - k) & -xn);
                nl += 1 - xn;
            }
            npos[k] = p;
            NATIVE.set(nxt, p << 4, nh ^ nlo);
            NATIVE.set(nxt, (p << 4) + 8, nh);
        }
        return nl;
    }

    /** {@link #levelNarrow} for payloads of several blocks (m ≥ 3). */
    private static int levelWide(int m, int shift, int nshift, int c, long[] xs, int xOff, long[] words,
                                 int recBase, int trBase, int nw, int trBit, byte[] cur, byte[] nxt,
                                 byte[] outS, byte[][] outV, int[] pos, int[] npos, long[] st) {
        final int stride = 2 + m;
        final int ss = 1 + m;
        int nl = 0;
        for (int k = 0; k < c; k++) {
            final int q = pos[k] << 4;
            final long sh = (long) BE.get(cur, q), sl = (long) BE.get(cur, q + 8);
            final long ch = (long) BE.get(outS, q) ^ sh, cl = (long) BE.get(outS, q + 8) ^ sl;
            final long x = xs[xOff + k];
            final long xi = (x >>> shift) & 1;
            final int so = k * ss;
            final long tt = st[so];
            final long mask = -tt;
            final int base = recBase + k * stride;
            final long cwl = words[base + 1];
            final long tL = cwl & 1;
            final long tR = (words[trBase + k * nw] >>> trBit) & 1;
            final long tcw = tL ^ ((tL ^ tR) & xi);
            final long nh = ch ^ (words[base] & mask);
            final long nlo = (cl ^ (cwl & mask)) & ~1L;
            st[so] = (cl & 1) ^ (tcw & tt);
            for (int j = 0; j < m; j++) {
                final long v = (long) BE.get(outV[j >>> 1], q + ((j & 1) << 3)) ^ ((j & 1) == 0 ? sh : sl);
                st[so + 1 + j] += v + (words[base + 2 + j] & mask);
            }
            int p = k;
            if (nshift >= 0) {
                final int xn = (int) (x >>> nshift) & 1;
                p = nl + ((c - 1 - k) & -xn);
                nl += 1 - xn;
            }
            npos[k] = p;
            BE.set(nxt, p << 4, nh ^ nlo);
            BE.set(nxt, (p << 4) + 8, nh);
        }
        return nl;
    }

    // =================================================================== warm-up

    private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Runs key generation and batched evaluation on throwaway keys of the suite's shapes (ReLU, argmax
     * select, truncation), once per process, so that the JIT has compiled the kernels before a first query
     * (a cold first M2 query is otherwise seconds instead of milliseconds). The keys are random and used for
     * nothing else.
     */
    public static void warmUp() {
        if (!WARM.compareAndSet(false, true)) {
            return;
        }
        Prg rng = Prg.fresh();
        int[][] shapes = {{63, 2}, {63, 3}, {16, 1}, {12, 1}};
        for (int[] sh : shapes) {
            int gates = 1024;
            DcfKeys keys = genBatch(sh[0], sh[1], randomAlphas(rng, gates, sh[0]), rng.longs(gates * sh[1]), rng)
                    .party(1);
            long[] xs = randomAlphas(rng, gates, sh[0]);
            long[] out = new long[gates * sh[1]];
            for (int r = 0; r < 30; r++) {
                evalBatch(1, keys, 0, gates, xs, 0, out, 0);
            }
            for (int r = 0; r < 3; r++) {
                genBatch(sh[0], sh[1], randomAlphas(rng, gates, sh[0]), rng.longs(gates * sh[1]), rng);
            }
        }
    }

    // =================================================================== benchmarks

    /**
     * Kernel benchmark of the batched Eval (party 0, on the calling thread alone: a per-core rate) on
     * {@code gates} random keys of (n, m) at random inputs, σ and control-bit handling included: AES blocks
     * hashed (counted by {@link FixedKeyAes}), elapsed
     * nanoseconds of the measured runs (after warm-up runs) and blocks per second. No assertion on time.
     */
    public static KernelBench benchmarkEval(int gates, int n, int m) {
        Prg rng = Prg.fresh();
        DcfKeys keys = genBatch(n, m, randomAlphas(rng, gates, n), rng.longs(gates * m), rng).party(0);
        long[] xs = randomAlphas(rng, gates, n);
        long[] out = new long[gates * m];
        FixedKeyAes aes = FixedKeyAes.local();
        int reps = (int) Math.max(1, Math.min(1000, 20_000_000L / Math.max(1, gates * evalAesBlocks(n, m))));
        for (int r = 0; r < reps; r++) {
            evalRange(0, keys, 0, gates, xs, 0, out, 0);
        }
        long b0 = aes.blocksHashed();
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            evalRange(0, keys, 0, gates, xs, 0, out, 0);
        }
        long dt = System.nanoTime() - t0;
        return KernelBench.of("DCF batched eval, " + gates + " gates, n=" + n + ", m=" + m,
                aes.blocksHashed() - b0, dt);
    }

    /**
     * Kernel benchmark of {@link #genBatch} for {@code gates} random gates of (n, m), roots from a fresh
     * {@link Prg}: blocks, elapsed nanoseconds of one measured generation (after warm-up runs), blocks/s. The
     * generation runs on up to {@link #THREADS} threads, so the blocks are the cost formula's (the
     * per-thread counters of the other threads do not reach the caller's).
     */
    public static KernelBench benchmarkGen(int gates, int n, int m) {
        Prg rng = Prg.fresh();
        long[] alphas = randomAlphas(rng, gates, n);
        long[] betas = rng.longs(gates * m);
        int reps = (int) Math.max(1, Math.min(1000, 20_000_000L / Math.max(1, gates * genAesBlocks(n, m))));
        for (int r = 0; r < reps; r++) {
            genBatch(n, m, alphas, betas, rng);
        }
        long t0 = System.nanoTime();
        genBatch(n, m, alphas, betas, rng);
        long dt = System.nanoTime() - t0;
        return KernelBench.of("DCF batched gen, " + gates + " gates, n=" + n + ", m=" + m,
                (long) gates * genAesBlocks(n, m), dt);
    }

    private static long[] randomAlphas(Prg rng, int count, int n) {
        long[] a = rng.longs(count);
        if (n < 64) {
            for (int k = 0; k < count; k++) {
                a[k] &= (1L << n) - 1;
            }
        }
        return a;
    }
}
