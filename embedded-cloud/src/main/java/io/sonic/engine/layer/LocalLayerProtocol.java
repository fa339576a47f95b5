package io.sonic.engine.layer;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.RingKernels;
import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConcatLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.ReshapeLayer;
import io.sonic.model.layer.TransposeLayer;

import java.util.function.BiFunction;

/**
 * Layers that are linear with public coefficients, so each server computes on its own shares without
 * talking: reshapes, padding (party 0 adds the public pad value), bias additions (the bias share at
 * 2^f) and residual additions (the error bounds of the two inputs add up).
 */
final class LocalLayerProtocol<L extends Layer> implements LayerProtocol<L> {
    private final Class<L> kind;
    private final BiFunction<LayerStep, L, long[]> step;
    private final Errors errors;

    /** How the layer's output error bound follows from its inputs'. */
    private enum Errors {
        /** Each output is one input value (or a public constant): the input's bound. */
        COPIED,
        /** Each output is the sum of one value of each of two inputs. */
        SUMMED,
        /** Each output is one value of one of several inputs: the largest of their bounds. */
        JOINED
    }

    private LocalLayerProtocol(Class<L> kind, BiFunction<LayerStep, L, long[]> step, Errors errors) {
        this.kind = kind;
        this.step = step;
        this.errors = errors;
    }

    static LocalLayerProtocol<ReshapeLayer> reshape() {
        return new LocalLayerProtocol<>(ReshapeLayer.class, (s, l) -> s.input(), Errors.COPIED);
    }

    static LocalLayerProtocol<TransposeLayer> transpose() {
        return new LocalLayerProtocol<>(TransposeLayer.class, (s, l) -> RingKernels.gather(l.sourceTable(), s.input(), 0),
                Errors.COPIED);
    }

    static LocalLayerProtocol<ConcatLayer> concat() {
        return new LocalLayerProtocol<>(ConcatLayer.class, (s, l) -> l.join(java.util.List.of(s.inputs()),
                new long[io.sonic.model.Shapes.size(l.outputShape())]), Errors.JOINED);
    }

    static LocalLayerProtocol<PadLayer> pad() {
        return new LocalLayerProtocol<>(PadLayer.class, (s, l) -> RingKernels.gather(l.sourceTable(), s.input(),
                s.ctx().isZero() ? s.ctx().config().fixedPoint().encode(l.value()) : 0), Errors.COPIED);
    }

    static LocalLayerProtocol<BiasAddLayer> biasAdd() {
        return new LocalLayerProtocol<>(BiasAddLayer.class, (s, l) -> RingKernels.add(s.input(), l.inputShape(0),
                s.param(0), l.bias().shape(), l.outputShape()), Errors.COPIED);
    }

    static LocalLayerProtocol<AddLayer> add() {
        return new LocalLayerProtocol<>(AddLayer.class, (s, l) -> RingKernels.add(s.inputs()[0], l.inputShape(0),
                s.inputs()[1], l.inputShape(1), l.outputShape()), Errors.SUMMED);
    }

    @Override
    public Class<L> kind() {
        return kind;
    }

    @Override
    public ProtocolName name(L layer, SecureConfig cfg) {
        return ProtocolName.LOCAL;
    }

    @Override
    public long[] evaluate(LayerStep s, L layer) {
        return step.apply(s, layer);
    }

    @Override
    public Cost cost(L layer, SecureConfig cfg) {
        return Cost.ZERO;
    }

    @Override
    public long errorOut(L layer, FixedPoint fp, long[] in) {
        return switch (errors) {
            case COPIED -> in[0];
            case SUMMED -> in[0] + in[1];
            case JOINED -> java.util.Arrays.stream(in).max().orElse(0);
        };
    }
}
