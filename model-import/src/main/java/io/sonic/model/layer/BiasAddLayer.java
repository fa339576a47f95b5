package io.sonic.model.layer;

import io.sonic.model.FloatTensor;
import io.sonic.model.Shapes;

import java.util.List;

/** Adds a constant tensor (a bias) to the activation, with numpy broadcasting. */
public final class BiasAddLayer extends Layer {
    private final FloatTensor bias;

    public BiasAddLayer(String name, String sourceOp, String input, int[] inputShape, String output, FloatTensor bias) {
        super(name, sourceOp, List.of(input), List.of(inputShape), output, Shapes.broadcast(inputShape, bias.shape()));
        this.bias = bias;
    }

    @Override
    public String kind() {
        return "bias-add";
    }

    public FloatTensor bias() {
        return bias;
    }

    @Override
    public long parameterCount() {
        return bias.size();
    }
}
