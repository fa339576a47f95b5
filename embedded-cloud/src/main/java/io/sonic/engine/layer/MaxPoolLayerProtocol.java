package io.sonic.engine.layer;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.protocol.MaxPoolProtocol;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.engine.protocol.Suite;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.MaxPoolLayer;

/**
 * Max pooling: the windows' candidates (padding left out, by public geometry) reduced by the suite's
 * pairwise maximum, all windows level by level together. No error growth; commutes with truncation.
 */
final class MaxPoolLayerProtocol implements LayerProtocol<MaxPoolLayer> {
    @Override
    public Class<MaxPoolLayer> kind() {
        return MaxPoolLayer.class;
    }

    @Override
    public ProtocolName name(MaxPoolLayer layer, SecureConfig cfg) {
        return Suite.of(cfg).max();
    }

    @Override
    public long[] evaluate(LayerStep s, MaxPoolLayer layer) {
        return s.ctx().suite().max(s.ctx(), s.index(), MaxPoolProtocol.candidates(layer.geometry(), s.input()));
    }

    @Override
    public Cost cost(MaxPoolLayer layer, SecureConfig cfg) {
        return Suite.of(cfg).maxCost(MaxPoolProtocol.windowSizes(layer.geometry()));
    }

    @Override
    public boolean commutesWithTruncation(MaxPoolLayer layer) {
        return true;
    }

    @Override
    public long errorOut(MaxPoolLayer layer, FixedPoint fp, long[] in) {
        return in[0];
    }
}
