package io.sonic.model.layer;

import io.sonic.model.LazyTable;
import io.sonic.model.ModelException;
import io.sonic.model.Shapes;

import java.util.List;

/**
 * A permutation of the axes (ONNX Transpose on values computed from the input, e.g. the NHWC ↔ NCHW
 * transposes that converters of channels-last models insert): output axis i is input axis perm[i]. Each
 * output element is one input element, at a public position.
 */
public final class TransposeLayer extends Layer {
    private final int[] perm;
    private final LazyTable table = new LazyTable();

    public TransposeLayer(String name, String sourceOp, String input, int[] inputShape, String output, int[] perm) {
        super(name, sourceOp, List.of(input), List.of(inputShape), output, permuted(inputShape, perm));
        this.perm = perm.clone();
    }

    /** Why {@code perm} is not a permutation of {@code rank} axes, or null when it is. */
    public static String problem(int[] perm, int rank) {
        boolean[] seen = new boolean[rank];
        boolean valid = perm.length == rank;
        for (int p : perm) {
            valid &= p >= 0 && p < rank && !seen[p];
            if (valid) {
                seen[p] = true;
            }
        }
        return valid ? null : "'perm' " + Shapes.format(perm) + " is not a permutation of the " + rank + " axes (it"
                + " must list each of 0 to " + (rank - 1) + " once)";
    }

    /** The shape after permuting the axes of {@code in}. */
    public static int[] permuted(int[] in, int[] perm) {
        String p = problem(perm, in.length);
        if (p != null) {
            throw new ModelException("transposing " + Shapes.format(in) + ": " + p);
        }
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[perm[i]];
        }
        return out;
    }

    /** For each element of the transposed {@code in}, in row-major order, the flat index it takes from {@code in}. */
    public static int[] sourceTable(int[] in, int[] perm) {
        int[] out = permuted(in, perm);
        int r = in.length;
        int[] inStrides = Shapes.strides(in);
        int[] permStrides = new int[r];
        for (int i = 0; i < r; i++) {
            permStrides[i] = inStrides[perm[i]];
        }
        int[] t = new int[Shapes.size(out)];
        int[] counter = new int[r];
        for (int k = 0; k < t.length; k++) {
            int src = 0;
            for (int d = 0; d < r; d++) {
                src += counter[d] * permStrides[d];
            }
            t[k] = src;
            for (int d = r - 1; d >= 0; d--) {
                if (++counter[d] < out[d]) {
                    break;
                }
                counter[d] = 0;
            }
        }
        return t;
    }

    /**
     * Whether permuting {@code in} by {@code perm} keeps the row-major order of the values (only axes of size 1
     * move), so that it is a mere reshape.
     */
    public static boolean keepsOrder(int[] in, int[] perm) {
        int last = -1;
        for (int p : perm) {
            if (in[p] != 1) {
                if (p < last) {
                    return false;
                }
                last = p;
            }
        }
        return true;
    }

    @Override
    public String kind() {
        return "transpose";
    }

    public int[] perm() {
        return perm.clone();
    }

    /** For each output element, the flat input index it copies. */
    public int[] sourceTable() {
        return table.get(() -> sourceTable(inputShape(0), perm));
    }
}
