package io.sonic.desktop.learn;

import io.sonic.engine.protocol.MaxPoolProtocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Worked examples on small numbers, computed (never typed in) by a small pure-Java model of each
 * protocol in an 8-bit ring (mod 256), so that they fit on a slide.
 *
 * <p>Teaching material only: the random shares, triples and masks come from a seeded
 * {@link java.util.Random} so that the same seed shows the same numbers again. That generator is not
 * cryptographic and never touches a real share, mask or key; the engine draws those from its AES-CTR
 * {@code Prg}.
 */
public final class Examples {
    /** The examples' ring: ℓ = 8, everything mod 256. */
    public static final Ring RING = new Ring(8);
    /** The secret of the sharing example. */
    public static final long SECRET = 23;
    /** A second secret, to show that one share looks the same whatever the secret. */
    public static final long OTHER_SECRET = 200;
    /** Fraction bits of the truncation example (8-bit ring). */
    public static final int FRACTION_BITS = 2;

    private Examples() {
    }

    /** One topic's worked example. */
    public sealed interface Example permits Sharing, Beaver, Truncation, Msb, MaxPool, Argmax, Fss, MaskReuse,
            Collusion {
    }

    /** x = x₀ + x₁ and y = y₀ + y₁; each server adds its own shares. */
    public record Sharing(Ring ring, long x, long x0, long x1, long y, long y0, long y1, long z0, long z1,
                          long other, int distinctX0, int distinctOtherX0) implements Example {
        public long z() {
            return ring.add(z0, z1);
        }
    }

    /**
     * A Beaver product W·X with the triple (A, B, C = A·B): E = W − A and F = X − B opened, then
     * Z₀ = E·F + E·B₀ + A₀·F + C₀ and Z₁ = E·B₁ + A₁·F + C₁.
     */
    public record Beaver(Ring ring, long w, long x, long a, long b, long c, long w0, long w1, long x0, long x1,
                         long a0, long a1, long b0, long b1, long c0, long c1, long e0, long e1, long f0, long f1,
                         long z0, long z1) implements Example {
        public long e() {
            return ring.add(e0, e1);
        }

        public long f() {
            return ring.add(f0, f1);
        }

        public long ef() {
            return ring.mul(e(), f());
        }

        public long z() {
            return ring.add(z0, z1);
        }

        public long product() {
            return ring.mul(w, x);
        }
    }

    /**
     * A fixed-point product truncated both ways. Encodings carry f fraction bits; the product x carries
     * 2f. Local: y₀ = x₀ >> f, y₁ = −((−x₁) >> f). Exact: open c = x + 2^(ℓ−2) + r, then
     * y_i = [i = 0]·((c >>> f) − 2^(ℓ−2−f)) − [r >>> f]_i + (1 − MSB(c))·[MSB(r)]_i·2^(ℓ−f).
     */
    public record Truncation(Ring ring, int f, long aEnc, long bEnc, long x, long x0, long x1, long local0,
                             long local1, int localWrong, long r, long r0, long r1, long high0, long high1,
                             long msbR0, long msbR1, long c0, long c1, long y0, long y1) implements Example {
        /** The offset 2^(ℓ−2) that makes x + offset non-negative for |x| < 2^(ℓ−2). */
        public long offset() {
            return 1L << (ring.bits() - 2);
        }

        public long floor() {
            return ring.signed(x) >> f;
        }

        public long local() {
            return ring.signed(ring.add(local0, local1));
        }

        public long c() {
            return ring.add(c0, c1);
        }

        public long y() {
            return ring.signed(ring.add(y0, y1));
        }

        public int msbR() {
            return ring.msb(r);
        }

        public long high() {
            return ring.shiftUnsigned(r, f);
        }

        /** How many of the 2^ℓ possible shares x₁ make local truncation wrong (not floor or floor + 1). */
        public int localCases() {
            return 1 << ring.bits();
        }
    }

    /** MSB of x = x₀ + x₁ by the carry tree, then DReLU = 1 − MSB and ReLU = x·DReLU. */
    public record Msb(Ring ring, long x, long x0, long x1, CarryTree.Evaluation tree) implements Example {
        public int drelu() {
            return 1 - tree.msb();
        }

        public long relu() {
            return ring.signed(x) * drelu();
        }
    }

    /** One secure comparison of the max tree: max(a, b) = b + ReLU(a − b), the bit from the carry tree. */
    public record Pair(long a, long b, long diff, int drelu, long max, CarryTree.Evaluation tree) {
    }

    /** A 2×2 max-pooling window reduced in ⌈log2 4⌉ levels. */
    public record MaxPool(Ring ring, long[] window, List<List<Pair>> levels, long max) implements Example {
    }

    /** One pair of the argmax tree: lower index l, higher index h, d = [x_h > x_l]. */
    public record IndexedPair(int lowIndex, long low, int highIndex, long high, int d, int index, long max) {
    }

    /** Argmax of ten logits: the max tree carrying each candidate's index. */
    public record Argmax(Ring ring, long[] logits, List<List<IndexedPair>> levels, int label) implements Example {
    }

    /**
     * Mask reuse: E = W − A opened once; two queries open only F_q = X_q − B_q with fresh B_q and
     * C_q = A·B_q. The misuse: the same A on another weight W' gives E − E' = W − W'.
     */
    public record MaskReuse(Ring ring, long w, long a, long e, Beaver q1, Beaver q2, long wOther, long eOther)
            implements Example {
    }

    /** What colluders learn: S₀ + S₁ add shares; the dealer and S₀ unmask E and F. Without a dealer, {@code gilboa}. */
    public record Collusion(Sharing sharing, Beaver beaver, Gilboa gilboa) implements Example {
    }

    /**
     * Without a dealer, one cross product of a triple by oblivious transfer (Gilboa): server 0 holds a, server 1
     * holds b; for each bit j server 0 offers (r_j, r_j + a·2^j) and server 1 takes the one its bit b_j names,
     * without server 0 learning which. Server 1's share is the sum of what it took, server 0's is −Σ r_j; they
     * add up to a·b.
     */
    public record Gilboa(Ring ring, long a, long b, long[] pads, long[] taken, long share0, long share1) {
        public long product() {
            return ring.add(share0, share1);
        }

        public int bit(int j) {
            return (int) (b >>> j) & 1;
        }
    }

    /**
     * An FSS ReLU in the teaching ring, with the engine's own DCF ({@code io.sonic.engine.fss.Dcf}) on the
     * ℓ − 1 low bits: the dealer's mask r = 2^(ℓ−1)·r_H + r_L and σ = 1 − 2r_H, the keys for α = r_L with payload
     * (σ, σ·r), the opened x̂ = x + r, each server's DCF outputs w (shares of σ·c) and z (of σ·r·c) at x̂_L, with
     * c = [x̂_L &lt; r_L], and each server's shares of d = DReLU(x) and y = ReLU(x).
     */
    public record Fss(Ring ring, long x, long x0, long x1, long r, long r0, long r1, long rH, long rL, long sigma,
                      long rH0, long rH1, long rHr0, long rHr1, long xHat0, long xHat1, long w0, long w1, long z0,
                      long z1, long d0, long d1, long y0, long y1, int keyBytes) implements Example {
        public long xHat() {
            return ring.add(xHat0, xHat1);
        }

        public int xHatHigh() {
            return ring.msb(xHat());
        }

        public long xHatLow() {
            return xHat() & ((1L << (ring.bits() - 1)) - 1);
        }

        /** The comparison the DCF answers in shares: [x̂_L &lt; r_L]. */
        public int c() {
            return xHatLow() < rL ? 1 : 0;
        }

        public long d() {
            return ring.add(d0, d1);
        }

        public long y() {
            return ring.add(y0, y1);
        }
    }

    public static Fss fss(long seed) {
        Ring ring = RING;
        Random rnd = teaching(seed);
        int low = ring.bits() - 1;
        long x = ring.reduce(nonZero(rnd, 100));
        long[] xs = split(ring, x, rnd);
        long r = ring.random(rnd);
        long[] rs = split(ring, r, rnd);
        long rH = ring.msb(r);
        long rL = r & ((1L << low) - 1);
        long sigma = ring.reduce(1 - 2 * rH);
        long[] rHs = split(ring, rH, rnd);
        long[] rHrs = split(ring, ring.mul(rH, r), rnd);
        // the engine's DCF on the ℓ − 1 low bits; its outputs are shares mod 2^64, hence also mod 2^ℓ
        io.sonic.engine.fss.DcfKeys.Pair keys = io.sonic.engine.fss.Dcf.gen(low, rL,
                new long[] {sigma, ring.mul(sigma, r)}, rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
        long xHat0 = ring.add(xs[0], rs[0]);
        long xHat1 = ring.add(xs[1], rs[1]);
        long xHat = ring.add(xHat0, xHat1);
        long xL = xHat & ((1L << low) - 1);
        long hi = ring.msb(xHat);
        long[] out0 = io.sonic.engine.fss.Dcf.eval(0, keys.party(0), 0, xL);
        long[] out1 = io.sonic.engine.fss.Dcf.eval(1, keys.party(1), 0, xL);
        long[] w = {ring.reduce(out0[0]), ring.reduce(out1[0])};
        long[] z = {ring.reduce(out0[1]), ring.reduce(out1[1])};
        long e = ring.reduce(2 * hi - 1);
        long[] d = new long[2];
        long[] y = new long[2];
        long[] rsh = {rs[0], rs[1]};
        for (int b = 0; b < 2; b++) {
            long u = ring.add(b == 0 ? rHs[0] : rHs[1], w[b]);
            long ur = ring.add(b == 0 ? rHrs[0] : rHrs[1], z[b]);
            d[b] = ring.add(b == 0 ? 1 - hi : 0, ring.mul(e, u));
            long rd = ring.add(ring.mul(1 - hi, rsh[b]), ring.mul(e, ur));
            y[b] = ring.sub(ring.mul(xHat, d[b]), rd);
        }
        return new Fss(ring, x, xs[0], xs[1], r, rs[0], rs[1], rH, rL, sigma, rHs[0], rHs[1], rHrs[0], rHrs[1],
                xHat0, xHat1, w[0], w[1], z[0], z[1], d[0], d[1], y[0], y[1],
                io.sonic.engine.fss.DcfKeys.keyBytes(low, 2));
    }

    static Random teaching(long seed) {
        // teaching material, not key material: a seeded, non-cryptographic generator on purpose. The seed
        // is mixed first (SplitMix64's finaliser) because the first values of java.util.Random for
        // neighbouring seeds are alike, and "New numbers" steps the seed by one.
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    /** Splits v into (share 0, share 1) with share 1 random and share 0 = v − share 1, as the engine does. */
    static long[] split(Ring ring, long v, Random rnd) {
        long s1 = ring.random(rnd);
        return new long[] {ring.sub(v, s1), s1};
    }

    public static Sharing sharing(long seed) {
        Ring ring = RING;
        Random rnd = teaching(seed);
        long[] x = split(ring, SECRET, rnd);
        long y = 100;
        long[] ys = split(ring, y, rnd);
        return new Sharing(ring, SECRET, x[0], x[1], y, ys[0], ys[1], ring.add(x[0], ys[0]), ring.add(x[1], ys[1]),
                OTHER_SECRET, distinctFirstShares(ring, SECRET), distinctFirstShares(ring, OTHER_SECRET));
    }

    /** Over all 2^ℓ choices of x₁, how many distinct values x₀ = x − x₁ takes. */
    static int distinctFirstShares(Ring ring, long x) {
        boolean[] seen = new boolean[(int) ring.modulus()];
        int distinct = 0;
        for (long x1 = 0; x1 < ring.modulus(); x1++) {
            int x0 = (int) ring.sub(x, x1);
            if (!seen[x0]) {
                seen[x0] = true;
                distinct++;
            }
        }
        return distinct;
    }

    public static Beaver beaver(long seed) {
        Random rnd = teaching(seed);
        long w = 2 + rnd.nextInt(14);
        long x = 2 + rnd.nextInt(14);
        while (true) {
            Beaver b = beaver(RING, w, x, RING.random(rnd), rnd);
            if (b.ef() != 0) {
                // E·F = 0 would hide the point that only server 0 may add it; draw another triple
                return b;
            }
        }
    }

    /** A Beaver product with the weight mask a given (fresh b and c = a·b from the dealer). */
    static Beaver beaver(Ring ring, long w, long x, long a, Random rnd) {
        return beaver(ring, split(ring, w, rnd), x, split(ring, a, rnd), rnd);
    }

    /**
     * A Beaver product with given shares of the weight and of its mask (mask reuse keeps both from
     * query to query), fresh shares of x, and a fresh b with c = a·b.
     */
    static Beaver beaver(Ring ring, long[] ws, long x, long[] as, Random rnd) {
        long w = ring.add(ws[0], ws[1]);
        long a = ring.add(as[0], as[1]);
        long b = ring.random(rnd);
        long c = ring.mul(a, b);
        long[] xs = split(ring, x, rnd);
        long[] bs = split(ring, b, rnd);
        long[] cs = split(ring, c, rnd);
        long e0 = ring.sub(ws[0], as[0]);
        long e1 = ring.sub(ws[1], as[1]);
        long f0 = ring.sub(xs[0], bs[0]);
        long f1 = ring.sub(xs[1], bs[1]);
        long e = ring.add(e0, e1);
        long f = ring.add(f0, f1);
        long z0 = ring.add(ring.add(ring.mul(e, f), ring.mul(e, bs[0])), ring.add(ring.mul(as[0], f), cs[0]));
        long z1 = ring.add(ring.mul(e, bs[1]), ring.add(ring.mul(as[1], f), cs[1]));
        return new Beaver(ring, w, x, a, b, c, ws[0], ws[1], xs[0], xs[1], as[0], as[1], bs[0], bs[1], cs[0], cs[1],
                e0, e1, f0, f1, z0, z1);
    }

    public static Truncation truncation(long seed) {
        Ring ring = RING;
        int f = FRACTION_BITS;
        Random rnd = teaching(seed);
        // two encodings with f fraction bits, |a·b| < 2^(ℓ−2) so that the exact variant applies
        long aEnc = nonZero(rnd, 7);
        long bEnc = nonZero(rnd, 7);
        long x = ring.reduce(aEnc * bEnc);
        long[] xs = split(ring, x, rnd);
        long local0 = ring.shiftSigned(xs[0], f);
        long local1 = ring.neg(ring.shiftSigned(ring.neg(xs[1]), f));
        int wrong = 0;
        long floor = ring.signed(x) >> f;
        for (long s1 = 0; s1 < ring.modulus(); s1++) {
            long s0 = ring.sub(x, s1);
            long y = ring.signed(ring.add(ring.shiftSigned(s0, f), ring.neg(ring.shiftSigned(ring.neg(s1), f))));
            if (y != floor && y != floor + 1) {
                wrong++;
            }
        }
        long r = ring.random(rnd);
        long[] rs = split(ring, r, rnd);
        long[] hs = split(ring, ring.shiftUnsigned(r, f), rnd);
        long[] ms = split(ring, ring.msb(r), rnd);
        long offset = 1L << (ring.bits() - 2);
        long c0 = ring.add(ring.add(xs[0], rs[0]), offset);
        long c1 = ring.add(xs[1], rs[1]);
        long c = ring.add(c0, c1);
        long wrapUnit = ring.reduce(1L << (ring.bits() - f));
        long notMsbC = 1 - ring.msb(c);
        long y0 = ring.add(ring.sub(ring.sub(ring.shiftUnsigned(c, f), offset >> f), hs[0]),
                ring.mul(notMsbC * ms[0], wrapUnit));
        long y1 = ring.add(ring.neg(hs[1]), ring.mul(notMsbC * ms[1], wrapUnit));
        return new Truncation(ring, f, aEnc, bEnc, x, xs[0], xs[1], local0, local1, wrong, r, rs[0], rs[1], hs[0],
                hs[1], ms[0], ms[1], c0, c1, y0, y1);
    }

    private static long nonZero(Random rnd, int bound) {
        long v = 1 + rnd.nextInt(bound);
        return rnd.nextBoolean() ? v : -v;
    }

    public static Msb msb(long seed) {
        Ring ring = RING;
        Random rnd = teaching(seed);
        long x = ring.random(rnd);
        long[] xs = split(ring, x, rnd);
        return new Msb(ring, x, xs[0], xs[1], CarryTree.evaluate(ring, xs[0], xs[1]));
    }

    /** DReLU(v) on fresh random shares of v, through the carry tree. */
    static CarryTree.Evaluation drelu(Ring ring, long v, Random rnd) {
        long[] s = split(ring, v, rnd);
        return CarryTree.evaluate(ring, s[0], s[1]);
    }

    public static MaxPool maxPool(long seed) {
        Ring ring = RING;
        Random rnd = teaching(seed);
        long[] window = new long[4];
        for (int i = 0; i < window.length; i++) {
            window[i] = rnd.nextInt(121) - 60;
        }
        List<List<Pair>> levels = new ArrayList<>();
        long[] cand = window.clone();
        while (cand.length > 1) {
            List<Pair> level = new ArrayList<>();
            long[] next = new long[cand.length / 2 + cand.length % 2];
            for (int i = 0; i + 1 < cand.length; i += 2) {
                long a = cand[i];
                long b = cand[i + 1];
                long diff = a - b;
                CarryTree.Evaluation t = drelu(ring, ring.reduce(diff), rnd);
                int d = 1 - t.msb();
                long max = b + diff * d;
                level.add(new Pair(a, b, diff, d, max, t));
                next[i / 2] = max;
            }
            if (cand.length % 2 == 1) {
                next[next.length - 1] = cand[cand.length - 1];
            }
            levels.add(level);
            cand = next;
        }
        return new MaxPool(ring, window, List.copyOf(levels), cand[0]);
    }

    /** Levels of a max tree over k values, from the engine's own pairing. */
    public static int levelsFor(int k) {
        return MaxPoolProtocol.pairsPerLevel(new int[] {k}).length;
    }

    public static Argmax argmax(long seed) {
        Ring ring = RING;
        Random rnd = teaching(seed);
        long[] logits = new long[10];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = rnd.nextInt(101) - 50;
        }
        List<List<IndexedPair>> levels = new ArrayList<>();
        long[] vals = logits.clone();
        int[] idx = new int[logits.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        while (vals.length > 1) {
            int pairs = vals.length / 2;
            int m = pairs + vals.length % 2;
            long[] nv = new long[m];
            int[] ni = new int[m];
            List<IndexedPair> level = new ArrayList<>();
            for (int p = 0; p < pairs; p++) {
                long lo = vals[2 * p];
                long hi = vals[2 * p + 1];
                // d = DReLU(x_h − x_l − 1) = [x_h > x_l]: ties keep the lower index
                int d = 1 - drelu(ring, ring.reduce(hi - lo - 1), rnd).msb();
                nv[p] = lo + d * (hi - lo);
                ni[p] = idx[2 * p] + d * (idx[2 * p + 1] - idx[2 * p]);
                level.add(new IndexedPair(idx[2 * p], lo, idx[2 * p + 1], hi, d, ni[p], nv[p]));
            }
            if (vals.length % 2 == 1) {
                nv[m - 1] = vals[vals.length - 1];
                ni[m - 1] = idx[idx.length - 1];
            }
            levels.add(level);
            vals = nv;
            idx = ni;
        }
        return new Argmax(ring, logits, List.copyOf(levels), idx[0]);
    }

    public static MaskReuse maskReuse(long seed) {
        Ring ring = RING;
        Random rnd = teaching(seed);
        long w = 2 + rnd.nextInt(14);
        long a = ring.random(rnd);
        // the model owner shares W once; A's shares come from the per-model mask seeds: both stay fixed
        long[] ws = split(ring, w, rnd);
        long[] as = split(ring, a, rnd);
        Beaver q1 = beaver(ring, ws, 2 + rnd.nextInt(14), as, rnd);
        Beaver q2 = beaver(ring, ws, 2 + rnd.nextInt(14), as, rnd);
        long wOther = 2 + rnd.nextInt(14);
        return new MaskReuse(ring, w, a, ring.sub(w, a), q1, q2, wOther, ring.sub(wOther, a));
    }

    public static Collusion collusion(long seed) {
        Beaver b = beaver(seed);
        return new Collusion(sharing(seed), b, gilboa(RING, b.a0(), b.b1(), teaching(seed + 1)));
    }

    /** Shares of a·b from one oblivious transfer per bit of b (see {@link Gilboa}). */
    static Gilboa gilboa(Ring ring, long a, long b, Random rnd) {
        int bits = ring.bits();
        long[] pads = new long[bits];
        long[] taken = new long[bits];
        long s0 = 0;
        long s1 = 0;
        for (int j = 0; j < bits; j++) {
            pads[j] = ring.random(rnd);
            long offered1 = ring.add(pads[j], ring.mul(a, 1L << j));
            taken[j] = ((b >>> j) & 1) == 1 ? offered1 : pads[j];
            s1 = ring.add(s1, taken[j]);
            s0 = ring.sub(s0, pads[j]);
        }
        return new Gilboa(ring, a, b, pads, taken, s0, s1);
    }

    /** The example of a topic for a seed. */
    public static Example of(Topic topic, long seed) {
        return switch (topic) {
            case SHARING -> sharing(seed);
            case BEAVER -> beaver(seed);
            case TRUNCATION -> truncation(seed);
            case MSB -> msb(seed);
            case MAX_POOL -> maxPool(seed);
            case ARGMAX -> argmax(seed);
            case FSS -> fss(seed);
            case MASK_REUSE -> maskReuse(seed);
            case NON_COLLUSION -> collusion(seed);
        };
    }
}
