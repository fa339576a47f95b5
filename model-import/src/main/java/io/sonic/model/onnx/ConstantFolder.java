package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ImportLimits;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Names;
import io.sonic.model.Shapes;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.ConcatLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.TransposeLayer;
import io.sonic.model.onnx.Converters.Context;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Evaluates, at import time, nodes whose inputs are all constant: the weight preprocessing and shape
 * arithmetic that exporters emit. The ops in {@link #FOLDABLE} are computed here exactly (in double,
 * integer types kept integral); every other op that has a converter is evaluated by
 * {@link #evaluateLayers}: its layers are built with the constant as the input and run by the float
 * evaluator. Every result is paid from the import's {@link ImportBudget} before it is allocated.
 */
final class ConstantFolder {
    static final Set<String> FOLDABLE = Set.of("Identity", "Dropout", "Cast", "Add", "Sub", "Mul", "Div", "Neg",
            "Sqrt", "Reciprocal", "Pow", "Transpose", "Reshape", "Flatten", "Unsqueeze", "Squeeze", "Concat",
            "Gather", "Slice", "Shape", "ConstantOfShape");

    private ConstantFolder() {
    }

    /** The node's outputs, in order. */
    static List<Const> fold(Context c) {
        String op = c.op();
        return switch (op) {
            case "Identity" -> List.of(c.constant(0, "input"));
            case "Dropout" -> {
                Converters.checkInferenceDropout(c);
                yield List.of(c.constant(0, "input"));
            }
            case "Cast" -> List.of(cast(c));
            case "Add" -> List.of(binary(c, Double::sum));
            case "Sub" -> List.of(binary(c, (a, b) -> a - b));
            case "Mul" -> List.of(binary(c, (a, b) -> a * b));
            case "Div" -> {
                boolean integer = c.constant(0, "dividend").isInteger() && c.constant(1, "divisor").isInteger();
                yield List.of(binary(c, integer ? (a, b) -> {
                    if (b == 0) {
                        throw c.invalid("divides integers by zero");
                    }
                    return (double) ((long) a / (long) b);
                } : (a, b) -> a / b));
            }
            case "Pow" -> List.of(binary(c, Math::pow));
            case "Neg" -> List.of(unary(c, x -> -x));
            case "Sqrt" -> List.of(unary(c, Math::sqrt));
            case "Reciprocal" -> List.of(unary(c, x -> 1.0 / x));
            case "Transpose" -> List.of(transpose(c));
            case "Reshape" -> {
                Const a = c.constant(0, "data");
                yield List.of(new Const(a.dataType(), reshapeTarget(c, a.shape()), a.values()));
            }
            case "Flatten" -> {
                Const a = c.constant(0, "input");
                yield List.of(new Const(a.dataType(), flattenShape(a.shape(), c.at.getInt("axis", 1), c.where),
                        a.values()));
            }
            case "Unsqueeze" -> {
                Const a = c.constant(0, "data");
                yield List.of(new Const(a.dataType(), unsqueeze(c, a.shape()), a.values()));
            }
            case "Squeeze" -> {
                Const a = c.constant(0, "data");
                yield List.of(new Const(a.dataType(), squeeze(c, a.shape()), a.values()));
            }
            case "Concat" -> List.of(concat(c));
            case "Gather" -> List.of(gather(c));
            case "Slice" -> List.of(slice(c));
            case "Shape" -> List.of(shape(c, c.constant(0, "data").shape()));
            case "ConstantOfShape" -> List.of(constantOfShape(c));
            default -> throw new IllegalStateException("not foldable: " + op);
        };
    }

    /** A result of {@code shape} and element type {@code type}, paid from the budget before it is allocated. */
    private static double[] allocate(Context c, int[] shape, String what) {
        long n = ImportLimits.elements(shape, Integer.MAX_VALUE, c.where + ": " + what + " of shape "
                + Shapes.format(shape));
        c.budget().allocate(n, c.where + ": " + what + " of shape " + Shapes.format(shape));
        return new double[(int) n];
    }

    private static void checkRank(Context c, int rank, String what) {
        if (rank > ImportLimits.MAX_RANK) {
            throw c.invalid("would give " + what + " of rank " + rank + ", more than the limit of "
                    + ImportLimits.MAX_RANK);
        }
    }

    /** ONNX Shape: the input's dimensions from start to end (clamped; negative counts from the end). */
    static Const shape(Context c, int[] shape) {
        int r = shape.length;
        long start = c.at.getInt("start", 0);
        long end = c.at.getInt("end", r);
        int s = clampAxis(start, r);
        int e = clampAxis(end, r);
        long[] v = new long[Math.max(0, e - s)];
        for (int i = 0; i < v.length; i++) {
            v[i] = shape[s + i];
        }
        return Const.ofLongs(new int[] {v.length}, v);
    }

    private static int clampAxis(long a, int rank) {
        long v = a < 0 ? a + rank : a;
        return (int) Math.max(0, Math.min(rank, v));
    }

    private static final Set<Integer> CASTABLE = Set.of(DataType.FLOAT_VALUE, DataType.DOUBLE_VALUE,
            DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE, DataType.INT8_VALUE, DataType.INT16_VALUE,
            DataType.INT32_VALUE, DataType.INT64_VALUE, DataType.UINT8_VALUE, DataType.UINT16_VALUE,
            DataType.UINT32_VALUE, DataType.UINT64_VALUE, DataType.BOOL_VALUE);

    private static Const cast(Context c) {
        Const a = c.constant(0, "input");
        if (!c.at.has("to")) {
            throw c.invalid("is missing the required attribute 'to'");
        }
        long to = c.at.getInt("to", 0);
        if (c.opset() >= 19) {
            c.at.getBool("saturate", true);
        }
        if (!CASTABLE.contains((int) to) || to != (int) to) {
            if (to == (int) to && DataType.forNumber((int) to) != null) {
                throw c.unsupported("Cast to " + DataType.forNumber((int) to).name() + "; Sonic casts constants only"
                        + " to numeric types (float, double, float16, bfloat16, integer and bool)");
            }
            throw c.invalid("has attribute 'to' = " + to + ", which is not an ONNX element type");
        }
        double[] v = allocate(c, a.shape(), "its result");
        double[] x = a.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = castValue(x[i], (int) to);
        }
        return new Const((int) to, a.shape(), v);
    }

    private static double castValue(double x, int to) {
        if (to == DataType.BOOL_VALUE) {
            return x != 0 ? 1 : 0;
        }
        if (!Const.isIntegerType(to)) {
            return to == DataType.DOUBLE_VALUE ? x : (float) x;
        }
        long l = (long) x;
        return switch (to) {
            case DataType.INT8_VALUE -> (byte) l;
            case DataType.UINT8_VALUE -> l & 0xff;
            case DataType.INT16_VALUE -> (short) l;
            case DataType.UINT16_VALUE -> l & 0xffff;
            case DataType.INT32_VALUE -> (int) l;
            case DataType.UINT32_VALUE -> l & 0xffffffffL;
            default -> l;
        };
    }

    private static Const unary(Context c, DoubleUnaryOperator f) {
        Converters.legacyInPlace(c);
        Const a = c.constant(0, "input");
        double[] v = allocate(c, a.shape(), "its result");
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(a.values()[i]);
        }
        return new Const(a.dataType(), a.shape(), roundToType(a.dataType(), v));
    }

    private static Const binary(Context c, DoubleBinaryOperator f) {
        Converters.legacyBroadcast(c);
        Const a = c.constant(0, "first operand");
        Const b = c.constant(1, "second operand");
        int[] out = Shapes.broadcast(a.shape(), b.shape());
        double[] v = allocate(c, out, "its result");
        int[] sa = broadcastStrides(out, a.shape());
        int[] sb = broadcastStrides(out, b.shape());
        int[] counter = new int[out.length];
        int ia = 0;
        int ib = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(a.values()[ia], b.values()[ib]);
            for (int d = out.length - 1; d >= 0; d--) {
                ia += sa[d];
                ib += sb[d];
                if (++counter[d] < out[d]) {
                    break;
                }
                ia -= sa[d] * out[d];
                ib -= sb[d] * out[d];
                counter[d] = 0;
            }
        }
        int type = a.isInteger() && Const.isFloatType(b.dataType()) && !c.op().equals("Pow") ? b.dataType()
                : a.dataType();
        return new Const(type, out, roundToType(type, v));
    }

    /** Per axis of {@code out}, the step in a tensor of shape {@code in} broadcast onto it (0 where it repeats). */
    private static int[] broadcastStrides(int[] out, int[] in) {
        int offset = out.length - in.length;
        int[] inStrides = Shapes.strides(in);
        int[] r = new int[out.length];
        for (int i = 0; i < in.length; i++) {
            r[i + offset] = in[i] == 1 ? 0 : inStrides[i];
        }
        return r;
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

    private static Const transpose(Context c) {
        Const a = c.constant(0, "data");
        int[] perm = Converters.perm(c, a.shape());
        int[] out = TransposeLayer.permuted(a.shape(), perm);
        double[] v = allocate(c, out, "its result");
        int[] table = TransposeLayer.sourceTable(a.shape(), perm);
        for (int k = 0; k < v.length; k++) {
            v[k] = a.values()[table[k]];
        }
        return new Const(a.dataType(), out, v);
    }

    /**
     * ONNX Reshape's target (the 'shape' attribute before opset 5, the constant input 1 after): 0 copies
     * the input dimension (unless allowzero), -1 is inferred.
     */
    static int[] reshapeTarget(Context c, int[] in) {
        int[] target;
        if (c.opset() < 5) {
            Converters.legacyInPlace(c);
            target = c.at.getInts("shape", null);
            if (target == null) {
                throw c.invalid("is missing the required attribute 'shape'");
            }
        } else {
            target = c.constant(1, "target shape").vector(c.where + ": the target shape")
                    .toInts(c.where + ": the target shape");
        }
        boolean allowZero = c.opset() >= 14 && c.at.getBool("allowzero", false);
        String what = c.where + ": Reshape target " + Shapes.format(target);
        if (target.length > ImportLimits.MAX_RANK) {
            throw new ModelException(what + " has rank " + target.length + ", more than the limit of "
                    + ImportLimits.MAX_RANK);
        }
        int[] out = target.clone();
        int infer = -1;
        long known = 1;
        boolean zero = false;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw new ModelException(what + " copies dimension " + i + " (a 0) of an input of rank "
                            + in.length);
                }
                out[i] = in[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new ModelException(what + " has two -1 (only one dimension can be inferred)");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new ModelException(what + " has the invalid dimension " + out[i]
                        + " (dimensions are -1, 0 or positive)");
            } else if (out[i] == 0) {
                zero = true;
            } else {
                known = known > (1L << 40) / out[i] ? (1L << 40) + 1 : known * out[i];
            }
        }
        long size = Shapes.size(in);
        if (zero) {
            if (infer >= 0) {
                throw new ModelException(what + " has both a 0 (with allowzero) and a -1");
            }
            known = 0;
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new ModelException(c.where + " cannot reshape " + Shapes.format(in) + " (" + size
                        + " values) to " + Shapes.format(target));
            }
            out[infer] = (int) (size / known);
        } else if (known != size) {
            throw new ModelException(c.where + " cannot reshape " + Shapes.format(in) + " (" + size + " values) to "
                    + Shapes.format(out));
        }
        return out;
    }

    static int[] flattenShape(int[] s, long axis, String where) {
        int r = s.length;
        if (axis < -r || axis > r) {
            throw new ModelException(where + ": Flatten axis " + axis + " is out of range for an input of rank " + r
                    + " (allowed: " + -r + " to " + r + ")");
        }
        int ax = (int) (axis < 0 ? axis + r : axis);
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < r; i++) {
            if (i < ax) {
                outer *= s[i];
            } else {
                inner *= s[i];
            }
        }
        return new int[] {(int) outer, (int) inner};
    }

    /** Unsqueeze's output shape; the axes are the attribute before opset 13, the constant input 1 after. */
    static int[] unsqueeze(Context c, int[] s) {
        int[] axes = c.opset() < 13 ? c.at.getInts("axes", null)
                : c.constant(1, "axes").vector(c.where + ": axes").toInts(c.where + ": axes");
        if (axes == null) {
            throw c.invalid("is missing the required attribute 'axes'");
        }
        int r = s.length + axes.length;
        checkRank(c, r, "an output");
        int[] norm = Axes.axes(axes, r, c.where + ": Unsqueeze axis");
        boolean[] inserted = new boolean[r];
        for (int ax : norm) {
            inserted[ax] = true;
        }
        int[] out = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : s[j++];
        }
        return out;
    }

    /** Squeeze's output shape; no axes squeeze every axis of size 1. */
    static int[] squeeze(Context c, int[] s) {
        int[] axes;
        if (c.opset() < 13) {
            axes = c.at.getInts("axes", null);
        } else {
            axes = c.present(1) ? c.constant(1, "axes").vector(c.where + ": axes").toInts(c.where + ": axes") : null;
        }
        boolean[] drop = new boolean[s.length];
        if (axes == null) {
            for (int i = 0; i < s.length; i++) {
                drop[i] = s[i] == 1;
            }
        } else {
            for (int ax : Axes.axes(axes, s.length, c.where + ": Squeeze axis")) {
                if (s[ax] != 1) {
                    throw c.invalid("cannot squeeze axis " + ax + " of " + Shapes.format(s) + ": its size is not 1");
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

    private static Const concat(Context c) {
        List<Const> in = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i < c.inputCount(); i++) {
            in.add(c.constant(i, "input " + i));
            shapes.add(in.get(i).shape());
        }
        int ax = concatAxis(c, shapes);
        int[] out = ConcatLayer.joined(shapes, ax);
        double[] v = allocate(c, out, "its result");
        return new Const(in.get(0).dataType(), out, ConcatLayer.join(shapes, ax,
                in.stream().map(Const::values).toList(), v));
    }

    /**
     * A Concat's axis (the 'axis' attribute, required from opset 4), made non-negative for inputs of
     * {@code shapes}, which must agree on every other axis; refused naming the node and the input otherwise.
     */
    static int concatAxis(Context c, List<int[]> shapes) {
        if (!c.at.has("axis") && c.opset() >= 4) {
            throw c.invalid("is missing the required attribute 'axis'");
        }
        long axis = c.at.getInt("axis", 1);
        if (shapes.isEmpty()) {
            throw c.invalid("has no inputs");
        }
        int[] first = shapes.get(0);
        int r = first.length;
        int ax = Axes.axis(axis, r, c.where + ": Concat axis");
        long total = 0;
        for (int i = 0; i < shapes.size(); i++) {
            int[] s = shapes.get(i);
            boolean same = s.length == r;
            for (int d = 0; same && d < r; d++) {
                same = d == ax || s[d] == first[d];
            }
            if (!same) {
                throw c.invalid("concatenates " + c.inputLabel(i) + " of shape " + Shapes.format(s) + " with "
                        + c.inputLabel(0) + " of shape " + Shapes.format(first) + " along axis " + ax
                        + "; all other dimensions must be equal");
            }
            total += s[ax];
        }
        if (total > Integer.MAX_VALUE) {
            throw c.invalid("would give axis " + ax + " the size " + total);
        }
        return ax;
    }

    private static Const gather(Context c) {
        Const data = c.constant(0, "data");
        Const indices = c.constant(1, "indices");
        int[] s = data.shape();
        int r = s.length;
        int ax = Axes.axis(c.at.getInt("axis", 0), r, c.where + ": Gather axis");
        long[] idx = indices.toLongs(c.where + ": its indices");
        int[] is = indices.shape();
        checkRank(c, r - 1 + is.length, "a result");
        int[] out = new int[r - 1 + is.length];
        System.arraycopy(s, 0, out, 0, ax);
        System.arraycopy(is, 0, out, ax, is.length);
        System.arraycopy(s, ax + 1, out, ax + is.length, r - ax - 1);
        for (int k = 0; k < idx.length; k++) {
            if (idx[k] < -s[ax] || idx[k] >= s[ax]) {
                throw c.invalid("has index " + idx[k] + " (at position " + k + " of " + c.inputLabel(1)
                        + "), out of range for axis " + ax + " of size " + s[ax] + " (allowed: " + -s[ax] + " to "
                        + (s[ax] - 1) + ")");
            }
        }
        double[] v = allocate(c, out, "its result");
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= s[i];
        }
        int inner = 1;
        for (int i = ax + 1; i < r; i++) {
            inner *= s[i];
        }
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (long k : idx) {
                int j = (int) (k < 0 ? k + s[ax] : k);
                System.arraycopy(data.values(), (o * s[ax] + j) * inner, v, pos, inner);
                pos += inner;
            }
        }
        return new Const(data.dataType(), out, v);
    }

    /** What a Slice takes of an input of shape {@code s}: per axis its first index, its step and its count. */
    record SliceRange(int[] begin, int[] step, int[] count) {
        /** True when every step is 1: a crop, each axis keeping one run of indices. */
        boolean contiguous() {
            return Arrays.stream(step).allMatch(v -> v == 1);
        }
    }

    /** A Slice's starts, ends, axes and steps (attributes before opset 10, constant inputs after) for shape {@code s}. */
    static SliceRange sliceRange(Context c, int[] s) {
        int r = s.length;
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (c.opset() < 10) {
            starts = toLongs(c.at.getInts("starts", null));
            ends = toLongs(c.at.getInts("ends", null));
            axes = toLongs(c.at.getInts("axes", null));
            if (starts == null || ends == null) {
                throw c.invalid("is missing the required attribute " + (starts == null ? "'starts'" : "'ends'"));
            }
        } else {
            starts = c.constant(1, "starts").vector(c.where + ": starts").toLongs(c.where + ": starts");
            ends = c.constant(2, "ends").vector(c.where + ": ends").toLongs(c.where + ": ends");
            axes = c.present(3) ? c.constant(3, "axes").vector(c.where + ": axes").toLongs(c.where + ": axes") : null;
            if (c.present(4)) {
                steps = c.constant(4, "steps").vector(c.where + ": steps").toLongs(c.where + ": steps");
            }
        }
        int n = starts.length;
        if (ends.length != n || (axes != null && axes.length != n) || (steps != null && steps.length != n)) {
            throw c.invalid("has " + n + " starts, " + ends.length + " ends"
                    + (axes == null ? "" : ", " + axes.length + " axes") + (steps == null ? "" : ", " + steps.length
                    + " steps") + "; they must all have the same length");
        }
        if (axes == null && n > r) {
            throw c.invalid("has " + n + " starts for an input of rank " + r);
        }
        int[] ax = axes == null ? null : Axes.axes(axes, r, c.where + ": Slice axis");
        int[] begin = new int[r];
        int[] step = new int[r];
        int[] count = s.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < n; i++) {
            int a = ax == null ? i : ax[i];
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw c.invalid("has step 0 on axis " + a + "; a step must not be 0");
            }
            long dim = s[a];
            st = Math.max(-(dim + 1), Math.min(dim + 1, st));
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            long len;
            if (st > 0) {
                b = Math.max(0, Math.min(dim, b));
                e = Math.max(0, Math.min(dim, e));
                len = e > b ? (e - b - 1) / st + 1 : 0;
            } else {
                b = Math.max(-1, Math.min(dim - 1, b));
                e = Math.max(-1, Math.min(dim - 1, e));
                len = b > e ? (b - e - 1) / -st + 1 : 0;
            }
            count[a] = (int) len;
            begin[a] = (int) b;
            step[a] = (int) st;
        }
        return new SliceRange(begin, step, count);
    }

    private static Const slice(Context c) {
        Const data = c.constant(0, "data");
        int[] s = data.shape();
        int r = s.length;
        SliceRange range = sliceRange(c, s);
        int[] begin = range.begin();
        int[] step = range.step();
        int[] count = range.count();
        int[] strides = Shapes.strides(s);
        double[] v = allocate(c, count, "its result");
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
        return a == null ? null : Arrays.stream(a).asLongStream().toArray();
    }

    private static Const constantOfShape(Context c) {
        Const shapeInput = c.constant(0, "shape").vector(c.where + ": the shape");
        long[] dims = shapeInput.toLongs(c.where + ": the shape");
        checkRank(c, dims.length, "a result");
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw c.invalid("asks for the invalid size " + dims[i] + " on axis " + i);
            }
            shape[i] = (int) dims[i];
        }
        TensorProto valueProto = c.at.getTensor("value");
        Const value = valueProto == null ? new Const(DataType.FLOAT_VALUE, new int[] {1}, new double[] {0})
                : Const.fromProto(valueProto, c.where + ": attribute 'value'");
        double fill = value.scalar(c.where + ": attribute 'value'");
        double[] v = allocate(c, shape, "its result");
        Arrays.fill(v, fill);
        return new Const(value.dataType(), shape, v);
    }

    /**
     * Evaluates an op that has a converter on constant inputs: the converter builds the node's layers
     * with input 0 standing for a value of the constant's shape, the float evaluator runs them on the
     * constant's values, and the output is the result, as a float constant.
     */
    static Const evaluateLayers(Converters.Converter converter, Context outer, Converters.Scope model) {
        Const operand = outer.constant(0, "input");
        ImportLimits.checkActivation(operand.shape(), outer.where + ": its constant input 0");
        String virtual = model.freshName("constant input of " + outer.node.getOpType());
        LayerScope scope = new LayerScope(model, virtual, operand.shape());
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < outer.inputCount(); i++) {
            inputs.add(i == 0 ? virtual : outer.present(i) ? outer.inputName(i) : null);
        }
        Context inner = outer.in(scope, inputs);
        converter.convert(inner);
        inner.finish();
        String out = scope.resolve(inner.output());
        if (out.equals(virtual)) {
            return operand;
        }
        long work = 0;
        for (Layer l : scope.layers) {
            work += l.multiplyAccumulates() + l.outputSize() + tableEntries(l);
        }
        model.budget().work(work, outer.where);
        int[] outShape = scope.shape(out);
        model.budget().allocate(Shapes.size(outShape), outer.where + ": its result of shape " + Shapes.format(outShape));
        ModelGraph g = new ModelGraph("constant", "", model.opset(), virtual, operand.shape(), out, outShape,
                scope.layers);
        float[] x = new float[operand.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) operand.values()[i];
        }
        FloatTensor y = new FloatEvaluator(g).run(x);
        double[] v = new double[y.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = y.get(i);
        }
        return new Const(DataType.FLOAT_VALUE, outShape, v);
    }

    private static long tableEntries(Layer l) {
        if (l instanceof ConvLayer conv) {
            return (long) conv.geometry().outputPositions() * conv.geometry().patchLength();
        }
        if (l instanceof io.sonic.model.layer.MaxPoolLayer p) {
            return (long) p.geometry().outputPlane() * p.geometry().taps();
        }
        if (l instanceof io.sonic.model.layer.AvgPoolLayer p) {
            return 2L * p.geometry().outputPlane() * p.geometry().taps();
        }
        if (l instanceof PadLayer p) {
            return p.outputSize();
        }
        return l.outputSize();
    }

    /** The scope of one constant evaluation: the model's constants, plus the layers of the node being evaluated. */
    private static final class LayerScope implements Converters.Scope {
        private final Converters.Scope model;
        private final Map<String, int[]> shapes = new HashMap<>();
        private final Map<String, String> aliases = new HashMap<>();
        final List<Layer> layers = new ArrayList<>();

        LayerScope(Converters.Scope model, String virtual, int[] shape) {
            this.model = model;
            shapes.put(virtual, shape);
        }

        String resolve(String name) {
            String n = name;
            for (int i = 0; i <= aliases.size() && aliases.containsKey(n); i++) {
                n = aliases.get(n);
            }
            return n;
        }

        @Override
        public int opset() {
            return model.opset();
        }

        @Override
        public boolean isConst(String name) {
            return !shapes.containsKey(name) && model.isConst(name);
        }

        @Override
        public Const constant(String name) {
            return model.constant(name);
        }

        @Override
        public int[] shape(String name) {
            int[] s = shapes.get(resolve(name));
            if (s == null) {
                throw new ModelException("tensor " + Names.quote(name) + " is not available in a constant evaluation");
            }
            return s;
        }

        @Override
        public FloatTensor floats(Const c, String what) {
            return model.floats(c, what);
        }

        @Override
        public ImportBudget budget() {
            return model.budget();
        }

        @Override
        public String freshName(String base) {
            return model.freshName(base);
        }

        @Override
        public String layerName(String base) {
            return base + "#" + layers.size();
        }

        @Override
        public void emit(Layer layer, String where) {
            ImportLimits.checkActivation(layer.outputShape(), where + ": its output");
            layers.add(layer);
            shapes.put(layer.output(), layer.outputShape());
        }

        @Override
        public void alias(String output, String input) {
            aliases.put(output, resolve(input));
        }

        @Override
        public void define(String output, Const value) {
            throw new UnsupportedModelException("a constant defined inside the evaluation of " + Names.quote(output));
        }
    }
}
