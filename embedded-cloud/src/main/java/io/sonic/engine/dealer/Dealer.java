package io.sonic.engine.dealer;

import io.sonic.engine.crypto.Prg;

import java.util.ArrayList;
import java.util.List;

/**
 * The dealer: input-independent correlated randomness for one query. It draws a fresh seed per
 * server, expands both, and computes party 1's corrections (c₁ = f(A, B) − c₀ and the like). The
 * dealer sees nothing private: no weight, input or output passes through it.
 */
public final class Dealer {
    private Dealer() {
    }

    /** What the dealer sends: a seed to each server and, to party 1, one correction per item. */
    public record Dealt(byte[] seed0, byte[] seed1, List<long[]> corrections, long[] offlineBytesPerLayer) {
        /** Total bytes dealer → servers: two seeds plus all corrections. */
        public long offlineBytes() {
            long n = 2L * Prg.SEED_BYTES;
            for (long b : offlineBytesPerLayer) {
                n += b;
            }
            return n;
        }
    }

    /**
     * @param plan   the query's needs in order
     * @param masks  the model's mask seeds (mask-reuse mode), or null
     * @param layers number of layers (for per-layer offline accounting)
     */
    public static Dealt deal(List<Need> plan, MaskSeeds masks, int layers) {
        byte[] seed0 = Prg.newSeed();
        byte[] seed1 = Prg.newSeed();
        Expander e0 = new Expander(0, seed0, masks == null ? null : masks.seed0());
        Expander e1 = new Expander(1, seed1, masks == null ? null : masks.seed1());
        List<long[]> corrections = new ArrayList<>(plan.size());
        long[] perLayer = new long[Math.max(layers, 1) + 1];
        for (Need need : plan) {
            long[][] m0 = e0.expand(need);
            long[][] m1 = e1.expand(need);
            long[] corr = correction(need, m0, m1);
            corrections.add(corr);
            perLayer[need.layer()] += (long) corr.length * Long.BYTES;
        }
        return new Dealt(seed0, seed1, corrections, perLayer);
    }

    private static long[] correction(Need need, long[][] m0, long[][] m1) {
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

    private static long[] sum(long[] x, long[] y) {
        long[] r = new long[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = x[i] + y[i];
        }
        return r;
    }
}
