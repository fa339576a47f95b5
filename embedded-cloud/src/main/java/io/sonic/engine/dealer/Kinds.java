package io.sonic.engine.dealer;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.fss.Dcf;
import io.sonic.engine.fss.DcfKeys;
import io.sonic.engine.fss.FssGates;

import java.util.Arrays;

/**
 * What each kind of need is made of, in one place: which parts a party draws from its own seed
 * ({@link #expand}), what the dealer sends each party beyond its seed ({@link #payload}, sized by
 * {@link #payloadLongs}), and how a server puts the two together ({@link #assemble}).
 */
final class Kinds {
    private Kinds() {
    }

    /**
     * The party's random parts of an item; for party 0 also its "derived" parts (c, w, tArith, at,
     * high, msb), which for party 1 come from the dealer's corrections instead.
     */
    static long[][] expand(Expander e, Need<?> need) {
        boolean p0 = e.party() == 0;
        Prg prg = e.prg();
        if (need instanceof Need.Triple t) {
            long[] a = t.maskReuse() ? MaskSeeds.maskShare(e.maskSeed(), t.layer(), t.op().weightSize())
                    : prg.longs(t.op().weightSize());
            long[] b = prg.longs(t.op().inputSize());
            long[] c = p0 ? prg.longs(t.op().outputSize()) : null;
            return new long[][] {a, b, c};
        } else if (need instanceof Need.Ands n) {
            long[] u = prg.longs(n.words());
            long[] v = prg.longs(n.words());
            long[] w = p0 ? prg.longs(n.words()) : null;
            return new long[][] {u, v, w};
        } else if (need instanceof Need.BitMults m) {
            int words = (m.n() + 63) / 64;
            long[] tBool = prg.bitWords(words, m.n());
            long[] a = prg.longs(m.n() * m.values());
            long[] tArith = p0 ? prg.longs(m.n()) : null;
            long[] at = p0 ? prg.longs(m.n() * m.values()) : null;
            return new long[][] {tBool, tArith, a, at};
        } else if (need instanceof Need.Truncs tr) {
            long[] r = prg.longs(tr.n());
            long[] high = p0 ? prg.longs(tr.n()) : null;
            long[] msb = p0 ? prg.longs(tr.n()) : null;
            return new long[][] {r, high, msb};
        } else if (need instanceof Need.FssSelect s) {
            int n = s.n();
            int j = s.extra();
            long[] roots = roots(prg, n);
            long[] r = prg.longs(n);
            long[] rx = prg.longs(n * j);
            long[] rH = p0 ? prg.longs(n) : null;
            long[] rHr = p0 ? prg.longs(n) : null;
            long[] rHrx = p0 ? prg.longs(n * j) : null;
            return new long[][] {roots, r, rx, rH, rHr, rHrx};
        } else if (need instanceof Need.FssTrunc t) {
            int n = t.n();
            long[] roots = roots(prg, n);
            long[] r = prg.longs(n);
            long[] eShare = p0 ? prg.longs(n) : null;
            long[] cst = p0 ? prg.longs(n) : null;
            return new long[][] {roots, r, eShare, cst};
        }
        throw new IllegalArgumentException("unknown need " + need);
    }

    /** DCF root seeds {hi, lo} per gate, the control bit (the lowest bit of lo) cleared. */
    private static long[] roots(Prg prg, int n) {
        long[] r = prg.longs(2 * n);
        for (int g = 0; g < n; g++) {
            r[2 * g + 1] &= ~1L;
        }
        return r;
    }

    private static int commonWords(Need<?> need) {
        if (need instanceof Need.FssSelect s) {
            return s.n() * DcfKeys.Common.wordsPerGate(FssGates.SIGN_BITS, s.extra() + 2);
        }
        Need.FssTrunc t = (Need.FssTrunc) need;
        return t.n() * DcfKeys.Common.wordsPerGate(t.fractionBits(), 1);
    }

    /** Longs the dealer sends party {@code party} for this item beyond its seed. */
    static long payloadLongs(Need<?> need, int party) {
        if (need instanceof Need.FssSelect s) {
            // the DCF keys' correction words go to both servers; party 1 gets the corrections of r_H, r_H·r, r_H·r_j
            return commonWords(need) + (party == 1 ? (long) s.n() * (2 + s.extra()) : 0);
        } else if (need instanceof Need.FssTrunc t) {
            return commonWords(need) + (party == 1 ? 2L * t.n() : 0);
        }
        if (party == 0) {
            return 0;
        }
        if (need instanceof Need.Triple t) {
            return t.op().outputSize();
        } else if (need instanceof Need.Ands a) {
            return a.words();
        } else if (need instanceof Need.BitMults b) {
            return (long) b.n() * (1 + b.values());
        } else if (need instanceof Need.Truncs t) {
            return 2L * t.n();
        }
        throw new IllegalArgumentException("unknown need " + need);
    }

    /** The dealer's payloads of an item {party 0's, party 1's}, from both parties' expansions. */
    static Payload[] payloads(Need<?> need, long[][] m0, long[][] m1) {
        if (need instanceof Need.FssSelect s) {
            return fssSelect(s, m0, m1);
        } else if (need instanceof Need.FssTrunc t) {
            return fssTrunc(t, m0, m1);
        }
        return new Payload[] {Payload.NONE, new Payload(correction(need, m0, m1))};
    }

    /**
     * One party's payload of an item: for an FSS item the keys are made for both (their correction words
     * are common), for a Sonic item party 0's is empty and nothing is computed for it.
     */
    static Payload payload(Need<?> need, int party, long[][] m0, long[][] m1) {
        if (party == 0 && !(need instanceof Need.FssSelect) && !(need instanceof Need.FssTrunc)) {
            return Payload.NONE;
        }
        return payloads(need, m0, m1)[party];
    }

    /** Arrays in the party's payload of the item: FSS keys' words (both) and share corrections (party 1). */
    static int parts(Need<?> need, int party) {
        boolean fss = need instanceof Need.FssSelect || need instanceof Need.FssTrunc;
        return fss ? 1 + party : party;
    }

    /** Party 1's correction of a Sonic-suite item (party 0 derives all of it from its seed). */
    private static long[] correction(Need<?> need, long[][] m0, long[][] m1) {
        if (need instanceof Need.Triple t) {
            long[] a = sum(m0[0], m1[0]);
            long[] b = sum(m0[1], m1[1]);
            long[] c = t.op().apply(a, b);
            for (int i = 0; i < c.length; i++) {
                c[i] -= m0[2][i];
            }
            return c;
        } else if (need instanceof Need.Ands) {
            long[] w = new long[m0[0].length];
            for (int i = 0; i < w.length; i++) {
                w[i] = ((m0[0][i] ^ m1[0][i]) & (m0[1][i] ^ m1[1][i])) ^ m0[2][i];
            }
            return w;
        } else if (need instanceof Need.BitMults bm) {
            int n = bm.n();
            int k = bm.values();
            long[] corr = new long[n * (1 + k)];
            for (int i = 0; i < n; i++) {
                long t = ((m0[0][i >>> 6] ^ m1[0][i >>> 6]) >>> (i & 63)) & 1L;
                corr[i] = t - m0[1][i];
                for (int j = 0; j < k; j++) {
                    int idx = j * n + i;
                    long a = m0[2][idx] + m1[2][idx];
                    corr[n + idx] = a * t - m0[3][idx];
                }
            }
            return corr;
        } else if (need instanceof Need.Truncs tr) {
            int n = tr.n();
            long[] corr = new long[2 * n];
            for (int i = 0; i < n; i++) {
                long r = m0[0][i] + m1[0][i];
                corr[i] = (r >>> tr.fractionBits()) - m0[1][i];
                corr[n + i] = (r >>> 63) - m0[2][i];
            }
            return corr;
        }
        throw new IllegalArgumentException("unknown need " + need);
    }

    private static Payload[] fssSelect(Need.FssSelect s, long[][] m0, long[][] m1) {
        int n = s.n();
        int j = s.extra();
        FssGates.SelectDeal d = FssGates.selectDealer(sum(m0[1], m1[1]), sum(m0[2], m1[2]), j);
        DcfKeys.Pair keys = gen(FssGates.SIGN_BITS, j + 2, d.alpha(), d.beta(), m0[0], m1[0]);
        long[] common = keys.common().toLongs();
        long[] p = new long[n * (2 + j)];
        int o = 0;
        for (int g = 0; g < n; g++) {
            p[o + g] = d.rH()[g] - m0[3][g];
            p[o + n + g] = d.rHr()[g] - m0[4][g];
        }
        for (int q = 0; q < n * j; q++) {
            p[o + 2 * n + q] = d.rHrExtra()[q] - m0[5][q];
        }
        return new Payload[] {new Payload(common), new Payload(common, p)};
    }

    private static Payload[] fssTrunc(Need.FssTrunc t, long[][] m0, long[][] m1) {
        int n = t.n();
        FssGates.TruncDeal d = FssGates.truncDealer(sum(m0[1], m1[1]), t.fractionBits());
        long[] ones = new long[n];
        Arrays.fill(ones, 1L);
        long[] common = gen(t.fractionBits(), 1, d.alpha(), ones, m0[0], m1[0]).common().toLongs();
        long[] p = new long[2 * n];
        int o = 0;
        for (int g = 0; g < n; g++) {
            p[o + g] = d.e()[g] - m0[2][g];
            p[o + n + g] = d.cst()[g] - m0[3][g];
        }
        return new Payload[] {new Payload(common), new Payload(common, p)};
    }

    private static DcfKeys.Pair gen(int bits, int m, long[] alpha, long[] beta, long[] roots0, long[] roots1) {
        int n = alpha.length;
        long[][] r = new long[4][n];
        for (int g = 0; g < n; g++) {
            r[0][g] = roots0[2 * g];
            r[1][g] = roots0[2 * g + 1];
            r[2][g] = roots1[2 * g];
            r[3][g] = roots1[2 * g + 1];
        }
        return Dcf.genBatch(bits, m, alpha, beta, r[0], r[1], r[2], r[3]);
    }

    /** A party's material of an item: its own expansion completed by the dealer's payload. */
    static Material assemble(Need<?> need, int party, long[][] own, Payload parts) {
        boolean p1 = party == 1;
        long[] payload = parts.parts().length == 0 ? null : parts.part(parts.parts().length - 1);
        if (need instanceof Need.Triple) {
            return new Material.Triple(own[0], own[1], p1 ? payload : own[2]);
        } else if (need instanceof Need.Ands) {
            return new Material.Ands(own[0], own[1], p1 ? payload : own[2]);
        } else if (need instanceof Need.BitMults bm) {
            int n = bm.n();
            return p1 ? new Material.BitMults(own[0], Arrays.copyOfRange(payload, 0, n), own[2],
                    Arrays.copyOfRange(payload, n, payload.length))
                    : new Material.BitMults(own[0], own[1], own[2], own[3]);
        } else if (need instanceof Need.Truncs t) {
            int n = t.n();
            return p1 ? new Material.Truncs(own[0], Arrays.copyOfRange(payload, 0, n),
                    Arrays.copyOfRange(payload, n, 2 * n)) : new Material.Truncs(own[0], own[1], own[2]);
        } else if (need instanceof Need.FssSelect s) {
            int n = s.n();
            int j = s.extra();
            DcfKeys dcf = DcfKeys.fromRoots(own[0], 0,
                    DcfKeys.Common.fromLongs(FssGates.SIGN_BITS, j + 2, n, parts.part(0), 0));
            return new Material.FssSelect(new FssGates.SelectKeys(j, dcf, own[1],
                    p1 ? Arrays.copyOfRange(payload, 0, n) : own[3],
                    p1 ? Arrays.copyOfRange(payload, n, 2 * n) : own[4], own[2],
                    p1 ? Arrays.copyOfRange(payload, 2 * n, 2 * n + n * j) : own[5]));
        } else if (need instanceof Need.FssTrunc t) {
            int n = t.n();
            DcfKeys dcf = DcfKeys.fromRoots(own[0], 0, DcfKeys.Common.fromLongs(t.fractionBits(), 1, n,
                    parts.part(0), 0));
            return new Material.FssTrunc(new FssGates.TruncKeys(t.fractionBits(), dcf, own[1],
                    p1 ? Arrays.copyOfRange(payload, 0, n) : own[2],
                    p1 ? Arrays.copyOfRange(payload, n, 2 * n) : own[3]));
        }
        throw new IllegalArgumentException("unknown need " + need);
    }

    /** A material of the item's sizes with every value zero (for tracing a query's plan). */
    static Material zeros(Need<?> need) {
        if (need instanceof Need.Triple t) {
            return new Material.Triple(new long[t.op().weightSize()], new long[t.op().inputSize()],
                    new long[t.op().outputSize()]);
        } else if (need instanceof Need.Ands a) {
            return new Material.Ands(new long[a.words()], new long[a.words()], new long[a.words()]);
        } else if (need instanceof Need.BitMults b) {
            return new Material.BitMults(new long[(b.n() + 63) / 64], new long[b.n()], new long[b.n() * b.values()],
                    new long[b.n() * b.values()]);
        } else if (need instanceof Need.Truncs t) {
            return new Material.Truncs(new long[t.n()], new long[t.n()], new long[t.n()]);
        } else if (need instanceof Need.FssSelect s) {
            int n = s.n();
            int j = s.extra();
            DcfKeys dcf = DcfKeys.fromRoots(new long[2 * n], 0, DcfKeys.Common.fromLongs(FssGates.SIGN_BITS, j + 2,
                    n, new long[commonWords(need)], 0));
            return new Material.FssSelect(new FssGates.SelectKeys(j, dcf, new long[n], new long[n], new long[n],
                    new long[n * j], new long[n * j]));
        } else if (need instanceof Need.FssTrunc t) {
            int n = t.n();
            DcfKeys dcf = DcfKeys.fromRoots(new long[2 * n], 0, DcfKeys.Common.fromLongs(t.fractionBits(), 1, n,
                    new long[commonWords(need)], 0));
            return new Material.FssTrunc(new FssGates.TruncKeys(t.fractionBits(), dcf, new long[n], new long[n],
                    new long[n]));
        }
        throw new IllegalArgumentException("unknown need " + need);
    }

    private static long[] sum(long[] x, long[] y) {
        long[] r = new long[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = x[i] + y[i];
        }
        return r;
    }
}
