package io.sonic.engine.fss;

import io.sonic.engine.crypto.Prg;

import java.nio.ByteBuffer;

/**
 * The nonlinear FSS gates in shared-wire mode (r_out = 0): pure functions, no networking. Wires are additive
 * shares over Z_{2^64}; for each gate instance the dealer picks a fresh uniform 64-bit mask r (or receives the
 * two parties' additive shares of it), the servers open x̂ = x + r in one round (8 bytes per server per value,
 * done by the caller), evaluate their DCF keys on a public function of x̂ and combine the DCF outputs with the
 * dealer's shares into additive shares of the gate's output. For each gate there is
 * <ul>
 * <li>a dealer side, {@code xxxDealer(masks)}, returning the DCF thresholds α and payloads β and the derived
 * values the dealer must share, and a convenience {@code dealXxx} that also runs {@link Dcf#genBatch} and
 * splits every value into two uniform additive shares (one key batch per server);</li>
 * <li>a server side taking the party index, the opened values, the party's DCF outputs (evaluated at
 * {@link #signDcfInputs} / {@link #truncDcfInputs}) and the party's shares, returning the party's output
 * shares; an overload evaluates the DCF itself.</li>
 * </ul>
 *
 * <p><b>Select / ReLU / DReLU</b> (n = 63 DCF, payload m = J + 2). With r = 2^63·r_H + r_L, the sign borrow
 * c = 1{x̂_L &lt; r_L} is the DCF at α = r_L, and with σ = 1 − 2r_H the payload (σ, σ·r, σ·r_1, …, σ·r_J) gives
 * shares of σc, σrc, σr_jc. Then u = r_H ⊕ c = r_H + σc, d = DReLU(x) = (1 − x̂_H) + (2x̂_H − 1)u (so
 * DReLU(0) = 1), ReLU(x) = x̂·d − r·d and d·v_j = v̂_j·d − r_j·d, all linear in the shares. This is exact for
 * every x in the ring, −2^63 and 2^63−1 included. Max pooling uses J = 0: max(a, b) = b + ReLU(a − b) (needs
 * |a − b| &lt; 2^63); argmax uses J = 1 with v = i_a − i_b: index = i_b + d·v (ties pick a).
 * <ul>
 * <li>ReLU (J = 0): key {@value #RELU_KEY_BYTES} B per element per server (DCF(63, 2) 2056 B + [r], [r_H],
 * [r_H·r]); 127 AES calls per element and server.</li>
 * <li>Select with J extra values: 16 + 63(16 + 8(J+2)) + 8 + 8(J+2) DCF bytes + 8(3 + 2J) share bytes per
 * element per server ({@link #selectKeyBytes}: 2608 B for J = 1, 3136 B for J = 2); 63(1 + ⌈(J+2)/2⌉) +
 * ⌈(J+2)/2⌉ AES calls ({@link #selectAesCalls}: 191 for J = 1 and J = 2). Online: 8(J+1) bytes per server.</li>
 * <li>DReLU only (payload σ, m = 1): {@value #DRELU_KEY_BYTES} B (DCF(63, 1) 1544 B + [r], [r_H]); 127 AES
 * calls.</li>
 * </ul>
 *
 * <p><b>Exact truncation T3</b> (one f-bit DCF, β = [1], α = low_f(r)), valid for |x| &lt; 2^62: with
 * ŷ = x̂ + 2^63, ARS(x, f) = (ŷ ⋙ f) − 2^{63−f} − 1{low_f(ŷ) &lt; low_f(r)} − (r ⋙ f) + 2^{64−f}·w where the
 * wrap bit w = 1{ŷ &lt; r} is known to the dealer unless r is in the uncertain region
 * (2^63 − 2^62, 2^63 + 2^62), where it equals 1 − msb(ŷ). The dealer shares [E] = [2^{64−f}·e] (e = 1 iff r is
 * uncertain) and [Cst] = [−(r ⋙ f) + 2^{64−f}·w_r] (w_r = 1 iff r ≥ 2^63 + 2^62). Key
 * {@link #truncKeyBytes}(f) = 16 + f·24 + 16 + 24 bytes per element per server (440 B for f = 16); 2f + 1 AES
 * calls ({@link #truncAesCalls}: 33 for f = 16). Result is floor(x / 2^f) exactly; |x| ≥ 2^62 gives a silent
 * wrong result when r is uncertain, so callers must guarantee the bound.
 *
 * <p><b>Security notes.</b>
 * <ul>
 * <li>Every mask is fresh and uniform over the full 64-bit ring and masks exactly one value; every key is used
 * for one gate instance only. Several gates may read the same x̂ only with their own keys made from that r.</li>
 * <li>σ and σ·r (and σ·r_j) live only inside the DCF payload; never share them in the clear. The shares of
 * r_H, r_H·r, E and Cst are independent uniform splits from the dealer's CSPRNG, not derived from DCF seeds.</li>
 * <li>All bit extraction uses {@code >>>} and all comparisons are unsigned; the DCF is branch-free in its
 * control bits. The server-side combination branches only on public x̂ bits (and in fact is branch-free).</li>
 * <li>Semi-honest only: nothing here detects a server that deviates.</li>
 * </ul>
 */
public final class FssGates {
    /** Input bits of the sign DCF (the 63 low bits of x̂). */
    public static final int SIGN_BITS = 63;
    /** Bytes per element per server of a ReLU key: 2056 + 3·8. */
    public static final int RELU_KEY_BYTES = 2080;
    /** Bytes per element per server of a DReLU-only key: 1544 + 2·8. */
    public static final int DRELU_KEY_BYTES = 1560;

    private static final long LOW63 = Long.MAX_VALUE;
    private static final long UNCERTAIN_LO = Long.MIN_VALUE - (1L << 62); // 2^63 − 2^62 (unsigned)
    private static final long UNCERTAIN_HI = Long.MIN_VALUE + (1L << 62); // 2^63 + 2^62 (unsigned)

    private FssGates() {
    }

    // =================================================================== sizes and costs

    /** 16 + 63(16 + 8(J+2)) + 8 + 8(J+2) + 8(3 + 2J): select-gate key bytes per element per server. */
    public static int selectKeyBytes(int extra) {
        return DcfKeys.keyBytes(SIGN_BITS, extra + 2) + 8 * (3 + 2 * extra);
    }

    /** 63(1 + ⌈(J+2)/2⌉) + ⌈(J+2)/2⌉ AES calls per select element and server. */
    public static long selectAesCalls(int extra) {
        return Dcf.evalAesBlocks(SIGN_BITS, extra + 2);
    }

    /** T3 key bytes per element per server: DCF(f, 1) (16 + 24f + 16) + [r], [E], [Cst]. */
    public static int truncKeyBytes(int f) {
        return DcfKeys.keyBytes(f, 1) + 24;
    }

    /** 2f + 1 AES calls per T3 element and server. */
    public static long truncAesCalls(int f) {
        return Dcf.evalAesBlocks(f, 1);
    }

    // =================================================================== shares

    /** Two uniform additive shares {v0, v1} of each value, v0 + v1 = v, v0 uniform from {@code rng}. */
    public static long[][] share(long[] v, Prg rng) {
        long[] a = rng.longs(v.length);
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i] - a[i];
        }
        return new long[][] {a, b};
    }

    private static long[] sum(long[] a, long[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("share arrays differ in length");
        }
        long[] s = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    private static void checkParty(int party) {
        if (party != 0 && party != 1) {
            throw new IllegalArgumentException("party is 0 or 1, got " + party);
        }
    }

    private static void checkLength(long[] a, long expected, String what) {
        if (a.length != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " values, got " + a.length);
        }
    }

    // =================================================================== select, ReLU

    /**
     * Dealer-side values of B select gates with J extra values: DCF thresholds {@code alpha[g] = r_L} and payloads
     * {@code beta[g·(J+2) ..] = (σ, σ·r, σ·r_1, …, σ·r_J)} (secret: only inside the DCF), the masks r and
     * r_j ({@code rExtra[g·J + j]}) and the derived values to share: r_H, r_H·r and r_H·r_j.
     */
    public record SelectDeal(int extra, long[] alpha, long[] beta, long[] r, long[] rH, long[] rHr, long[] rExtra,
                             long[] rHrExtra) {
        public int size() {
            return alpha.length;
        }
    }

    /** Dealer side of the select gate: masks r (one per δ) and r_j ({@code rExtra[g·J + j]}). */
    public static SelectDeal selectDealer(long[] r, long[] rExtra, int extra) {
        if (extra < 0) {
            throw new IllegalArgumentException("extra values must be ≥ 0");
        }
        int b = r.length;
        checkLength(rExtra, (long) b * extra, "extra masks");
        int m = extra + 2;
        long[] alpha = new long[b];
        long[] beta = new long[b * m];
        long[] rH = new long[b];
        long[] rHr = new long[b];
        long[] rHrExtra = new long[b * extra];
        for (int g = 0; g < b; g++) {
            long rg = r[g];
            long h = rg >>> 63;
            long sigma = 1 - 2 * h;
            alpha[g] = rg & LOW63;
            beta[g * m] = sigma;
            beta[g * m + 1] = sigma * rg;
            rH[g] = h;
            rHr[g] = h * rg;
            for (int j = 0; j < extra; j++) {
                long rj = rExtra[g * extra + j];
                beta[g * m + 2 + j] = sigma * rj;
                rHrExtra[g * extra + j] = h * rj;
            }
        }
        return new SelectDeal(extra, alpha, beta, r.clone(), rH, rHr, rExtra.clone(), rHrExtra);
    }

    /** Dealer side of ReLU/DReLU (the select gate with J = 0). */
    public static SelectDeal reluDealer(long[] r) {
        return selectDealer(r, new long[0], 0);
    }

    /**
     * One server's material for B select gates: its DCF(63, J+2) keys and its shares of r, r_H, r_H·r, r_j and
     * r_H·r_j ({@code [g·J + j]}).
     */
    public record SelectKeys(int extra, DcfKeys dcf, long[] r, long[] rH, long[] rHr, long[] rExtra,
                             long[] rHrExtra) {
        public SelectKeys {
            int b = dcf.size();
            if (dcf.n() != SIGN_BITS || dcf.m() != extra + 2) {
                throw new IllegalArgumentException("select keys need a DCF of n=63, m=" + (extra + 2));
            }
            checkLength(r, b, "[r]");
            checkLength(rH, b, "[r_H]");
            checkLength(rHr, b, "[r_H·r]");
            checkLength(rExtra, (long) b * extra, "[r_j]");
            checkLength(rHrExtra, (long) b * extra, "[r_H·r_j]");
        }

        public int size() {
            return dcf.size();
        }

        /**
         * Element i's material as bytes: its DCF key (single-key format) then [r], [r_H], [r_H·r], [r_j]…,
         * [r_H·r_j]… as 8 bytes big-endian each; {@link #selectKeyBytes}(J) bytes.
         */
        public byte[] serialize(int i) {
            byte[] k = dcf.serialize(i);
            ByteBuffer out = ByteBuffer.allocate(k.length + 8 * (3 + 2 * extra)).put(k);
            out.putLong(r[i]).putLong(rH[i]).putLong(rHr[i]);
            for (int j = 0; j < extra; j++) {
                out.putLong(rExtra[i * extra + j]);
            }
            for (int j = 0; j < extra; j++) {
                out.putLong(rHrExtra[i * extra + j]);
            }
            return out.array();
        }
    }

    /**
     * Dealer convenience: masks r (and r_j) in the clear; generates the DCF keys and splits r, r_j and the
     * derived values into fresh uniform shares. Returns {server 0's keys, server 1's keys}.
     */
    public static SelectKeys[] dealSelect(long[] r, long[] rExtra, int extra, Prg rng) {
        long[][] rs = share(r, rng);
        long[][] rxs = share(rExtra, rng);
        return dealSelect(rs[0], rs[1], rxs[0], rxs[1], extra, rng);
    }

    /**
     * Dealer convenience when the masks are given as the parties' additive shares (r = r0 + r1, r_j = rx0 + rx1):
     * the keys carry those shares unchanged, the derived values are freshly shared.
     */
    public static SelectKeys[] dealSelect(long[] r0, long[] r1, long[] rx0, long[] rx1, int extra, Prg rng) {
        SelectDeal d = selectDealer(sum(r0, r1), sum(rx0, rx1), extra);
        DcfKeys.Pair p = Dcf.genBatch(SIGN_BITS, extra + 2, d.alpha(), d.beta(), rng);
        long[][] h = share(d.rH(), rng);
        long[][] hr = share(d.rHr(), rng);
        long[][] hrx = share(d.rHrExtra(), rng);
        return new SelectKeys[] {
            new SelectKeys(extra, p.party(0), r0.clone(), h[0], hr[0], rx0.clone(), hrx[0]),
            new SelectKeys(extra, p.party(1), r1.clone(), h[1], hr[1], rx1.clone(), hrx[1])};
    }

    /** Dealer convenience for B ReLU/DReLU gates (J = 0) from masks in the clear. */
    public static SelectKeys[] dealRelu(long[] r, Prg rng) {
        return dealSelect(r, new long[0], 0, rng);
    }

    /** Dealer convenience for B ReLU/DReLU gates (J = 0) from the parties' shares of the masks. */
    public static SelectKeys[] dealRelu(long[] r0, long[] r1, Prg rng) {
        return dealSelect(r0, r1, new long[0], new long[0], 0, rng);
    }

    /** The sign DCF's inputs: x̂_L = the 63 low bits of each opened value. */
    public static long[] signDcfInputs(long[] xhat) {
        long[] x = new long[xhat.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = xhat[i] & LOW63;
        }
        return x;
    }

    /**
     * A party's output shares of B select gates: {@code d} = DReLU(δ) (1 for δ ≥ 0, signed), {@code relu} =
     * ReLU(δ) = d·δ, {@code selected[g·J + j]} = d·v_j.
     */
    public record SelectOut(long[] d, long[] relu, long[] selected) {
    }

    /**
     * Server side of the select gate: opened δ̂ ({@code deltaHat[g]}), opened v̂_j ({@code vHat[g·J + j]}),
     * the party's DCF outputs at {@link #signDcfInputs}(δ̂) ({@code dcfOut[g·(J+2) ..]}) and its shares.
     */
    public static SelectOut select(int party, long[] deltaHat, long[] vHat, long[] dcfOut, SelectKeys keys) {
        checkParty(party);
        final int b = keys.size();
        final int extra = keys.extra();
        final int m = extra + 2;
        checkLength(deltaHat, b, "opened δ");
        checkLength(vHat, (long) b * extra, "opened v");
        checkLength(dcfOut, (long) b * m, "DCF outputs");
        final long[] r = keys.r(), rH = keys.rH(), rHr = keys.rHr(), rx = keys.rExtra(), rHrx = keys.rHrExtra();
        final long one = party == 0 ? 1 : 0;
        long[] d = new long[b];
        long[] y = new long[b];
        long[] sel = new long[b * extra];
        for (int g = 0; g < b; g++) {
            final long xh = deltaHat[g];
            final long hiBit = xh >>> 63;
            final long notHi = 1 - hiBit;
            final long e = 2 * hiBit - 1;
            final long u = rH[g] + dcfOut[g * m];
            final long ur = rHr[g] + dcfOut[g * m + 1];
            final long dg = one * notHi + e * u;
            final long rd = notHi * r[g] + e * ur;
            d[g] = dg;
            y[g] = xh * dg - rd;
            for (int j = 0; j < extra; j++) {
                final int q = g * extra + j;
                final long urj = rHrx[q] + dcfOut[g * m + 2 + j];
                final long rjd = notHi * rx[q] + e * urj;
                sel[q] = vHat[q] * dg - rjd;
            }
        }
        return new SelectOut(d, y, sel);
    }

    /** Server side of the select gate, evaluating the party's DCF keys on the opened δ̂ first. */
    public static SelectOut select(int party, SelectKeys keys, long[] deltaHat, long[] vHat) {
        checkLength(deltaHat, keys.size(), "opened δ");
        long[] out = Dcf.evalBatch(party, keys.dcf(), signDcfInputs(deltaHat));
        return select(party, deltaHat, vHat, out, keys);
    }

    /** Server side of ReLU/DReLU (J = 0) from the party's DCF outputs; {@code selected} is empty. */
    public static SelectOut relu(int party, long[] xhat, long[] dcfOut, SelectKeys keys) {
        return select(party, xhat, new long[0], dcfOut, keys);
    }

    /** Server side of ReLU/DReLU (J = 0), evaluating the DCF first. */
    public static SelectOut relu(int party, SelectKeys keys, long[] xhat) {
        return select(party, keys, xhat, new long[0]);
    }

    // =================================================================== DReLU only (m = 1)

    /** Dealer-side values of B DReLU-only gates: α = r_L, β = [σ] (secret), masks r and r_H to share. */
    public record DreluDeal(long[] alpha, long[] beta, long[] r, long[] rH) {
    }

    /** Dealer side of the DReLU-only gate (payload σ, m = 1; no ReLU output). */
    public static DreluDeal dreluDealer(long[] r) {
        int b = r.length;
        long[] alpha = new long[b];
        long[] beta = new long[b];
        long[] rH = new long[b];
        for (int g = 0; g < b; g++) {
            long h = r[g] >>> 63;
            alpha[g] = r[g] & LOW63;
            beta[g] = 1 - 2 * h;
            rH[g] = h;
        }
        return new DreluDeal(alpha, beta, r.clone(), rH);
    }

    /** One server's DReLU-only material: DCF(63, 1) keys, shares of r and r_H. */
    public record DreluKeys(DcfKeys dcf, long[] r, long[] rH) {
        public DreluKeys {
            if (dcf.n() != SIGN_BITS || dcf.m() != 1) {
                throw new IllegalArgumentException("DReLU keys need a DCF of n=63, m=1");
            }
            checkLength(r, dcf.size(), "[r]");
            checkLength(rH, dcf.size(), "[r_H]");
        }

        public int size() {
            return dcf.size();
        }

        /** Element i's material: DCF key then [r], [r_H] (8 bytes BE each); {@value #DRELU_KEY_BYTES} bytes. */
        public byte[] serialize(int i) {
            byte[] k = dcf.serialize(i);
            return ByteBuffer.allocate(k.length + 16).put(k).putLong(r[i]).putLong(rH[i]).array();
        }
    }

    /** Dealer convenience for B DReLU-only gates from masks in the clear. */
    public static DreluKeys[] dealDrelu(long[] r, Prg rng) {
        long[][] rs = share(r, rng);
        return dealDrelu(rs[0], rs[1], rng);
    }

    /** Dealer convenience for B DReLU-only gates from the parties' shares of the masks. */
    public static DreluKeys[] dealDrelu(long[] r0, long[] r1, Prg rng) {
        DreluDeal d = dreluDealer(sum(r0, r1));
        DcfKeys.Pair p = Dcf.genBatch(SIGN_BITS, 1, d.alpha(), d.beta(), rng);
        long[][] h = share(d.rH(), rng);
        return new DreluKeys[] {new DreluKeys(p.party(0), r0.clone(), h[0]), new DreluKeys(p.party(1), r1.clone(), h[1])};
    }

    /** Server side of DReLU-only: shares of d = DReLU(x) from the DCF outputs at {@link #signDcfInputs}. */
    public static long[] drelu(int party, long[] xhat, long[] dcfOut, DreluKeys keys) {
        checkParty(party);
        int b = keys.size();
        checkLength(xhat, b, "opened x");
        checkLength(dcfOut, b, "DCF outputs");
        long one = party == 0 ? 1 : 0;
        long[] rH = keys.rH();
        long[] d = new long[b];
        for (int g = 0; g < b; g++) {
            long hiBit = xhat[g] >>> 63;
            d[g] = one * (1 - hiBit) + (2 * hiBit - 1) * (rH[g] + dcfOut[g]);
        }
        return d;
    }

    /** Server side of DReLU-only, evaluating the DCF first. */
    public static long[] drelu(int party, DreluKeys keys, long[] xhat) {
        checkLength(xhat, keys.size(), "opened x");
        return drelu(party, xhat, Dcf.evalBatch(party, keys.dcf(), signDcfInputs(xhat)), keys);
    }

    // =================================================================== truncation T3

    /**
     * Dealer-side values of B T3 gates: DCF thresholds α = low_f(r) (β = [1]), masks r, and the values to share
     * E = 2^{64−f}·e and Cst = −(r ⋙ f) + 2^{64−f}·w_r.
     */
    public record TruncDeal(int f, long[] alpha, long[] r, long[] e, long[] cst) {
    }

    /** Dealer side of T3 for shift f (1 ≤ f ≤ 63). */
    public static TruncDeal truncDealer(long[] r, int f) {
        checkShift(f);
        int b = r.length;
        long scale = 1L << (64 - f);
        long lowMask = (1L << f) - 1;
        long[] alpha = new long[b];
        long[] e = new long[b];
        long[] cst = new long[b];
        for (int g = 0; g < b; g++) {
            long rg = r[g];
            long wr = Long.compareUnsigned(rg, UNCERTAIN_HI) >= 0 ? 1 : 0;
            long unc = Long.compareUnsigned(rg, UNCERTAIN_LO) > 0 && wr == 0 ? 1 : 0;
            alpha[g] = rg & lowMask;
            e[g] = scale * unc;
            cst[g] = -(rg >>> f) + scale * wr;
        }
        return new TruncDeal(f, alpha, r.clone(), e, cst);
    }

    private static void checkShift(int f) {
        if (f < 1 || f > 63) {
            throw new IllegalArgumentException("shift f must be in 1..63, got " + f);
        }
    }

    /** One server's T3 material: DCF(f, 1) keys, shares of r, E and Cst. */
    public record TruncKeys(int f, DcfKeys dcf, long[] r, long[] e, long[] cst) {
        public TruncKeys {
            checkShift(f);
            if (dcf.n() != f || dcf.m() != 1) {
                throw new IllegalArgumentException("T3 keys need a DCF of n=f=" + f + ", m=1");
            }
            checkLength(r, dcf.size(), "[r]");
            checkLength(e, dcf.size(), "[E]");
            checkLength(cst, dcf.size(), "[Cst]");
        }

        public int size() {
            return dcf.size();
        }

        /** Element i's material: DCF key then [r], [E], [Cst] (8 bytes BE each); {@link #truncKeyBytes}(f) bytes. */
        public byte[] serialize(int i) {
            byte[] k = dcf.serialize(i);
            return ByteBuffer.allocate(k.length + 24).put(k).putLong(r[i]).putLong(e[i]).putLong(cst[i]).array();
        }
    }

    /** Dealer convenience for B T3 gates from masks in the clear. */
    public static TruncKeys[] dealTrunc(long[] r, int f, Prg rng) {
        long[][] rs = share(r, rng);
        return dealTrunc(rs[0], rs[1], f, rng);
    }

    /** Dealer convenience for B T3 gates from the parties' shares of the masks. */
    public static TruncKeys[] dealTrunc(long[] r0, long[] r1, int f, Prg rng) {
        TruncDeal d = truncDealer(sum(r0, r1), f);
        long[] ones = new long[d.alpha().length];
        java.util.Arrays.fill(ones, 1L);
        DcfKeys.Pair p = Dcf.genBatch(f, 1, d.alpha(), ones, rng);
        long[][] es = share(d.e(), rng);
        long[][] cs = share(d.cst(), rng);
        return new TruncKeys[] {new TruncKeys(f, p.party(0), r0.clone(), es[0], cs[0]),
            new TruncKeys(f, p.party(1), r1.clone(), es[1], cs[1])};
    }

    /** The T3 DCF's inputs: low_f(ŷ) = low_f(x̂ + 2^63) = low_f(x̂). */
    public static long[] truncDcfInputs(long[] xhat, int f) {
        checkShift(f);
        long lowMask = (1L << f) - 1;
        long[] x = new long[xhat.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = xhat[i] & lowMask;
        }
        return x;
    }

    /**
     * Server side of T3: the party's shares of ARS(x, f) = floor(x / 2^f) (signed) from the opened x̂, its DCF
     * outputs at {@link #truncDcfInputs} and its shares. Exact for |x| &lt; 2^62.
     */
    public static long[] trunc(int party, long[] xhat, long[] dcfOut, TruncKeys keys) {
        checkParty(party);
        final int b = keys.size();
        final int f = keys.f();
        checkLength(xhat, b, "opened x");
        checkLength(dcfOut, b, "DCF outputs");
        final long bias = party == 0 ? 1L << (63 - f) : 0;
        final long keep = party == 0 ? -1L : 0;
        final long[] e = keys.e(), cst = keys.cst();
        long[] t = new long[b];
        for (int g = 0; g < b; g++) {
            final long yh = xhat[g] + Long.MIN_VALUE;
            final long pub = ((yh >>> f) & keep) - bias;
            t[g] = pub - dcfOut[g] + (1 - (yh >>> 63)) * e[g] + cst[g];
        }
        return t;
    }

    /** Server side of T3, evaluating the DCF first. */
    public static long[] trunc(int party, TruncKeys keys, long[] xhat) {
        checkLength(xhat, keys.size(), "opened x");
        return trunc(party, xhat, Dcf.evalBatch(party, keys.dcf(), truncDcfInputs(xhat, keys.f())), keys);
    }
}
