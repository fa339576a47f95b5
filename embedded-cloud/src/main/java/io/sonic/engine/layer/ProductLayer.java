package io.sonic.engine.layer;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.protocol.BeaverProtocol;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.RingKernels;
import io.sonic.model.layer.Layer;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Layers with secret weights (matrix products, convolutions, per-channel scales): a Beaver product
 * with a triple shaped for the layer ({@link BeaverProtocol}), the bias share added at 2^2f; the output
 * has 2f fraction bits. Error gain: the largest ℓ1 norm of an encoded weight row, over 2^f.
 */
final class ProductLayer<L extends Layer> implements LayerProtocol<L> {
    private final Class<L> kind;
    private final ProtocolName name;
    private final Function<L, Bilinear> op;
    private final BiFunction<L, FixedPoint, Double> gain;

    ProductLayer(Class<L> kind, ProtocolName name, Function<L, Bilinear> op, BiFunction<L, FixedPoint, Double> gain) {
        this.kind = kind;
        this.name = name;
        this.op = op;
        this.gain = gain;
    }

    @Override
    public Class<L> kind() {
        return kind;
    }

    @Override
    public ProtocolName name(L layer, SecureConfig cfg) {
        return name;
    }

    @Override
    public Bilinear bilinear(L layer) {
        return op.apply(layer);
    }

    @Override
    public boolean doublesScale(L layer) {
        return true;
    }

    @Override
    public long[] evaluate(LayerStep s, L layer) {
        long[] z = BeaverProtocol.multiply(s.ctx(), s.index(), op.apply(layer), s.param(0), s.input(), s.openedMask());
        if (s.param(1) != null) {
            // the bias share is at 2^2f, added before truncation like the reference does
            RingKernels.addBias(layer, z, s.param(1), s.paramShape(1));
        }
        return z;
    }

    @Override
    public Cost cost(L layer, SecureConfig cfg) {
        Bilinear b = op.apply(layer);
        long open = cfg.linear() == LinearMode.FAITHFUL ? b.weightSize() + b.inputSize() : b.inputSize();
        return new Cost(16 * open, 1, 8L * b.outputSize());
    }

    @Override
    public long errorOut(L layer, FixedPoint fp, long[] in) {
        return (long) Math.ceil(gain.apply(layer, fp) * in[0]);
    }
}
