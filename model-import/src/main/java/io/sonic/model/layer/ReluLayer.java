package io.sonic.model.layer;

import java.util.List;

/** max(x, 0) element-wise. */
public final class ReluLayer extends Layer {
    public ReluLayer(String name, String sourceOp, String input, int[] shape, String output) {
        super(name, sourceOp, List.of(input), List.of(shape), output, shape);
    }

    @Override
    public String kind() {
        return "relu";
    }
}
