package io.sonic.model.layer;

import io.sonic.model.ModelException;
import io.sonic.model.Shapes;

import java.util.List;

/**
 * Concatenation of several activations along one axis (ONNX Concat on values computed from the input, e.g.
 * the branches of an Inception or DenseNet block, or a U-Net's skip connection): every output element is one
 * input element, at a public position. In row-major order the output is, for each index before the axis, each
 * input's block (its extent along the axis times the axes after it) in turn.
 */
public final class ConcatLayer extends Layer {
    private final int axis;

    public ConcatLayer(String name, String sourceOp, List<String> inputs, List<int[]> inputShapes, String output,
                       int axis) {
        super(name, sourceOp, inputs, inputShapes, output, joined(inputShapes, axis));
        this.axis = axis;
    }

    /** The shape of the inputs joined along {@code axis}; refused unless they agree on every other axis. */
    public static int[] joined(List<int[]> shapes, int axis) {
        if (shapes.isEmpty()) {
            throw new ModelException("a concatenation needs at least one input");
        }
        int[] first = shapes.get(0);
        if (axis < 0 || axis >= first.length) {
            throw new ModelException("concatenation axis " + axis + " is out of range for inputs of rank " + first.length);
        }
        int[] out = first.clone();
        long along = 0;
        for (int[] s : shapes) {
            boolean same = s.length == first.length;
            for (int d = 0; same && d < s.length; d++) {
                same = d == axis || s[d] == first[d];
            }
            if (!same) {
                throw new ModelException("cannot concatenate " + Shapes.format(s) + " with " + Shapes.format(first)
                        + " along axis " + axis + ": the other axes must agree");
            }
            along += s[axis];
        }
        if (along > Integer.MAX_VALUE) {
            throw new ModelException("concatenating along axis " + axis + " gives " + along + " values on that axis");
        }
        out[axis] = (int) along;
        return out;
    }

    @Override
    public String kind() {
        return "concat";
    }

    public int axis() {
        return axis;
    }

    /** Joins the inputs' values (any array type: float[], long[], double[]) into {@code out}, in row-major order. */
    public <T> T join(List<T> inputs, T out) {
        List<int[]> shapes = new java.util.ArrayList<>();
        for (int k = 0; k < inputs().size(); k++) {
            shapes.add(inputShape(k));
        }
        return join(shapes, axis, inputs, out);
    }

    /** Joins values of inputs of {@code shapes} along {@code axis} into {@code out} (arrays of any element type). */
    public static <T> T join(List<int[]> shapes, int axis, List<T> inputs, T out) {
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shapes.get(0)[d];
        }
        int[] inner = new int[shapes.size()];
        for (int k = 0; k < inner.length; k++) {
            inner[k] = 1;
            for (int d = axis; d < shapes.get(k).length; d++) {
                inner[k] *= shapes.get(k)[d];
            }
        }
        int at = 0;
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < inputs.size(); k++) {
                System.arraycopy(inputs.get(k), o * inner[k], out, at, inner[k]);
                at += inner[k];
            }
        }
        return out;
    }
}
