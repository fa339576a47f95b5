package io.sonic.model.layer;

import io.sonic.model.geometry.PoolGeometry;

import java.util.List;

/** Mean over each pooling window; the divisor of each window is public (see {@link PoolGeometry}). */
public final class AvgPoolLayer extends Layer {
    private final PoolGeometry geometry;

    public AvgPoolLayer(String name, String sourceOp, String input, String output, PoolGeometry geometry) {
        super(name, sourceOp, List.of(input), List.of(geometry.inputShape()), output, geometry.outputShape());
        this.geometry = geometry;
    }

    @Override
    public String kind() {
        return "avgpool";
    }

    public PoolGeometry geometry() {
        return geometry;
    }
}
