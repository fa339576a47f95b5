package io.sonic.model.layer;

import io.sonic.model.Shapes;

import java.util.List;

/** Element-wise sum of two activations with numpy broadcasting (a residual connection). */
public final class AddLayer extends Layer {
    public AddLayer(String name, String sourceOp, String a, int[] aShape, String b, int[] bShape, String output) {
        super(name, sourceOp, List.of(a, b), List.of(aShape, bShape), output, Shapes.broadcast(aShape, bShape));
    }

    @Override
    public String kind() {
        return "add";
    }
}
