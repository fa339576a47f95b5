package io.sonic.model.layer;

import io.sonic.model.FloatTensor;

import java.util.List;

/**
 * Per-channel {@code y = x·scale[c] + shift[c]} over axis 1: a BatchNormalization in inference form
 * that could not be folded into a preceding Conv or Gemm.
 */
public final class AffineLayer extends Layer {
    private final FloatTensor scale;
    private final FloatTensor shift;

    public AffineLayer(String name, String sourceOp, String input, int[] inputShape, String output,
                       FloatTensor scale, FloatTensor shift) {
        super(name, sourceOp, List.of(input), List.of(inputShape), output, inputShape);
        if (inputShape.length < 2 || scale.size() != inputShape[1] || shift.size() != inputShape[1]) {
            throw new IllegalArgumentException("per-channel affine needs " + (inputShape.length < 2 ? "?" : inputShape[1])
                    + " scales and shifts");
        }
        this.scale = scale;
        this.shift = shift;
    }

    @Override
    public String kind() {
        return "affine";
    }

    public FloatTensor scale() {
        return scale;
    }

    public FloatTensor shift() {
        return shift;
    }

    public int channels() {
        return scale.size();
    }

    /** Elements per channel in one batch item (the product of the dimensions after axis 1). */
    public int innerSize() {
        int[] s = inputShape(0);
        int n = 1;
        for (int i = 2; i < s.length; i++) {
            n *= s[i];
        }
        return n;
    }

    @Override
    public long parameterCount() {
        return 2L * scale.size();
    }

    @Override
    public long multiplyAccumulates() {
        return outputSize();
    }
}
