package io.sonic.model;

import java.util.Arrays;

/**
 * A plaintext float tensor: shape plus row-major values. Treated as immutable: constructors and
 * accessors copy, so a tensor handed out cannot be changed behind its owner's back.
 */
public final class FloatTensor {
    private final int[] shape;
    private final float[] data;

    public FloatTensor(int[] shape, float[] data) {
        if (Shapes.size(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " needs " + Shapes.size(shape)
                    + " values, got " + data.length);
        }
        this.shape = shape.clone();
        this.data = data.clone();
    }

    public static FloatTensor zeros(int... shape) {
        return new FloatTensor(shape, new float[Shapes.size(shape)]);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return data.length;
    }

    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** A copy of the values. */
    public float[] values() {
        return data.clone();
    }

    /** The predicted class of an output ({@link Scores#label}: one value is a binary classifier's logit). */
    public int argmax() {
        return Scores.label(data);
    }

    public FloatTensor reshape(int... newShape) {
        return new FloatTensor(newShape, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Shapes.format(shape);
    }
}
