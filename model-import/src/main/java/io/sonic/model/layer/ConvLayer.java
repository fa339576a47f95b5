package io.sonic.model.layer;

import io.sonic.model.FloatTensor;
import io.sonic.model.geometry.ConvGeometry;

import java.util.List;

/** A 2-D convolution (NCHW) with constant weights [M, C/group, kh, kw] and an optional bias [M]. */
public final class ConvLayer extends Layer {
    private final FloatTensor weight;
    private final FloatTensor bias;
    private final ConvGeometry geometry;

    public ConvLayer(String name, String sourceOp, String input, String output, FloatTensor weight,
                     FloatTensor bias, ConvGeometry geometry) {
        super(name, sourceOp, List.of(input), List.of(geometry.inputShape()), output, geometry.outputShape());
        this.weight = weight;
        this.bias = bias;
        this.geometry = geometry;
    }

    public ConvLayer with(String newSourceOp, String newOutput, FloatTensor newWeight, FloatTensor newBias) {
        return new ConvLayer(name(), newSourceOp, inputs().get(0), newOutput, newWeight, newBias, geometry);
    }

    @Override
    public String kind() {
        return "conv";
    }

    public FloatTensor weight() {
        return weight;
    }

    /** Bias per output channel, or null. */
    public FloatTensor bias() {
        return bias;
    }

    public ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public long parameterCount() {
        return weight.size() + (bias == null ? 0 : bias.size());
    }

    @Override
    public long multiplyAccumulates() {
        return geometry.multiplyAccumulates();
    }
}
