package io.sonic.model.layer;

import io.sonic.model.LazyTable;
import io.sonic.model.ModelException;
import io.sonic.model.Shapes;

import java.util.List;

/**
 * Constant padding (ONNX Pad, mode "constant"): each output element is either an input element
 * or the public pad value. Negative pads crop.
 */
public final class PadLayer extends Layer {
    private final int[] pads;
    private final float value;
    private final LazyTable table = new LazyTable();

    /** @param pads ONNX order: begins of every axis, then ends of every axis */
    public PadLayer(String name, String sourceOp, String input, int[] inputShape, String output, int[] pads,
                    float value) {
        super(name, sourceOp, List.of(input), List.of(inputShape), output, padded(inputShape, pads));
        this.pads = pads.clone();
        this.value = value;
    }

    private static int[] padded(int[] in, int[] pads) {
        if (pads.length != 2 * in.length) {
            throw new ModelException("padding " + Shapes.format(pads) + " has " + pads.length + " values; an input of"
                    + " shape " + Shapes.format(in) + " needs " + 2 * in.length);
        }
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            long size = (long) in[i] + pads[i] + pads[i + in.length];
            if (size < 0) {
                throw new ModelException("padding " + Shapes.format(pads) + " crops " + Shapes.format(in) + " below zero");
            }
            if (size > Integer.MAX_VALUE) {
                throw new ModelException("padding " + Shapes.format(pads) + " makes axis " + i + " of "
                        + Shapes.format(in) + " larger than " + Integer.MAX_VALUE);
            }
            out[i] = (int) size;
        }
        return out;
    }

    @Override
    public String kind() {
        return "pad";
    }

    public float value() {
        return value;
    }

    public int[] pads() {
        return pads.clone();
    }

    /** For each output element, the flat input index it copies, or -1 where it holds the pad value. */
    public int[] sourceTable() {
        return table.get(this::buildSourceTable);
    }

    private int[] buildSourceTable() {
        int[] in = inputShape(0);
        int[] out = outputShape();
        int[] inStrides = Shapes.strides(in);
        int rank = in.length;
        int[] t = new int[Shapes.size(out)];
        int[] pos = new int[rank];
        for (int k = 0; k < t.length; k++) {
            int src = 0;
            for (int d = 0; d < rank && src >= 0; d++) {
                int x = pos[d] - pads[d];
                src = x < 0 || x >= in[d] ? -1 : src + x * inStrides[d];
            }
            t[k] = src;
            for (int d = rank - 1; d >= 0; d--) {
                if (++pos[d] < out[d]) {
                    break;
                }
                pos[d] = 0;
            }
        }
        return t;
    }
}
