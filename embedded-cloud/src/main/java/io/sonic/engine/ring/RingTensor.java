package io.sonic.engine.ring;

import io.sonic.model.Shapes;

/** A public tensor over Z_2^64: a shape and its values. Immutable (copies in and out). */
public final class RingTensor {
    private final int[] shape;
    private final long[] values;

    public RingTensor(int[] shape, long[] values) {
        if (Shapes.size(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " needs " + Shapes.size(shape)
                    + " values, got " + values.length);
        }
        this.shape = shape.clone();
        this.values = values.clone();
    }

    public int[] shape() {
        return shape.clone();
    }

    public long[] values() {
        return values.clone();
    }

    public int size() {
        return values.length;
    }
}
