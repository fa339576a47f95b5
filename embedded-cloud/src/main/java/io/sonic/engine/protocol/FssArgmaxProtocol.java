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

    /** Returns a share of the index of the first maximum. */
    public static long argmax(PartyContext ctx, int layer, long[] x) {
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
            long[] delta = new long[pairs];
            long[] di = new long[pairs];
            long[] dv = new long[pairs];
            for (int p = 0; p < pairs; p++) {
                dv[p] = vals[2 * p + 1] - vals[2 * p];
                delta[p] = dv[p] - (ctx.isZero() ? 1 : 0);
                di[p] = idx[2 * p + 1] - idx[2 * p];
            }
            ctx.channel().section("argmax level " + level + ", " + pairs + " pairs");
            long[] selValue;
            long[] selIndex;
            if (level == 1) {
                FssGates.SelectOut o = FssReluProtocol.select(ctx, layer, delta, new long[0][], "δ̂ = v_b − v_a − 1 + r");
                selValue = new long[pairs];
                selIndex = new long[pairs];
                for (int p = 0; p < pairs; p++) {
                    // d·(v_b − v_a) = d·δ + d; the index difference is the public 2p+1 − 2p = 1
                    selValue[p] = o.relu()[p] + o.d()[p];
                    selIndex[p] = o.d()[p];
                }
            } else {
                FssGates.SelectOut o = FssReluProtocol.select(ctx, layer, delta, new long[][] {di},
                        "δ̂ = v_b − v_a − 1 + r and î = i_b − i_a + r₁");
                selValue = new long[pairs];
                for (int p = 0; p < pairs; p++) {
                    selValue[p] = o.relu()[p] + o.d()[p];
                }
                selIndex = o.selected();
            }
            int m = pairs + vals.length % 2;
            long[] nv = new long[m];
            long[] ni = new long[m];
            for (int p = 0; p < pairs; p++) {
                nv[p] = vals[2 * p] + selValue[p];
                ni[p] = idx[2 * p] + selIndex[p];
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
}
