package io.sonic.model.layer;

import io.sonic.model.geometry.PoolGeometry;

import java.util.List;

/** Maximum over each pooling window (padding never wins). */
public final class MaxPoolLayer extends Layer {
    private final PoolGeometry geometry;

    public MaxPoolLayer(String name, String sourceOp, String input, String output, PoolGeometry geometry) {
        super(name, sourceOp, List.of(input), List.of(geometry.inputShape()), output, geometry.outputShape());
        this.geometry = geometry;
    }

    @Override
    public String kind() {
        return "maxpool";
    }

    public PoolGeometry geometry() {
        return geometry;
    }
}
