package io.sonic.engine.layer;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.engine.protocol.Suite;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.ReluLayer;

/** ReLU: the suite's comparison protocol. It does not enlarge an error, and commutes with truncation. */
final class ReluLayerProtocol implements LayerProtocol<ReluLayer> {
    @Override
    public Class<ReluLayer> kind() {
        return ReluLayer.class;
    }

    @Override
    public ProtocolName name(ReluLayer layer, SecureConfig cfg) {
        return Suite.of(cfg).relu();
    }

    @Override
    public long[] evaluate(LayerStep s, ReluLayer layer) {
        return s.ctx().suite().relu(s.ctx(), s.index(), s.input());
    }

    @Override
    public Cost cost(ReluLayer layer, SecureConfig cfg) {
        return Suite.of(cfg).reluCost(layer.outputSize());
    }

    @Override
    public boolean commutesWithTruncation(ReluLayer layer) {
        return true;
    }

    @Override
    public long errorOut(ReluLayer layer, FixedPoint fp, long[] in) {
        return in[0];
    }
}
