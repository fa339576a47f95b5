package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.Shapes;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;

/**
 * Evaluates, at import time, nodes whose inputs are all constant: the weight preprocessing that
 * exporters emit (transposes, reshapes of weights, shape arithmetic).
 */
final class ConstantFolder {
    static final Set<String> FOLDABLE = Set.of("Identity", "Dropout", "Cast", "Add", "Sub", "Mul", "Div", "Neg",
            "Sqrt", "Reciprocal", "Pow", "Transpose", "Reshape", "Flatten", "Unsqueeze", "Squeeze", "Concat",
            "Gather", "Slice", "Shape", "ConstantOfShape");

    private ConstantFolder() {
    }

    /**
     * @param in the node's inputs, null for an omitted optional input
     * @return the node's outputs
     */
    static List<Const> fold(NodeProto node, List<Const> in, int opset, String where) {
        Attributes at = new Attributes(node, where);
        String op = node.getOpType();
        return switch (op) {
            case "Identity", "Dropout" -> List.of(in.get(0));
            case "Cast" -> List.of(cast(in.get(0), (int) at.getInt("to", DataType.FLOAT_VALUE)));
            case "Add" -> List.of(binary(in.get(0), in.get(1), Double::sum));
            case "Sub" -> List.of(binary(in.get(0), in.get(1), (a, b) -> a - b));
            case "Mul" -> List.of(binary(in.get(0), in.get(1), (a, b) -> a * b));
            case "Div" -> {
                boolean integer = in.get(0).isInteger() && in.get(1).isInteger();
                yield List.of(binary(in.get(0), in.get(1), integer ? (a, b) -> {
                    if (b == 0) {
                        throw new ModelException(where + ": integer division by zero");
                    }
                    return (double) ((long) a / (long) b);
                } : (a, b) -> a / b));
            }
            case "Pow" -> List.of(binary(in.get(0), in.get(1), Math::pow));
            case "Neg" -> List.of(unary(in.get(0), x -> -x));
            case "Sqrt" -> List.of(unary(in.get(0), Math::sqrt));
            case "Reciprocal" -> List.of(unary(in.get(0), x -> 1.0 / x));
            case "Transpose" -> List.of(transpose(in.get(0), at.getInts("perm", null)));
            case "Reshape" -> {
                int[] target = opset < 5 ? at.getInts("shape", null) : in.get(1).toInts(where + " shape");
                int[] shape = reshapeTarget(in.get(0).shape(), target, at.getInt("allowzero", 0) != 0, where);
                yield List.of(new Const(in.get(0).dataType(), shape, in.get(0).values()));
            }
            case "Flatten" -> {
                int[] s = in.get(0).shape();
                yield List.of(new Const(in.get(0).dataType(),
                        flattenShape(s, (int) at.getInt("axis", 1), where), in.get(0).values()));
            }
            case "Unsqueeze" -> {
                int[] axes = opset < 13 ? at.getInts("axes", null) : in.get(1).toInts(where + " axes");
                yield List.of(new Const(in.get(0).dataType(), unsqueeze(in.get(0).shape(), axes, where),
                        in.get(0).values()));
            }
            case "Squeeze" -> {
                int[] axes = opset < 13 ? at.getInts("axes", null)
                        : in.size() > 1 && in.get(1) != null ? in.get(1).toInts(where + " axes") : null;
                yield List.of(new Const(in.get(0).dataType(), squeeze(in.get(0).shape(), axes, where),
                        in.get(0).values()));
            }
            case "Concat" -> List.of(concat(in, (int) at.getInt("axis", 0), where));
            case "Gather" -> List.of(gather(in.get(0), in.get(1), (int) at.getInt("axis", 0), where));
            case "Slice" -> List.of(slice(in, at, opset, where));
            case "Shape" -> List.of(shapeOf(in.get(0).shape(), (int) at.getInt("start", 0),
                    at.has("end") ? (int) at.getInt("end", 0) : Integer.MAX_VALUE));
            case "ConstantOfShape" -> {
                int[] shape = in.get(0).toInts(where + " shape");
                Const value = at.has("value") ? Const.fromProto(at.get("value").getT(), where + " value")
                        : new Const(DataType.FLOAT_VALUE, new int[] {1}, new double[] {0});
                double[] v = new double[Shapes.size(shape)];
                Arrays.fill(v, value.values()[0]);
                yield List.of(new Const(value.dataType(), shape, v));
            }
            default -> throw new IllegalStateException("not foldable: " + op);
        };
    }

    static Const shapeOf(int[] shape, int start, int end) {
        int r = shape.length;
        int s = clamp(start < 0 ? start + r : start, 0, r);
        int e = clamp(end < 0 ? end + r : end, 0, r);
        long[] v = new long[Math.max(0, e - s)];
        for (int i = 0; i < v.length; i++) {
            v[i] = shape[s + i];
        }
        return Const.ofLongs(new int[] {v.length}, v);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static Const cast(Const c, int to) {
        double[] v = c.values().clone();
        if (Const.isIntegerType(to)) {
            for (int i = 0; i < v.length; i++) {
                v[i] = to == DataType.BOOL_VALUE ? (v[i] != 0 ? 1 : 0) : (double) (long) v[i];
            }
        } else if (to == DataType.FLOAT_VALUE) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        return new Const(to, c.shape(), v);
    }

    private static Const unary(Const a, java.util.function.DoubleUnaryOperator f) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(a.values()[i]);
        }
        return new Const(a.dataType(), a.shape(), roundToType(a.dataType(), v));
    }

    private static Const binary(Const a, Const b, DoubleBinaryOperator f) {
        int[] out = Shapes.broadcast(a.shape(), b.shape());
        int[] ia = Shapes.broadcastIndex(out, a.shape());
        int[] ib = Shapes.broadcastIndex(out, b.shape());
        double[] v = new double[ia.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(a.values()[ia[i]], b.values()[ib[i]]);
        }
        return new Const(a.dataType(), out, roundToType(a.dataType(), v));
    }

    /** Float results are rounded to float, as a float32 runtime would hold them. */
    private static double[] roundToType(int type, double[] v) {
        if (type == DataType.FLOAT_VALUE) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        return v;
    }

    static Const transpose(Const a, int[] perm) {
        int[] s = a.shape();
        int r = s.length;
        if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            out[i] = s[perm[i]];
        }
        int[] inStrides = Shapes.strides(s);
        int[] permStrides = new int[r];
        for (int i = 0; i < r; i++) {
            permStrides[i] = inStrides[perm[i]];
        }
        double[] v = new double[a.size()];
        int[] counter = new int[r];
        for (int k = 0; k < v.length; k++) {
            int src = 0;
            for (int d = 0; d < r; d++) {
                src += counter[d] * permStrides[d];
            }
            v[k] = a.values()[src];
            for (int d = r - 1; d >= 0; d--) {
                if (++counter[d] < out[d]) {
                    break;
                }
                counter[d] = 0;
            }
        }
        return new Const(a.dataType(), out, v);
    }

    /** ONNX Reshape's target: 0 copies the input dimension (unless allowzero), -1 is inferred. */
    static int[] reshapeTarget(int[] in, int[] target, boolean allowZero, String where) {
        if (target == null) {
            throw new ModelException(where + ": Reshape without a target shape");
        }
        int[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new ModelException(where + ": Reshape copies dimension " + i + " of an input of rank "
                            + in.length);
                }
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new ModelException(where + ": Reshape target " + Shapes.format(target) + " has two -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new ModelException(where + ": Reshape target " + Shapes.format(target) + " is invalid");
            } else {
                known *= out[i];
            }
        }
        int size = Shapes.size(in);
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new ModelException(where + ": cannot reshape " + Shapes.format(in) + " to "
                        + Shapes.format(target));
            }
            out[infer] = (int) (size / known);
        } else if (known != size) {
            throw new ModelException(where + ": cannot reshape " + Shapes.format(in) + " (" + size + " values) to "
                    + Shapes.format(out));
        }
        return out;
    }

    static int[] flattenShape(int[] s, int axis, String where) {
        int r = s.length;
        if (axis < 0) {
            axis += r;
        }
        if (axis < 0 || axis > r) {
            throw new ModelException(where + ": Flatten axis out of range for rank " + r);
        }
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < r; i++) {
            if (i < axis) {
                outer *= s[i];
            } else {
                inner *= s[i];
            }
        }
        return new int[] {outer, inner};
    }

    static int[] unsqueeze(int[] s, int[] axes, String where) {
        if (axes == null) {
            throw new ModelException(where + ": Unsqueeze without axes");
        }
        int r = s.length + axes.length;
        boolean[] inserted = new boolean[r];
        for (int a : axes) {
            int ax = a < 0 ? a + r : a;
            if (ax < 0 || ax >= r || inserted[ax]) {
                throw new ModelException(where + ": Unsqueeze axis " + a + " is invalid");
            }
            inserted[ax] = true;
        }
        int[] out = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : s[j++];
        }
        return out;
    }

    static int[] squeeze(int[] s, int[] axes, String where) {
        boolean[] drop = new boolean[s.length];
        if (axes == null) {
            for (int i = 0; i < s.length; i++) {
                drop[i] = s[i] == 1;
            }
        } else {
            for (int a : axes) {
                int ax = a < 0 ? a + s.length : a;
                if (ax < 0 || ax >= s.length || s[ax] != 1) {
                    throw new ModelException(where + ": cannot squeeze axis " + a + " of " + Shapes.format(s));
                }
                drop[ax] = true;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (!drop[i]) {
                out.add(s[i]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Const concat(List<Const> in, int axis, String where) {
        int[] first = in.get(0).shape();
        int r = first.length;
        int ax = axis < 0 ? axis + r : axis;
        if (ax < 0 || ax >= r) {
            throw new ModelException(where + ": Concat axis " + axis + " out of range for rank " + r);
        }
        int[] out = first.clone();
        out[ax] = 0;
        for (Const c : in) {
            if (c.shape().length != r) {
                throw new ModelException(where + ": Concat of tensors of different rank");
            }
            out[ax] += c.shape()[ax];
        }
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= first[i];
        }
        double[] v = new double[Shapes.size(out)];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Const c : in) {
                int chunk = c.size() / Math.max(outer, 1);
                System.arraycopy(c.values(), o * chunk, v, pos, chunk);
                pos += chunk;
            }
        }
        return new Const(in.get(0).dataType(), out, v);
    }

    private static Const gather(Const data, Const indices, int axis, String where) {
        int[] s = data.shape();
        int r = s.length;
        int ax = axis < 0 ? axis + r : axis;
        if (ax < 0 || ax >= r) {
            throw new ModelException(where + ": Gather axis " + axis + " out of range for rank " + r);
        }
        int[] idx = indices.toInts(where + " indices");
        int[] is = indices.shape();
        int[] out = new int[r - 1 + is.length];
        System.arraycopy(s, 0, out, 0, ax);
        System.arraycopy(is, 0, out, ax, is.length);
        System.arraycopy(s, ax + 1, out, ax + is.length, r - ax - 1);
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= s[i];
        }
        int inner = 1;
        for (int i = ax + 1; i < r; i++) {
            inner *= s[i];
        }
        double[] v = new double[Shapes.size(out)];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int k : idx) {
                int j = k < 0 ? k + s[ax] : k;
                if (j < 0 || j >= s[ax]) {
                    throw new ModelException(where + ": Gather index " + k + " out of range " + s[ax]);
                }
                System.arraycopy(data.values(), (o * s[ax] + j) * inner, v, pos, inner);
                pos += inner;
            }
        }
        return new Const(data.dataType(), out, v);
    }

    private static Const slice(List<Const> in, Attributes at, int opset, String where) {
        Const data = in.get(0);
        int[] s = data.shape();
        int r = s.length;
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps;
        if (opset < 10) {
            starts = toLongs(at.getInts("starts", null));
            ends = toLongs(at.getInts("ends", null));
            axes = toLongs(at.getInts("axes", null));
            steps = null;
        } else {
            starts = in.get(1).toLongs();
            ends = in.get(2).toLongs();
            axes = in.size() > 3 && in.get(3) != null ? in.get(3).toLongs() : null;
            steps = in.size() > 4 && in.get(4) != null ? in.get(4).toLongs() : null;
        }
        if (starts == null || ends == null) {
            throw new ModelException(where + ": Slice without starts/ends");
        }
        int[] begin = new int[r];
        int[] step = new int[r];
        int[] count = s.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int ax = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + r : axes[i]);
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw new ModelException(where + ": Slice step 0");
            }
            long dim = s[ax];
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) {
                b = Math.max(0, Math.min(dim, b));
                e = Math.max(0, Math.min(dim, e));
                count[ax] = (int) Math.max(0, (e - b + st - 1) / st);
            } else {
                b = Math.max(-1, Math.min(dim - 1, b));
                e = Math.max(-1, Math.min(dim - 1, e));
                count[ax] = (int) Math.max(0, (b - e + (-st) - 1) / (-st));
            }
            begin[ax] = (int) b;
            step[ax] = (int) st;
        }
        int[] strides = Shapes.strides(s);
        double[] v = new double[Shapes.size(count)];
        int[] counter = new int[r];
        for (int k = 0; k < v.length; k++) {
            int src = 0;
            for (int d = 0; d < r; d++) {
                src += (begin[d] + counter[d] * step[d]) * strides[d];
            }
            v[k] = data.values()[src];
            for (int d = r - 1; d >= 0; d--) {
                if (++counter[d] < count[d]) {
                    break;
                }
                counter[d] = 0;
            }
        }
        return new Const(data.dataType(), count, v);
    }

    private static long[] toLongs(int[] a) {
        if (a == null) {
            return null;
        }
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
