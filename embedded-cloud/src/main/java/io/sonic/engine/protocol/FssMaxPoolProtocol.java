package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;

import java.util.Arrays;

/**
 * Max pooling with function secret sharing: the same pairwise tree as {@link MaxPoolProtocol}, each level
 * max(a, b) = b + ReLU(a − b) with one FSS ReLU per pair ({@link FssReluProtocol}), every pair of every
 * window of the layer in one message. Needs |a − b| &lt; 2^63, which fixed-point activations satisfy.
 *
 * <p>Cost for windows of k values: ⌈log₂ k⌉ levels, each 1 round and 16·p bytes for its p pairs; the dealer
 * sends {@link FssReluProtocol#offlineBytes}(p, 0) per level.
 */
public final class FssMaxPoolProtocol {
    private FssMaxPoolProtocol() {
    }

    public static Cost cost(int[] windowSizes) {
        Cost c = Cost.ZERO;
        for (int pairs : MaxPoolProtocol.pairsPerLevel(windowSizes)) {
            c = c.plus(FssReluProtocol.cost(pairs));
        }
        return c;
    }

    /** Reduces each candidate list to its maximum, all lists level by level together. */
    public static long[] tree(PartyContext ctx, int layer, long[][] cand) {
        int level = 0;
        while (Arrays.stream(cand).anyMatch(c -> c.length > 1)) {
            level++;
            int pairs = 0;
            for (long[] c : cand) {
                pairs += c.length / 2;
            }
            long[] diff = new long[pairs];
            long[] low = new long[pairs];
            int k = 0;
            for (long[] c : cand) {
                for (int i = 0; i + 1 < c.length; i += 2) {
                    diff[k] = c[i] - c[i + 1];
                    low[k] = c[i + 1];
                    k++;
                }
            }
            ctx.channel().section("max level " + level + ", " + pairs + " pairs max(a, b) = b + ReLU(a − b)");
            long[] relu = FssReluProtocol.select(ctx, layer, diff, new long[0][], "x̂ = a − b + r").relu();
            k = 0;
            for (int o = 0; o < cand.length; o++) {
                long[] c = cand[o];
                long[] next = new long[c.length / 2 + c.length % 2];
                for (int i = 0; i + 1 < c.length; i += 2) {
                    next[i / 2] = low[k] + relu[k];
                    k++;
                }
                if (c.length % 2 == 1) {
                    next[next.length - 1] = c[c.length - 1];
                }
                cand[o] = next;
            }
        }
        long[] y = new long[cand.length];
        for (int o = 0; o < y.length; o++) {
            y[o] = cand[o][0];
        }
        return y;
    }
}
