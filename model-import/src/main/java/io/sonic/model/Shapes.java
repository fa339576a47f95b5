package io.sonic.model;

import java.util.Arrays;

/** Small helpers for tensor shapes (row-major, outermost dimension first). */
public final class Shapes {
    private Shapes() {
    }

    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ModelException("tensor of shape " + format(shape) + " has a negative dimension");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new ModelException("tensor of shape " + format(shape) + " is too large");
            }
        }
        return (int) n;
    }

    /** Row-major strides of a shape. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public static String format(int[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(shape[i]);
        }
        return b.append(']').toString();
    }

    public static boolean equal(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }

    /** Numpy-style broadcast of two shapes; throws a {@link ModelException} naming both when impossible. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ModelException("shapes " + format(a) + " and " + format(b) + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * For every element of {@code outShape}, the flat index of the element of a tensor of shape
     * {@code inShape} that numpy broadcasting maps onto it.
     */
    public static int[] broadcastIndex(int[] outShape, int[] inShape) {
        int rank = outShape.length;
        int offset = rank - inShape.length;
        int[] inStrides = strides(inShape);
        int[] stride = new int[rank];
        for (int i = 0; i < inShape.length; i++) {
            stride[i + offset] = inShape[i] == 1 ? 0 : inStrides[i];
        }
        int n = size(outShape);
        int[] index = new int[n];
        int[] counter = new int[rank];
        int pos = 0;
        for (int k = 0; k < n; k++) {
            index[k] = pos;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                pos += stride[d];
                if (counter[d] < outShape[d]) {
                    break;
                }
                pos -= stride[d] * counter[d];
                counter[d] = 0;
            }
        }
        return index;
    }
}
