package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;

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

    /** Reduces each candidate list to its maximum, all lists level by level together (one round per level). */
    public static long[] tree(PartyContext ctx, int layer, long[][] cand) {
        return MaxPoolProtocol.tree(ctx, layer, cand,
                (c, l, diff) -> FssReluProtocol.select(c, l, diff, new long[0][], "x̂ = a − b + r").relu());
    }
}
