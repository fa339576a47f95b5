package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.fss.FssGates;

/**
 * Secure argmax with function secret sharing: the pairwise tree of {@link ArgmaxProtocol}, one round per
 * level. Each pair compares δ = v_high − v_low − 1 (so d = [δ ≥ 0] = [v_high &gt; v_low] and ties keep the
 * lower index) with the select gate. At the first level the indices are public, so the index difference
 * needs no opening: max = v_low + ReLU(δ) + d and idx = i_low + d·(i_high − i_low) are local from the
 * shares of d. Later levels carry the shared index difference as the gate's one selected value (J = 1).
 *
 * <p>Cost for n logits: ⌈log₂ n⌉ rounds; a first level of p pairs costs 16·p bytes, each later level
 * 32·p; the dealer sends {@link FssReluProtocol#offlineBytes}(p, 0) for the first level and
 * {@link FssReluProtocol#offlineBytes}(p, 1) for each later one.
 */
public final class FssArgmaxProtocol {
    private FssArgmaxProtocol() {
    }

    public static Cost cost(int n) {
        Cost c = Cost.ZERO;
        int level = 0;
        for (int pairs : ArgmaxProtocol.pairsPerLevel(n)) {
            int extra = level++ == 0 ? 0 : 1;
            c = c.plus(new Cost(FssReluProtocol.bytes(pairs, extra), 1, FssReluProtocol.offlineBytes(pairs, extra)));
        }
        return c;
    }

    /** Returns a share of the index of the first maximum, one round per level of the tree. */
    public static long argmax(PartyContext ctx, int layer, long[] x) {
        return ArgmaxProtocol.tree(ctx, layer, x, FssArgmaxProtocol::level);
    }

    /** One level: d = [δ ≥ 0] for δ = (v_b − v_a) − 1; d·(v_b − v_a) = ReLU(δ) + d. */
    private static long[][] level(PartyContext ctx, int layer, int level, long[] dv, long[] di) {
        long[] delta = ArgmaxProtocol.minusOne(ctx, dv);
        int pairs = dv.length;
        FssGates.SelectOut o;
        long[] selIndex;
        if (level == 1) {
            // the indices are public constants: i_b − i_a = 1, so d·(i_b − i_a) = d needs no opening
            o = FssReluProtocol.select(ctx, layer, delta, new long[0][], "δ̂ = v_b − v_a − 1 + r");
            selIndex = o.d();
        } else {
            o = FssReluProtocol.select(ctx, layer, delta, new long[][] {di},
                    "δ̂ = v_b − v_a − 1 + r and î = i_b − i_a + r₁");
            selIndex = o.selected();
        }
        long[] selValue = new long[pairs];
        for (int p = 0; p < pairs; p++) {
            selValue[p] = o.relu()[p] + o.d()[p];
        }
        return new long[][] {selValue, selIndex};
    }
}
