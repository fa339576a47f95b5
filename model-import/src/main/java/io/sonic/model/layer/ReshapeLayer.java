package io.sonic.model.layer;

import java.util.List;

/** A change of shape that keeps the row-major order of the values (Flatten, Reshape). */
public final class ReshapeLayer extends Layer {
    public ReshapeLayer(String name, String sourceOp, String input, int[] inputShape, String output, int[] outputShape) {
        super(name, sourceOp, List.of(input), List.of(inputShape), output, outputShape);
    }

    @Override
    public String kind() {
        return "reshape";
    }
}
