package io.sonic.model.onnx;

import io.sonic.model.ModelException;

/** Axis arguments of ONNX ops (negative counts from the end), checked against the rank. */
final class Axes {
    private Axes() {
    }

    /**
     * An axis in [-rank, rank) made non-negative.
     *
     * @param what names the node and the argument, e.g. "node 'c' (Concat): axis"
     */
    static int axis(long axis, int rank, String what) {
        if (axis < -rank || axis >= rank) {
            throw new ModelException(what + " " + axis + " is out of range for a tensor of rank " + rank
                    + (rank == 0 ? " (it has no axes)" : " (allowed: " + -rank + " to " + (rank - 1) + ")"));
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** Distinct axes in [-rank, rank), made non-negative, in the order given. */
    static int[] axes(long[] axes, int rank, String what) {
        int[] r = new int[axes.length];
        boolean[] seen = new boolean[Math.max(rank, 0)];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axis(axes[i], rank, what);
            if (seen[r[i]]) {
                throw new ModelException(what + " " + axes[i] + " is given twice (axes must be distinct)");
            }
            seen[r[i]] = true;
        }
        return r;
    }

    static int[] axes(int[] axes, int rank, String what) {
        long[] l = new long[axes.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = axes[i];
        }
        return axes(l, rank, what);
    }
}
