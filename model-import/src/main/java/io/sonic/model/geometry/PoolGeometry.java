package io.sonic.model.geometry;

import io.sonic.model.LazyTable;
import io.sonic.model.ModelException;
import io.sonic.model.Shapes;

/**
 * Pooling over an input [N, C, spatial...]: for each output position, the input positions in its
 * window (padding excluded) and, for average pooling, the public divisor.
 */
public final class PoolGeometry {
    private final int[] inputShape;
    private final int[] outputShape;
    private final Windows windows;
    private final boolean countIncludePad;
    private final boolean global;
    private final LazyTable table = new LazyTable();

    public PoolGeometry(int[] inputShape, Windows windows, boolean countIncludePad, boolean global) {
        if (inputShape.length < 3) {
            throw new ModelException("pooling needs an input [N, C, spatial...], got " + Shapes.format(inputShape));
        }
        if (!java.util.Arrays.equals(windows.inputSpatial(),
                java.util.Arrays.copyOfRange(inputShape, 2, inputShape.length)) || inputShape[0] <= 0
                || inputShape[1] <= 0) {
            throw new ModelException("pooling windows over " + Shapes.format(windows.inputSpatial())
                    + " do not match the input " + Shapes.format(inputShape));
        }
        this.inputShape = inputShape.clone();
        this.windows = windows;
        this.countIncludePad = countIncludePad;
        this.global = global;
        int[] out = windows.outputSpatial();
        this.outputShape = new int[inputShape.length];
        outputShape[0] = inputShape[0];
        outputShape[1] = inputShape[1];
        System.arraycopy(out, 0, outputShape, 2, out.length);
    }

    /** Global pooling: one window covering all spatial positions. */
    public static PoolGeometry global(int[] inputShape) {
        int d = inputShape.length - 2;
        if (d < 1) {
            throw new ModelException("global pooling needs an input [N, C, spatial...], got " + Shapes.format(inputShape));
        }
        int[] spatial = new int[d];
        int[] ones = new int[d];
        System.arraycopy(inputShape, 2, spatial, 0, d);
        java.util.Arrays.fill(ones, 1);
        Windows w = Windows.of(spatial, spatial, ones, ones, new int[2 * d], "NOTSET", false);
        return new PoolGeometry(inputShape, w, false, true);
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int[] outputShape() {
        return outputShape.clone();
    }

    public Windows windows() {
        return windows;
    }

    public boolean countIncludePad() {
        return countIncludePad;
    }

    public boolean isGlobal() {
        return global;
    }

    /** Number of (batch, channel) planes. */
    public int planes() {
        return inputShape[0] * inputShape[1];
    }

    public int inputPlane() {
        return Shapes.size(windows.inputSpatial());
    }

    public int outputPlane() {
        return windows.outputPositions();
    }

    public int taps() {
        return windows.taps();
    }

    /** See {@link Windows#table()}. */
    public int[] windowTable() {
        return table.get(windows::table);
    }

    /** The divisor of each output position's average: valid taps, or taps inside the padded input. */
    public int[] divisors() {
        if (countIncludePad) {
            return windows.tapsWithinPadding();
        }
        int[] t = windowTable();
        int taps = taps();
        int[] d = new int[outputPlane()];
        for (int p = 0; p < d.length; p++) {
            for (int k = 0; k < taps; k++) {
                if (t[p * taps + k] >= 0) {
                    d[p]++;
                }
            }
            if (d[p] == 0) {
                throw new ModelException("a pooling window lies entirely on padding");
            }
        }
        return d;
    }
}
