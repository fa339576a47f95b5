package io.sonic.engine.layer;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.RingKernels;
import io.sonic.model.layer.AvgPoolLayer;

/**
 * Average pooling: local window sums times the public reciprocal 1/k at 2^f (output at 2f). Error gain:
 * the largest (valid taps)·(1/k encoded) over 2^f.
 */
final class AvgPoolLayerProtocol implements LayerProtocol<AvgPoolLayer> {
    @Override
    public Class<AvgPoolLayer> kind() {
        return AvgPoolLayer.class;
    }

    @Override
    public ProtocolName name(AvgPoolLayer layer, SecureConfig cfg) {
        return ProtocolName.LOCAL_SUM;
    }

    @Override
    public boolean doublesScale(AvgPoolLayer layer) {
        return true;
    }

    @Override
    public long[] evaluate(LayerStep s, AvgPoolLayer layer) {
        FixedPoint fp = s.ctx().config().fixedPoint();
        int[] d = layer.geometry().divisors();
        long[] mult = new long[d.length];
        for (int k = 0; k < d.length; k++) {
            mult[k] = fp.reciprocal(d[k]);
        }
        return RingKernels.windowSums(layer.geometry(), s.input(), mult);
    }

    @Override
    public Cost cost(AvgPoolLayer layer, SecureConfig cfg) {
        return Cost.ZERO;
    }

    @Override
    public long errorOut(AvgPoolLayer layer, FixedPoint fp, long[] in) {
        int[] d = layer.geometry().divisors();
        int[] table = layer.geometry().windowTable();
        int taps = layer.geometry().taps();
        double best = 0;
        for (int pos = 0; pos < d.length; pos++) {
            int valid = 0;
            for (int t = 0; t < taps; t++) {
                valid += table[pos * taps + t] >= 0 ? 1 : 0;
            }
            best = Math.max(best, (double) valid * fp.reciprocal(d[pos]));
        }
        return (long) Math.ceil(Math.scalb(best, -fp.fractionBits()) * in[0]);
    }
}
