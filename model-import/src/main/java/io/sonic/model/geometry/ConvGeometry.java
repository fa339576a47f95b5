package io.sonic.model.geometry;

import io.sonic.model.ImportLimits;
import io.sonic.model.LazyTable;
import io.sonic.model.ModelException;
import io.sonic.model.Shapes;

/**
 * Convolution over an input [N, C, spatial...] with weights [M, C/group, kernel...]. The patch table
 * says, for every output position and every (input channel in group, kernel tap), which input value
 * is read; a convolution is then a matrix product per group (im2col), for every evaluator alike.
 */
public final class ConvGeometry {
    private final int[] inputShape;
    private final int[] outputShape;
    private final int outChannels;
    private final int group;
    private final Windows windows;
    private final LazyTable table = new LazyTable();

    public ConvGeometry(int[] inputShape, int[] weightShape, Windows windows, int group) {
        if (inputShape.length < 3 || weightShape.length != inputShape.length) {
            throw new ModelException("convolution input " + Shapes.format(inputShape) + " and weights "
                    + Shapes.format(weightShape) + " must both be [N, C, spatial...] of the same rank");
        }
        for (int i = 0; i < inputShape.length; i++) {
            if (inputShape[i] <= 0 || weightShape[i] <= 0) {
                throw new ModelException("convolution input " + Shapes.format(inputShape) + " and weights "
                        + Shapes.format(weightShape) + " must have positive sizes");
            }
        }
        if (!java.util.Arrays.equals(windows.inputSpatial(), java.util.Arrays.copyOfRange(inputShape, 2, inputShape.length))
                || !java.util.Arrays.equals(windows.kernel(), java.util.Arrays.copyOfRange(weightShape, 2, weightShape.length))) {
            throw new ModelException("convolution windows over " + Shapes.format(windows.inputSpatial()) + " with kernel "
                    + Shapes.format(windows.kernel()) + " do not match the input " + Shapes.format(inputShape)
                    + " and weights " + Shapes.format(weightShape));
        }
        int c = inputShape[1];
        int m = weightShape[0];
        if (group <= 0 || c % group != 0 || m % group != 0 || weightShape[1] * group != c) {
            throw new ModelException("convolution with group " + group + ": input has " + c + " channels, weights "
                    + Shapes.format(weightShape) + " expect " + (weightShape[1] * Math.max(group, 1)));
        }
        long entries = (long) windows.outputPositions() * (c / group) * windows.taps();
        if (entries > ImportLimits.MAX_TABLE_ENTRIES) {
            throw new ModelException("convolution of " + Shapes.format(inputShape) + " with weights "
                    + Shapes.format(weightShape) + ": its patch table would have " + entries
                    + " entries, more than the limit of " + ImportLimits.MAX_TABLE_ENTRIES
                    + "; use a smaller input, a smaller kernel or larger strides");
        }
        this.inputShape = inputShape.clone();
        this.outChannels = m;
        this.group = group;
        this.windows = windows;
        int[] out = windows.outputSpatial();
        this.outputShape = new int[inputShape.length];
        outputShape[0] = inputShape[0];
        outputShape[1] = m;
        System.arraycopy(out, 0, outputShape, 2, out.length);
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int[] outputShape() {
        return outputShape.clone();
    }

    public int batch() {
        return inputShape[0];
    }

    public int inChannels() {
        return inputShape[1];
    }

    public int outChannels() {
        return outChannels;
    }

    public int group() {
        return group;
    }

    public Windows windows() {
        return windows;
    }

    /** Values of one input channel plane (product of the spatial input dimensions). */
    public int inputPlane() {
        return Shapes.size(windows.inputSpatial());
    }

    /** Output positions per channel. */
    public int outputPositions() {
        return windows.outputPositions();
    }

    /** Length of one dot product: input channels per group times kernel taps. */
    public int patchLength() {
        return inChannels() / group * windows.taps();
    }

    /**
     * For output position p and patch element j (input channel within the group, then kernel tap),
     * entry {@code p * patchLength() + j} is the input index relative to the group's first channel
     * of one batch item, or -1 on padding.
     */
    public int[] patchTable() {
        return table.get(this::buildPatchTable);
    }

    private int[] buildPatchTable() {
        int taps = windows.taps();
        int[] spatial = windows.table();
        int positions = outputPositions();
        int channels = inChannels() / group;
        int plane = inputPlane();
        int len = patchLength();
        int[] t = new int[positions * len];
        for (int p = 0; p < positions; p++) {
            for (int ch = 0; ch < channels; ch++) {
                for (int k = 0; k < taps; k++) {
                    int s = spatial[p * taps + k];
                    t[p * len + ch * taps + k] = s < 0 ? -1 : ch * plane + s;
                }
            }
        }
        return t;
    }

    public long multiplyAccumulates() {
        return (long) batch() * outChannels * outputPositions() * patchLength();
    }
}
