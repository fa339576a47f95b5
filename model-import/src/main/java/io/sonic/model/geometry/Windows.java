package io.sonic.model.geometry;

import io.sonic.model.ImportLimits;
import io.sonic.model.ModelException;
import io.sonic.model.Shapes;

/**
 * Sliding windows over the spatial axes of an N-D input, as convolution and pooling use them:
 * output sizes (floor or ceil mode, explicit or automatic padding) and, for every output position
 * and kernel tap, the flat spatial index read, or -1 where the tap falls on padding.
 */
public final class Windows {
    private final int[] input;
    private final int[] kernel;
    private final int[] strides;
    private final int[] dilations;
    private final int[] padBegin;
    private final int[] padEnd;
    private final int[] output;

    private Windows(int[] input, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd,
                    int[] output) {
        this.input = input;
        this.kernel = kernel;
        this.strides = strides;
        this.dilations = dilations;
        this.padBegin = padBegin;
        this.padEnd = padEnd;
        this.output = output;
    }

    /**
     * @param pads    ONNX order: all begins then all ends; ignored unless autoPad is NOTSET
     * @param autoPad NOTSET, VALID, SAME_UPPER or SAME_LOWER
     * @throws ModelException unless kernel sizes, strides and dilations are at least 1, pads from 0 to
     *                        {@link ImportLimits#MAX_WINDOW}, every window fits the padded input and the
     *                        window table stays within {@link ImportLimits#MAX_TABLE_ENTRIES}
     */
    public static Windows of(int[] input, int[] kernel, int[] strides, int[] dilations, int[] pads, String autoPad,
                             boolean ceilMode) {
        int d = input.length;
        if (kernel.length != d || strides.length != d || dilations.length != d || pads.length != 2 * d) {
            throw new ModelException("window attributes do not match " + d + " spatial axes");
        }
        if (d == 0) {
            throw new ModelException("sliding windows need at least one spatial axis");
        }
        int[] begin = new int[d];
        int[] end = new int[d];
        int[] out = new int[d];
        for (int i = 0; i < d; i++) {
            if (kernel[i] <= 0 || strides[i] <= 0 || dilations[i] <= 0) {
                throw new ModelException("kernel, strides and dilations must be positive, got kernel "
                        + Shapes.format(kernel) + ", strides " + Shapes.format(strides) + ", dilations "
                        + Shapes.format(dilations));
            }
            if (input[i] <= 0) {
                throw new ModelException("sliding windows over an input of spatial shape " + Shapes.format(input)
                        + ": every size must be positive");
            }
            if (autoPad.equals("NOTSET") && (pads[i] < 0 || pads[i + d] < 0 || pads[i] > ImportLimits.MAX_WINDOW
                    || pads[i + d] > ImportLimits.MAX_WINDOW)) {
                throw new ModelException("pads " + Shapes.format(pads) + " must be from 0 to " + ImportLimits.MAX_WINDOW);
            }
            long span = (long) (kernel[i] - 1) * dilations[i] + 1;
            long o;
            switch (autoPad) {
                case "NOTSET" -> {
                    begin[i] = pads[i];
                    end[i] = pads[i + d];
                    long room = (long) input[i] + begin[i] + end[i] - span;
                    if (room < 0) {
                        throw new ModelException("window of " + span + " does not fit an input of " + input[i]
                                + " with padding " + begin[i] + "+" + end[i]);
                    }
                    o = (ceilMode ? Math.floorDiv(room + strides[i] - 1, strides[i]) : room / strides[i]) + 1;
                    if (ceilMode && (o - 1) * strides[i] >= (long) input[i] + begin[i]) {
                        o--;
                    }
                }
                case "VALID" -> {
                    if (input[i] < span) {
                        throw new ModelException("window of " + span + " does not fit an input of " + input[i]);
                    }
                    o = (input[i] - span) / strides[i] + 1;
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    o = ((long) input[i] + strides[i] - 1) / strides[i];
                    long total = Math.max(0, (o - 1) * strides[i] + span - input[i]);
                    if (total > Integer.MAX_VALUE / 2) {
                        throw new ModelException("window of " + span + " needs " + total + " padding on an input of "
                                + input[i]);
                    }
                    begin[i] = (int) (autoPad.equals("SAME_UPPER") ? total / 2 : (total + 1) / 2);
                    end[i] = (int) total - begin[i];
                }
                default -> throw new ModelException("auto_pad '" + autoPad
                        + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
            }
            if (o < 1 || o > Integer.MAX_VALUE) {
                throw new ModelException("sliding windows with output size " + o + " on spatial axis " + i);
            }
            out[i] = (int) o;
        }
        long positions = ImportLimits.elements(out, ImportLimits.MAX_TABLE_ENTRIES, "the window output "
                + Shapes.format(out));
        long taps = ImportLimits.elements(kernel, ImportLimits.MAX_TABLE_ENTRIES, "the kernel " + Shapes.format(kernel));
        if (positions * taps > ImportLimits.MAX_TABLE_ENTRIES) {
            throw new ModelException("a window table of " + positions + " positions × " + taps + " taps would have "
                    + positions * taps + " entries, more than the limit of " + ImportLimits.MAX_TABLE_ENTRIES
                    + "; use a smaller input or larger strides");
        }
        return new Windows(input.clone(), kernel.clone(), strides.clone(), dilations.clone(), begin, end, out);
    }

    /** Whether some window lies entirely on padding, reading no input value at all. */
    public boolean someWindowOnPaddingOnly() {
        for (int i = 0; i < input.length; i++) {
            for (long o = 0; o < output[i]; o++) {
                long x0 = o * strides[i] - padBegin[i];
                long k0 = x0 >= 0 ? 0 : (-x0 + dilations[i] - 1) / dilations[i];
                if (k0 >= kernel[i] || x0 + k0 * dilations[i] >= input[i]) {
                    return true;
                }
            }
        }
        return false;
    }

    public int[] outputSpatial() {
        return output.clone();
    }

    public int[] inputSpatial() {
        return input.clone();
    }

    public int[] kernel() {
        return kernel.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    public int[] dilations() {
        return dilations.clone();
    }

    /** Padding in ONNX order (all begins, then all ends) as actually applied. */
    public int[] pads() {
        int d = input.length;
        int[] p = new int[2 * d];
        System.arraycopy(padBegin, 0, p, 0, d);
        System.arraycopy(padEnd, 0, p, d, d);
        return p;
    }

    public int outputPositions() {
        return Shapes.size(output);
    }

    public int taps() {
        return Shapes.size(kernel);
    }

    /**
     * Table of {@code outputPositions() * taps()} entries: for output position p and tap t (row-major
     * over the kernel), entry {@code p * taps() + t} is the flat spatial input index, or -1 on padding.
     */
    public int[] table() {
        int d = input.length;
        int positions = outputPositions();
        int taps = taps();
        int[] inStrides = Shapes.strides(input);
        int[] table = new int[positions * taps];
        int[] outPos = new int[d];
        int[] tap = new int[d];
        for (int p = 0; p < positions; p++) {
            unravel(p, output, outPos);
            for (int t = 0; t < taps; t++) {
                unravel(t, kernel, tap);
                int flat = 0;
                for (int i = 0; i < d; i++) {
                    int x = outPos[i] * strides[i] - padBegin[i] + tap[i] * dilations[i];
                    if (x < 0 || x >= input[i]) {
                        flat = -1;
                        break;
                    }
                    flat += x * inStrides[i];
                }
                table[p * taps + t] = flat;
            }
        }
        return table;
    }

    /** Per output position, how many taps fall inside the input padded by the declared pads. */
    public int[] tapsWithinPadding() {
        int d = input.length;
        int positions = outputPositions();
        int[] counts = new int[positions];
        int[] outPos = new int[d];
        for (int p = 0; p < positions; p++) {
            unravel(p, output, outPos);
            int count = 1;
            for (int i = 0; i < d; i++) {
                int inAxis = 0;
                for (int k = 0; k < kernel[i]; k++) {
                    int x = outPos[i] * strides[i] - padBegin[i] + k * dilations[i];
                    if (x >= -padBegin[i] && x < input[i] + padEnd[i]) {
                        inAxis++;
                    }
                }
                count *= inAxis;
            }
            counts[p] = count;
        }
        return counts;
    }

    private static void unravel(int index, int[] shape, int[] into) {
        for (int i = shape.length - 1; i >= 0; i--) {
            into[i] = index % shape[i];
            index /= shape[i];
        }
    }
}
