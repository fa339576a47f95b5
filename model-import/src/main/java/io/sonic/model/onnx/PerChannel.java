package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;

/**
 * Constants that act per channel: a scalar, or a tensor that varies only along axis 1 of the value
 * it is broadcast onto (shape [C] or [1,C] for a 2-D input [N,C]; [C,1,1] or [1,C,1,1] for a 4-D input
 * [N,C,H,W]) and that broadcasting does not enlarge. These are what an affine layer or a bias folded
 * into a convolution can hold.
 */
final class PerChannel {
    private PerChannel() {
    }

    /** Whether a constant of shape {@code ks} is per channel for a value of shape {@code shape}. */
    static boolean applies(int[] ks, int[] shape) {
        if (shape.length < 2 || ks.length > shape.length) {
            return false;
        }
        int offset = shape.length - ks.length;
        for (int j = 0; j < ks.length; j++) {
            if (ks[j] != 1 && (j + offset != 1 || ks[j] != shape[1])) {
                return false;
            }
        }
        return true;
    }

    /** The constant as one value per channel of {@code shape}, or null if it is not a per-channel constant. */
    static float[] values(FloatTensor k, int[] shape) {
        if (!applies(k.shape(), shape)) {
            return null;
        }
        boolean alongChannels = k.size() > 1;
        float[] r = new float[shape[1]];
        for (int i = 0; i < r.length; i++) {
            r[i] = k.get(alongChannels ? i : 0);
        }
        return r;
    }

    /** The per-channel shapes for a value of this shape, for messages: "[] (a scalar), [C,1,1] or [1,C,1,1]". */
    static String examples(int[] shape) {
        if (shape.length < 2) {
            return "[] (a scalar)";
        }
        StringBuilder tail = new StringBuilder();
        for (int i = 2; i < shape.length; i++) {
            tail.append(",1");
        }
        String c = String.valueOf(shape[1]);
        return "[] (a scalar), [" + c + tail + "] or [1," + c + tail + "]";
    }
}
