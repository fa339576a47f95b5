package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;

/**
 * Secure argmax of the output logits, so that only the label's shares leave the servers: the same
 * pairwise tree as max pooling, carrying each candidate's index along. Per pair one DReLU bit d
 * selects both the value and the index: max = b + d·(a − b), idx = i_b + d·(i_a − i_b) (two values
 * per bit in one {@link SelectProtocol} round). Ties go to the lower index.
 *
 * <p>Cost for n logits: ⌈log2 n⌉ levels of 8 rounds; a level of p pairs costs
 * 32·A·⌈p/64⌉ + 16·⌈p/64⌉ + 32·p bytes.
 */
public final class ArgmaxProtocol {
    private ArgmaxProtocol() {
    }

    static int[] pairsPerLevel(int n) {
        return MaxPoolProtocol.pairsPerLevel(new int[] {n});
    }

    /** Online bytes and rounds for n logits, and the dealer's bytes. */
    public static Cost cost(int n) {
        long offline = 0;
        long rounds = 0;
        for (int pairs : pairsPerLevel(n)) {
            long words = BitSlice.words(pairs);
            offline += 8 * (MsbProtocol.ANDS_PER_LANE * words) + 8L * pairs * 3;
            rounds += MsbProtocol.ROUNDS + 1;
        }
        return new Cost(bytes(n), rounds, offline);
    }

    public static long bytes(int n) {
        long b = 0;
        for (int pairs : pairsPerLevel(n)) {
            long words = BitSlice.words(pairs);
            b += 32L * MsbProtocol.ANDS_PER_LANE * words + 16 * words + 32L * pairs;
        }
        return b;
    }

    /** The ideal functionality: index of the first maximum of the signed values. */
    public static int ideal(long[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * One suite's step of a tree level: from the shares of the pairs' value differences v_b − v_a and index
     * differences i_b − i_a, shares of d·(v_b − v_a) and d·(i_b − i_a) for d = [v_b &gt; v_a].
     */
    @FunctionalInterface
    public interface LevelStep {
        long[][] select(PartyContext ctx, int layer, int level, long[] valueDiffs, long[] indexDiffs);
    }

    /** Returns a share of the index of the maximum, with the Sonic suite's comparison and select. */
    public static long argmax(PartyContext ctx, int layer, long[] x) {
        return tree(ctx, layer, x, (c, l, level, dv, di) ->
                SelectProtocol.multiplyByBit(c, l, MsbProtocol.drelu(c, l, minusOne(c, dv)), dv, di));
    }

    /**
     * The pairwise tree both suites walk: each level pairs the candidates up, comparing the higher-index
     * one against the lower so that ties keep the lower index, and keeps max = v_a + d·(v_b − v_a) with
     * idx = i_a + d·(i_b − i_a); every pair of a level goes through the suite's step together.
     */
    public static long tree(PartyContext ctx, int layer, long[] x, LevelStep step) {
        long[] vals = x.clone();
        long[] idx = new long[x.length];
        if (ctx.isZero()) {
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
        }
        int level = 0;
        while (vals.length > 1) {
            level++;
            int pairs = vals.length / 2;
            long[] dv = new long[pairs];
            long[] di = new long[pairs];
            for (int p = 0; p < pairs; p++) {
                dv[p] = vals[2 * p + 1] - vals[2 * p];
                di[p] = idx[2 * p + 1] - idx[2 * p];
            }
            ctx.channel().section("argmax level " + level + ", " + pairs + " pairs");
            long[][] sel = step.select(ctx, layer, level, dv, di);
            int m = pairs + vals.length % 2;
            long[] nv = new long[m];
            long[] ni = new long[m];
            for (int p = 0; p < pairs; p++) {
                nv[p] = vals[2 * p] + sel[0][p];
                ni[p] = idx[2 * p] + sel[1][p];
            }
            if (vals.length % 2 == 1) {
                nv[m - 1] = vals[vals.length - 1];
                ni[m - 1] = idx[idx.length - 1];
            }
            vals = nv;
            idx = ni;
        }
        return idx[0];
    }

    /** Shares of v − 1, so that DReLU(v − 1) = [v > 0] for integers (strictly greater wins). */
    static long[] minusOne(PartyContext ctx, long[] v) {
        long[] r = v.clone();
        if (ctx.isZero()) {
            for (int i = 0; i < r.length; i++) {
                r[i] -= 1;
            }
        }
        return r;
    }
}
