package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ImportLimits;
import io.sonic.model.ModelException;
import io.sonic.model.Names;
import io.sonic.model.Shapes;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.geometry.Windows;
import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConcatLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.layer.ReshapeLayer;
import io.sonic.model.layer.TransposeLayer;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The op registry: ONNX op type to a converter that checks attributes and operands and emits layers. */
final class Converters {

    @FunctionalInterface
    interface Converter {
        void convert(Context c);
    }

    /** Where a node's inputs come from and its results go: the model being imported, or a constant evaluation. */
    interface Scope {
        int opset();

        boolean isConst(String name);

        Const constant(String name);

        /** Shape of an activation. */
        int[] shape(String name);

        /**
         * The constant as floats, converted once, its values checked once to be encodable in fixed
         * point ({@link Parameters}); {@code what} names it if they are not.
         */
        FloatTensor floats(Const c, String what);

        /** A layer name used by no other layer, made from {@code base}. */
        String layerName(String base);

        ImportBudget budget();

        /** A tensor name used nowhere in the model, for a value between two layers of one node. */
        String freshName(String base);

        void emit(Layer layer, String where);

        void alias(String output, String input);

        void define(String output, Const value);
    }

    /**
     * What a converter (or the constant folder) sees of one node. It remembers which inputs and
     * attributes were looked at and which outputs were produced; {@link #finish()} refuses the rest.
     */
    static final class Context {
        private final Scope scope;
        final NodeProto node;
        private final List<String> inputs;
        final String where;
        private final String baseName;
        private String layerName;
        final Attributes at;
        private final BitSet considered = new BitSet();
        private final Set<String> produced = new HashSet<>();

        /** @param baseName the node's name, from which its layers' names are made */
        Context(Scope scope, NodeProto node, List<String> inputs, String where, String baseName) {
            this.scope = scope;
            this.node = node;
            this.inputs = inputs;
            this.where = where;
            this.baseName = baseName;
            this.at = new Attributes(node, where);
        }

        /** The same node seen through another scope with other input names (attributes read afresh). */
        Context in(Scope other, List<String> otherInputs) {
            return new Context(other, node, otherInputs, where, baseName);
        }

        int opset() {
            return scope.opset();
        }

        String op() {
            return node.getOpType();
        }

        /** The name of the node's (first) layer. */
        String layerName() {
            if (layerName == null) {
                layerName = scope.layerName(Names.clean(baseName));
            }
            return layerName;
        }

        /** The name of a further layer that the node needs. */
        String extraLayerName(String suffix) {
            return scope.layerName(layerName() + suffix);
        }

        int inputCount() {
            return inputs.size();
        }

        /** The (resolved) name of input i, or null when it is omitted. */
        String inputName(int i) {
            return i < inputs.size() ? inputs.get(i) : null;
        }

        boolean present(int i) {
            considered.set(i);
            return i < inputs.size() && inputs.get(i) != null;
        }

        boolean isConst(int i) {
            return present(i) && scope.isConst(inputs.get(i));
        }

        /** Name of input i as the messages show it. */
        String inputLabel(int i) {
            boolean named = i < node.getInputCount() && !node.getInput(i).isEmpty();
            return "input " + i + (named ? " " + Names.quote(node.getInput(i)) : "");
        }

        /** A constant input; refused naming the input when it is missing or computed from the model input. */
        Const constant(int i, String role) {
            if (!present(i)) {
                throw invalid("is missing its " + role + " (" + inputLabel(i) + ")");
            }
            if (!scope.isConst(inputs.get(i))) {
                throw unsupported("its " + role + " (" + inputLabel(i) + ") is computed from the model input at run"
                        + " time; Sonic needs a constant there");
            }
            return scope.constant(inputs.get(i));
        }

        /** A constant weight as floats; NaN, infinite or too large values are refused naming the tensor. */
        FloatTensor weight(int i, String role) {
            if (present(i) && !scope.isConst(inputs.get(i))) {
                throw unsupported("its " + role + " (" + inputLabel(i) + ") must be a constant (a trained weight),"
                        + " but it is computed from the model input; Sonic supports products of the input with"
                        + " constant weights");
            }
            return scope.floats(constant(i, role), where + ": its " + role + " " + Names.quote(node.getInput(i)));
        }

        /** Name of a dynamic (input-dependent) operand; throws if it is missing or a constant. */
        String activation(int i) {
            if (!present(i)) {
                throw invalid("is missing its input " + i);
            }
            if (scope.isConst(inputs.get(i))) {
                throw unsupported("its " + inputLabel(i) + " is a constant where Sonic expects values computed"
                        + " from the model input");
            }
            return inputs.get(i);
        }

        int[] shape(int i) {
            return scope.shape(activation(i));
        }

        String output() {
            if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
                throw invalid("has no output");
            }
            return node.getOutput(0);
        }

        void requireSingleOutput(String why) {
            for (int i = 1; i < node.getOutputCount(); i++) {
                if (!node.getOutput(i).isEmpty()) {
                    throw new UnsupportedModelException(where + " asks for its output " + Names.quote(node.getOutput(i))
                            + " (" + why + "), which Sonic does not compute; export the model for inference only");
                }
            }
        }

        ImportBudget budget() {
            return scope.budget();
        }

        /**
         * A parameter tensor the importer computes (transposed, scaled, negated...): paid from the
         * budget before {@code values} makes it.
         */
        FloatTensor derived(int[] shape, java.util.function.Supplier<float[]> values, String what) {
            budget().allocate(Shapes.size(shape), where + ": " + what + " of shape " + Shapes.format(shape));
            return new FloatTensor(shape, values.get());
        }

        String freshName(String base) {
            return scope.freshName(base);
        }

        void emit(Layer layer) {
            scope.emit(layer, where);
            produced.add(layer.output());
        }

        void alias(String output, String input) {
            scope.alias(output, input);
            produced.add(output);
        }

        void define(String output, Const value) {
            scope.define(output, value);
            produced.add(output);
        }

        /** Refuses inputs, attributes and outputs of the node that the conversion did not use. */
        void finish() {
            at.checkAllRead();
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i) != null && !considered.get(i)) {
                    throw new UnsupportedModelException(where + " has an " + inputLabel(i) + ", but "
                            + Names.clean(op()) + " takes "
                            + (considered.isEmpty() ? "no" : considered.length()) + " input"
                            + (considered.length() == 1 ? "" : "s") + " in the opset this model uses; the file may"
                            + " be damaged");
                }
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                String o = node.getOutput(i);
                if (!o.isEmpty() && !produced.contains(o)) {
                    throw new UnsupportedModelException(where + " asks for its output " + i + " " + Names.quote(o)
                            + ", which Sonic does not compute for " + Names.clean(op())
                            + "; export the model for inference only");
                }
            }
        }

        /** The model asks for something Sonic does not implement. */
        ModelException unsupported(String what) {
            return new UnsupportedModelException(where + ": " + what);
        }

        /** The model is inconsistent. */
        ModelException invalid(String what) {
            return new ModelException(where + " " + what);
        }
    }

    private static final Map<String, Converter> REGISTRY = new TreeMap<>();

    static {
        REGISTRY.put("Gemm", Converters::gemm);
        REGISTRY.put("MatMul", Converters::matmul);
        REGISTRY.put("Add", Converters::add);
        REGISTRY.put("Sub", Converters::sub);
        REGISTRY.put("Mul", Converters::mul);
        REGISTRY.put("Div", Converters::div);
        REGISTRY.put("Conv", Converters::conv);
        REGISTRY.put("Relu", c -> {
            legacyInPlace(c);
            c.emit(new ReluLayer(c.layerName(), "Relu", c.activation(0), c.shape(0), c.output()));
        });
        REGISTRY.put("LeakyRelu", Converters::leakyRelu);
        REGISTRY.put("Clip", Converters::clip);
        REGISTRY.put("MaxPool", Converters::maxPool);
        REGISTRY.put("AveragePool", Converters::averagePool);
        REGISTRY.put("ReduceMean", Converters::reduceMean);
        REGISTRY.put("GlobalAveragePool", c -> c.emit(new AvgPoolLayer(c.layerName(), "GlobalAveragePool",
                c.activation(0), c.output(), PoolGeometry.global(c.shape(0)))));
        REGISTRY.put("GlobalMaxPool", c -> c.emit(new MaxPoolLayer(c.layerName(), "GlobalMaxPool",
                c.activation(0), c.output(), PoolGeometry.global(c.shape(0)))));
        REGISTRY.put("Flatten", Converters::flatten);
        REGISTRY.put("Reshape", Converters::reshape);
        REGISTRY.put("Transpose", Converters::transpose);
        REGISTRY.put("Concat", Converters::concat);
        REGISTRY.put("Slice", Converters::slice);
        REGISTRY.put("Pad", Converters::pad);
        REGISTRY.put("Squeeze", Converters::squeeze);
        REGISTRY.put("Unsqueeze", Converters::unsqueeze);
        REGISTRY.put("BatchNormalization", Converters::batchNorm);
        REGISTRY.put("Identity", c -> c.alias(c.output(), c.activation(0)));
        REGISTRY.put("Dropout", Converters::dropout);
    }

    private Converters() {
    }

    static Converter forOp(String op) {
        return REGISTRY.get(op);
    }

    static Set<String> ops() {
        return REGISTRY.keySet();
    }

    static String supportedList() {
        Set<String> constantOnly = new java.util.TreeSet<>(ConstantFolder.FOLDABLE);
        constantOnly.removeAll(OnnxImporter.supportedOps());
        return "Sonic supports: " + String.join(", ", OnnxImporter.supportedOps())
                + "; on constant inputs (weight preprocessing) also: " + String.join(", ", constantOnly) + ".";
    }

    /** The in-place hint of opsets before 6, which does not change the result. */
    static void legacyInPlace(Context c) {
        if (c.opset() < 6) {
            c.at.ignore("consumed_inputs", AttributeType.INTS);
        }
    }

    /** The broadcast attributes of element-wise ops before opset 7: only numpy-style broadcasting is read. */
    static void legacyBroadcast(Context c) {
        legacyInPlace(c);
        if (c.opset() < 7) {
            c.at.getBool("broadcast", false);
            if (c.at.has("axis")) {
                c.at.getInt("axis", 0);
                throw c.unsupported("the legacy 'axis' broadcast of opsets before 7; re-export with opset 7 or later");
            }
        }
    }

    private static void gemm(Context c) {
        float alpha = c.at.getFloat("alpha", 1f);
        float beta = c.at.getFloat("beta", 1f);
        boolean transA = c.at.getBool("transA", false);
        boolean transB = c.at.getBool("transB", false);
        if (c.opset() < 7) {
            c.at.getBool("broadcast", false);
        }
        if (!c.present(0) || !c.present(1)) {
            throw c.invalid("needs its inputs A and B");
        }
        if (!c.isConst(0) && !c.isConst(1)) {
            throw c.unsupported("both operands A and B depend on the model input; Sonic multiplies the input only by"
                    + " constant weights, so one operand of a Gemm must be a constant (a trained weight)");
        }
        boolean weightOnLeft = c.isConst(0);
        int wi = weightOnLeft ? 0 : 1;
        int xi = 1 - wi;
        String x = c.activation(xi);
        int[] xs = c.shape(xi);
        FloatTensor w0 = c.weight(wi, weightOnLeft ? "A operand" : "B operand");
        if (xs.length != 2 || w0.rank() != 2) {
            throw c.unsupported("Gemm needs 2-D operands A and B, got " + Shapes.format(weightOnLeft ? w0.shape() : xs)
                    + " and " + Shapes.format(weightOnLeft ? xs : w0.shape()));
        }
        FloatTensor w = scaled(c, transposed(c, w0, weightOnLeft ? transA : transB), alpha, "the scaled weight");
        MatMulLayer layer = new MatMulLayer(c.layerName(), "Gemm", x, xs, c.output(), w, weightOnLeft,
                weightOnLeft ? transB : transA, null);
        if (c.present(2)) {
            FloatTensor bias = scaled(c, c.weight(2, "C (bias) operand"), beta, "the scaled bias");
            checkBias(c, layer.outputShape(), bias);
            layer = layer.with("Gemm", c.output(), w, bias);
        }
        c.emit(layer);
    }

    private static void checkBias(Context c, int[] outShape, FloatTensor bias) {
        if (bias.rank() > outShape.length || !Arrays.equals(Shapes.broadcast(outShape, bias.shape()), outShape)) {
            throw c.invalid("has a bias of shape " + Shapes.format(bias.shape()) + ", which does not broadcast onto the"
                    + " output shape " + Shapes.format(outShape));
        }
    }

    private static FloatTensor transposed(Context c, FloatTensor t, boolean transpose) {
        if (!transpose) {
            return t;
        }
        int rows = t.dim(0);
        int cols = t.dim(1);
        return c.derived(new int[] {cols, rows}, () -> {
            float[] v = new float[t.size()];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    v[j * rows + i] = t.get(i * cols + j);
                }
            }
            return v;
        }, "the transposed weight");
    }

    private static FloatTensor scaled(Context c, FloatTensor t, float k, String what) {
        if (k == 1f) {
            return t;
        }
        FloatTensor r = c.derived(t.shape(), () -> {
            float[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                v[i] *= k;
            }
            return v;
        }, what);
        Parameters.check(r, c.where + ": " + what);
        return r;
    }

    private static void matmul(Context c) {
        if (!c.present(0) || !c.present(1)) {
            throw c.invalid("needs its inputs A and B");
        }
        if (c.isConst(1) && !c.isConst(0)) {
            c.emit(new MatMulLayer(c.layerName(), "MatMul", c.activation(0), c.shape(0), c.output(),
                    c.weight(1, "right operand"), false, false, null));
        } else if (c.isConst(0) && !c.isConst(1)) {
            c.emit(new MatMulLayer(c.layerName(), "MatMul", c.activation(1), c.shape(1), c.output(),
                    c.weight(0, "left operand"), true, false, null));
        } else {
            throw c.unsupported("both operands depend on the model input; Sonic multiplies the input only by constant"
                    + " weights, so one operand of a MatMul must be a constant (a trained weight)");
        }
    }

    private static void add(Context c) {
        legacyBroadcast(c);
        if (c.isConst(0) && !c.isConst(1)) {
            c.emit(new BiasAddLayer(c.layerName(), "Add", c.activation(1), c.shape(1), c.output(), c.weight(0, "addend")));
        } else if (c.isConst(1)) {
            c.emit(new BiasAddLayer(c.layerName(), "Add", c.activation(0), c.shape(0), c.output(), c.weight(1, "addend")));
        } else {
            c.emit(new AddLayer(c.layerName(), "Add", c.activation(0), c.shape(0), c.activation(1), c.shape(1),
                    c.output()));
        }
    }

    /** x − c is a bias of −c; c − x is −x + c; x − y is x + (−y). */
    private static void sub(Context c) {
        legacyBroadcast(c);
        if (c.isConst(1)) {
            String x = c.activation(0);
            FloatTensor k = c.weight(1, "subtrahend");
            c.emit(new BiasAddLayer(c.layerName(), "Sub", x, c.shape(0), c.output(),
                    c.derived(k.shape(), () -> negated(k.values()), "the negated subtrahend")));
            return;
        }
        String x = c.activation(1);
        int[] xs = c.shape(1);
        requireChannelAxis(c, xs, c.isConst(0) ? "c − x" : "x − y");
        int[] channels = {xs[1]};
        FloatTensor minusOne = c.derived(channels, () -> filled(channels[0], -1f), "the scale −1");
        if (c.isConst(0)) {
            FloatTensor k = c.weight(0, "minuend");
            if (PerChannel.applies(k.shape(), xs)) {
                c.emit(new AffineLayer(c.layerName(), "Sub", x, xs, c.output(), minusOne,
                        c.derived(channels, () -> PerChannel.values(k, xs), "the shift")));
                return;
            }
            String negated = c.freshName(c.output() + "/negated");
            c.emit(new AffineLayer(c.extraLayerName("/negate"), "Sub", x, xs, negated, minusOne,
                    c.derived(channels, () -> new float[channels[0]], "the shift")));
            c.emit(new BiasAddLayer(c.layerName(), "Sub", negated, xs, c.output(), k));
            return;
        }
        String a = c.activation(0);
        String negated = c.freshName(c.output() + "/negated");
        c.emit(new AffineLayer(c.extraLayerName("/negate"), "Sub", x, xs, negated, minusOne,
                c.derived(channels, () -> new float[channels[0]], "the shift")));
        c.emit(new AddLayer(c.layerName(), "Sub", a, c.shape(0), negated, xs, c.output()));
    }

    /**
     * LeakyRelu(x) = α·x + (1 − α)·ReLU(x), from layers Sonic has: a ReLU, two per-channel scales (the constants α and
     * 1 − α are shared like any weight) and a residual addition.
     */
    private static void leakyRelu(Context c) {
        float alpha = c.at.getFloat("alpha", 0.01f);
        String x = c.activation(0);
        int[] xs = c.shape(0);
        requireChannelAxis(c, xs, "LeakyRelu");
        String relu = c.freshName(c.output() + "/relu");
        c.emit(new ReluLayer(c.extraLayerName("/relu"), "LeakyRelu", x, xs, relu));
        String positive = c.freshName(c.output() + "/positive");
        c.emit(uniformAffine(c, c.extraLayerName("/positive"), relu, xs, positive, 1f - alpha, 0f));
        String slope = c.freshName(c.output() + "/slope");
        c.emit(uniformAffine(c, c.extraLayerName("/slope"), x, xs, slope, alpha, 0f));
        c.emit(new AddLayer(c.layerName(), "LeakyRelu", positive, xs, slope, xs, c.output()));
    }

    /**
     * Clip(x, lo, hi) (ReLU6 is Clip(x, 0, 6)) from ReLUs: max(x, lo) = lo + ReLU(x − lo), then
     * min(m, hi) = hi − ReLU(hi − m), with the shifts as bias additions and the negations as per-channel scales
     * of −1; a bound that is absent (or infinite) costs nothing.
     */
    private static void clip(Context c) {
        legacyInPlace(c);
        double lo;
        double hi;
        if (c.opset() < 11) {
            lo = c.at.getFloat("min", Float.NEGATIVE_INFINITY);
            hi = c.at.getFloat("max", Float.POSITIVE_INFINITY);
        } else {
            lo = c.present(1) ? c.constant(1, "minimum").scalar(c.where + ": the minimum") : Double.NEGATIVE_INFINITY;
            hi = c.present(2) ? c.constant(2, "maximum").scalar(c.where + ": the maximum") : Double.POSITIVE_INFINITY;
        }
        if (Double.isNaN(lo) || Double.isNaN(hi) || lo > hi) {
            throw c.invalid("clips to [" + lo + ", " + hi + "]; the minimum must be a number not above the maximum");
        }
        String x = c.activation(0);
        int[] xs = c.shape(0);
        boolean low = lo != Double.NEGATIVE_INFINITY;
        boolean high = hi != Double.POSITIVE_INFINITY;
        if (!low && !high) {
            c.alias(c.output(), x);
            return;
        }
        if (high) {
            requireChannelAxis(c, xs, "Clip with a maximum");
        }
        String cur = x;
        if (low) {
            String out = high ? c.freshName(c.output() + "/at-least") : c.output();
            cur = shifted(c, cur, xs, -lo, "/below");
            String r = lo == 0 ? out : c.freshName(c.output() + "/relu-low");
            c.emit(new ReluLayer(lo == 0 && !high ? c.layerName() : c.extraLayerName("/relu-low"), "Clip", cur, xs, r));
            if (lo != 0) {
                c.emit(new BiasAddLayer(high ? c.extraLayerName("/at-least") : c.layerName(), "Clip", r, xs, out,
                        c.derived(new int[0], () -> new float[] {(float) lo}, "the minimum")));
            }
            cur = out;
        }
        if (high) {
            String room = c.freshName(c.output() + "/room");
            c.emit(uniformAffine(c, c.extraLayerName("/room"), cur, xs, room, -1f, (float) hi));
            String r = c.freshName(c.output() + "/relu-high");
            c.emit(new ReluLayer(c.extraLayerName("/relu-high"), "Clip", room, xs, r));
            c.emit(uniformAffine(c, c.layerName(), r, xs, c.output(), -1f, (float) hi));
        }
    }

    /** x·scale + shift with the same scale and shift on every channel (axis 1), named after the node's op. */
    private static AffineLayer uniformAffine(Context c, String name, String x, int[] xs, String out, float scale,
                                             float shift) {
        int[] channels = {xs[1]};
        return new AffineLayer(name, c.op(), x, xs, out,
                c.derived(channels, () -> filled(channels[0], scale), "the scale " + scale),
                c.derived(channels, () -> filled(channels[0], shift), "the shift " + shift));
    }

    /** x + shift as a bias addition (x itself when the shift is 0). */
    private static String shifted(Context c, String x, int[] xs, double shift, String suffix) {
        if (shift == 0) {
            return x;
        }
        String out = c.freshName(c.output() + suffix);
        c.emit(new BiasAddLayer(c.extraLayerName(suffix), "Clip", x, xs, out,
                c.derived(new int[0], () -> new float[] {(float) shift}, "the shifted minimum")));
        return out;
    }

    private static void mul(Context c) {
        legacyBroadcast(c);
        int ki = c.isConst(1) ? 1 : c.isConst(0) ? 0 : -1;
        if (ki < 0) {
            c.activation(0);
            c.activation(1);
            throw c.unsupported("both factors depend on the model input; a product of two such values is not linear,"
                    + " and Sonic multiplies the input only by constants");
        }
        int xi = 1 - ki;
        String x = c.activation(xi);
        int[] xs = c.shape(xi);
        FloatTensor k = c.weight(ki, "factor");
        c.emit(scale(c, "Mul", x, xs, k, false));
    }

    private static void div(Context c) {
        legacyBroadcast(c);
        if (!c.isConst(1)) {
            for (int i = 0; i < 2; i++) {
                if (!c.present(i)) {
                    c.activation(i);
                }
            }
            throw c.unsupported("its divisor depends on the model input; division by a value computed from the input"
                    + " is not linear, and Sonic divides only by constants");
        }
        String x = c.activation(0);
        FloatTensor k = c.weight(1, "divisor");
        c.emit(scale(c, "Div", x, c.shape(0), k, true));
    }

    /** x·k or x/k as a per-channel affine layer, k being a scalar or one value per channel (axis 1). */
    private static AffineLayer scale(Context c, String op, String x, int[] xs, FloatTensor k, boolean reciprocal) {
        requireChannelAxis(c, xs, op.equals("Mul") ? "x · c" : "x / c");
        if (!PerChannel.applies(k.shape(), xs)) {
            throw c.unsupported(op + " by a constant of shape " + Shapes.format(k.shape()) + " onto an input of shape "
                    + Shapes.format(xs) + ": Sonic " + (reciprocal ? "divides" : "multiplies")
                    + " by a scalar or by one value per channel along axis 1 (for this input e.g. shape "
                    + PerChannel.examples(xs) + ")");
        }
        int[] channels = {xs[1]};
        FloatTensor scale = c.derived(channels, () -> {
            float[] s = PerChannel.values(k, xs);
            for (int i = 0; reciprocal && i < s.length; i++) {
                if (s[i] == 0f) {
                    throw c.invalid("divides by the constant " + c.inputLabel(1) + ", which holds 0; the result would"
                            + " not be finite");
                }
                s[i] = 1f / s[i];
            }
            return s;
        }, "the scale");
        Parameters.check(scale, c.where + ": the scale");
        return new AffineLayer(c.layerName(), op, x, xs, c.output(), scale,
                c.derived(channels, () -> new float[channels[0]], "the shift"));
    }

    private static void requireChannelAxis(Context c, int[] xs, String form) {
        if (xs.length < 2) {
            throw c.unsupported(form + " on an input of shape " + Shapes.format(xs) + ": Sonic computes it per channel"
                    + " (axis 1) and needs an input of rank 2 or more");
        }
    }

    private static float[] negated(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return v;
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }

    private static void conv(Context c) {
        String x = c.activation(0);
        int[] in = c.shape(0);
        FloatTensor w = c.weight(1, "weight");
        int d = in.length - 2;
        if (d < 1 || w.rank() != in.length) {
            throw c.unsupported("Conv needs an input [N, C, spatial...] and weights of the same rank, got "
                    + Shapes.format(in) + " and " + Shapes.format(w.shape()));
        }
        int[] kernel = Arrays.copyOfRange(w.shape(), 2, w.rank());
        int[] declared = c.at.getInts("kernel_shape", null, 1, ImportLimits.MAX_WINDOW);
        if (declared != null && !Arrays.equals(declared, kernel)) {
            throw c.invalid("has kernel_shape " + Shapes.format(declared) + ", which does not match the weights "
                    + Shapes.format(w.shape()));
        }
        Windows windows = windows(c, in, kernel, false);
        int group = (int) c.at.getInt("group", 1, 1, in[1]);
        ConvGeometry g = new ConvGeometry(in, w.shape(), windows, group);
        FloatTensor bias = null;
        if (c.present(2)) {
            bias = c.weight(2, "bias");
            if (bias.rank() > 1 || bias.size() != g.outChannels()) {
                throw c.invalid("has a bias of shape " + Shapes.format(bias.shape()) + " for " + g.outChannels()
                        + " output channels (expected [" + g.outChannels() + "])");
            }
            bias = bias.reshape(g.outChannels());
        }
        c.emit(new ConvLayer(c.layerName(), "Conv", x, c.output(), w, bias, g));
    }

    private static Windows windows(Context c, int[] in, int[] kernel, boolean pooling) {
        int d = kernel.length;
        int[] spatial = Arrays.copyOfRange(in, 2, in.length);
        int[] ones = filledInts(d, 1);
        int[] strides = c.at.getInts("strides", ones, 1, ImportLimits.MAX_WINDOW);
        int[] dilations = c.at.getInts("dilations", ones, 1, ImportLimits.MAX_WINDOW);
        int[] pads = c.at.getInts("pads", new int[2 * d], 0, ImportLimits.MAX_WINDOW);
        String autoPad = c.at.getString("auto_pad", "NOTSET", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER");
        boolean ceil = pooling && c.at.getBool("ceil_mode", false);
        requireLength(c, "strides", strides, d);
        requireLength(c, "dilations", dilations, d);
        requireLength(c, "pads", pads, 2 * d);
        if (!autoPad.equals("NOTSET") && Arrays.stream(pads).anyMatch(p -> p != 0)) {
            throw c.invalid("has both explicit pads " + Shapes.format(pads) + " and auto_pad '" + autoPad + "'; give"
                    + " one or the other");
        }
        return Windows.of(spatial, kernel, strides, dilations, pads, autoPad, ceil);
    }

    private static void requireLength(Context c, String attribute, int[] values, int expected) {
        if (values.length != expected) {
            throw c.invalid("has attribute '" + attribute + "' with " + values.length + " values "
                    + Shapes.format(values) + ", but " + (attribute.equals("pads")
                    ? "a kernel with " + expected / 2 + " spatial axes needs " + expected + " (all begins, then all ends)"
                    : "the kernel has " + expected + " spatial axes"));
        }
    }

    private static int[] filledInts(int n, int value) {
        int[] v = new int[n];
        Arrays.fill(v, value);
        return v;
    }

    private static int[] poolKernel(Context c, int[] in) {
        int[] kernel = c.at.getInts("kernel_shape", null, 1, ImportLimits.MAX_WINDOW);
        if (kernel == null) {
            throw c.invalid("is missing the required attribute kernel_shape");
        }
        if (in.length < 3) {
            throw c.unsupported("pooling needs an input [N, C, spatial...], got " + Shapes.format(in));
        }
        if (kernel.length != in.length - 2) {
            throw c.invalid("has kernel_shape " + Shapes.format(kernel) + " with " + kernel.length + " values, but its"
                    + " input " + Shapes.format(in) + " has " + (in.length - 2) + " spatial axes");
        }
        return kernel;
    }

    private static PoolGeometry pooling(Context c, boolean countIncludePad) {
        int[] in = c.shape(0);
        Windows w = windows(c, in, poolKernel(c, in), true);
        if (!countIncludePad && w.someWindowOnPaddingOnly()) {
            throw c.invalid("has a pooling window that lies entirely on padding (pads " + Shapes.format(w.pads())
                    + ", kernel " + Shapes.format(w.kernel()) + "); make each pad smaller than the kernel");
        }
        return new PoolGeometry(in, w, countIncludePad, false);
    }

    private static void maxPool(Context c) {
        c.requireSingleOutput("the indices of the maxima");
        c.at.getInt("storage_order", 0, 0, 1);
        PoolGeometry g = pooling(c, false);
        c.emit(new MaxPoolLayer(c.layerName(), "MaxPool", c.activation(0), c.output(), g));
    }

    private static void averagePool(Context c) {
        boolean includePad = c.at.getBool("count_include_pad", false);
        PoolGeometry g = pooling(c, includePad);
        c.emit(new AvgPoolLayer(c.layerName(), "AveragePool", c.activation(0), c.output(), g));
    }

    private static void flatten(Context c) {
        int[] in = c.shape(0);
        int[] out = ConstantFolder.flattenShape(in, c.at.getInt("axis", 1), c.where);
        c.emit(new ReshapeLayer(c.layerName(), "Flatten", c.activation(0), in, c.output(), out));
    }

    private static void reshape(Context c) {
        int[] in = c.shape(0);
        int[] out = ConstantFolder.reshapeTarget(c, in);
        c.emit(new ReshapeLayer(c.layerName(), "Reshape", c.activation(0), in, c.output(), out));
    }

    /** A Transpose's 'perm' for an input of {@code shape}: the attribute, or the axes reversed (ONNX's default). */
    static int[] perm(Context c, int[] shape) {
        int r = shape.length;
        int[] perm = c.at.getInts("perm", null);
        if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (TransposeLayer.problem(perm, r) != null) {
            throw c.invalid("has attribute 'perm' " + Shapes.format(perm) + ", which is not a permutation of the " + r
                    + " axes of its input " + Shapes.format(shape) + " (it must list each of 0 to " + (r - 1) + " once)");
        }
        return perm;
    }

    /**
     * Transpose of values computed from the input: a public permutation of the elements (a reshape when only axes
     * of size 1 move, as in a channels-last model's [1,H,W,1] ↔ [1,1,H,W]).
     */
    private static void transpose(Context c) {
        int[] in = c.shape(0);
        int[] perm = perm(c, in);
        int[] out = TransposeLayer.permuted(in, perm);
        c.emit(TransposeLayer.keepsOrder(in, perm)
                ? new ReshapeLayer(c.layerName(), "Transpose", c.activation(0), in, c.output(), out)
                : new TransposeLayer(c.layerName(), "Transpose", c.activation(0), in, c.output(), perm));
    }

    /**
     * Concat of values computed from the input (the branches of an Inception or DenseNet block, a U-Net's skip
     * connection): a public arrangement of the elements. Every input must be such a value; a constant among them
     * would have to be shared like a weight, which Sonic does not do for Concat.
     */
    private static void concat(Context c) {
        List<String> inputs = new java.util.ArrayList<>();
        List<int[]> shapes = new java.util.ArrayList<>();
        for (int i = 0; i < c.inputCount(); i++) {
            if (c.isConst(i)) {
                throw c.unsupported("it joins " + c.inputLabel(i) + ", a constant, with values computed from the model"
                        + " input; Sonic concatenates only such values");
            }
            inputs.add(c.activation(i));
            shapes.add(c.shape(i));
        }
        int ax = ConstantFolder.concatAxis(c, shapes);
        c.emit(new ConcatLayer(c.layerName(), "Concat", inputs, shapes, c.output(), ax));
    }

    /**
     * Slice of values computed from the input with steps of 1 (a crop, e.g. a U-Net's centre crop or {@code x[:, :k]})
     * as a padding layer with negative pads; other steps are refused.
     */
    private static void slice(Context c) {
        int[] in = c.shape(0);
        ConstantFolder.SliceRange range = ConstantFolder.sliceRange(c, in);
        if (!range.contiguous()) {
            throw c.unsupported("a Slice with steps " + Shapes.format(range.step()) + " of values computed from the"
                    + " model input; Sonic slices those only with steps of 1");
        }
        int r = in.length;
        int[] pads = new int[2 * r];
        for (int d = 0; d < r; d++) {
            if (range.count()[d] == 0) {
                throw c.unsupported("the slice keeps nothing of axis " + d + " of " + Shapes.format(in));
            }
            pads[d] = -range.begin()[d];
            pads[d + r] = -(in[d] - range.begin()[d] - range.count()[d]);
        }
        c.emit(new PadLayer(c.layerName(), "Slice", c.activation(0), in, c.output(), pads, 0f));
    }

    private static void pad(Context c) {
        String mode = c.at.getString("mode", "constant", "constant", "reflect", "edge", "wrap");
        if (!mode.equals("constant")) {
            throw c.unsupported("Pad mode '" + mode + "'; Sonic supports constant padding");
        }
        int[] in = c.shape(0);
        long[] pads;
        float value;
        if (c.opset() < 11) {
            int[] p = c.at.getInts(c.opset() < 2 ? "paddings" : "pads", null);
            if (p == null) {
                throw c.invalid("is missing the required attribute " + (c.opset() < 2 ? "paddings" : "pads"));
            }
            pads = Arrays.stream(p).asLongStream().toArray();
            value = c.at.getFloat("value", 0f);
        } else {
            pads = c.constant(1, "pads").vector(c.where + ": pads").toLongs(c.where + ": pads");
            value = c.present(2) ? (float) c.constant(2, "constant value").scalar(c.where + ": the constant value") : 0f;
            if (c.present(3)) {
                int[] axes = Axes.axes(c.constant(3, "axes").vector(c.where + ": axes").toLongs(c.where + ": axes"),
                        in.length, c.where + ": axis");
                if (pads.length != 2 * axes.length) {
                    throw c.invalid("has " + pads.length + " pads for " + axes.length + " axes (it needs "
                            + 2 * axes.length + ": all begins, then all ends)");
                }
                long[] full = new long[2 * in.length];
                for (int i = 0; i < axes.length; i++) {
                    full[axes[i]] = pads[i];
                    full[axes[i] + in.length] = pads[i + axes.length];
                }
                pads = full;
            }
        }
        if (pads.length != 2 * in.length) {
            throw c.invalid("has " + pads.length + " pads for an input of shape " + Shapes.format(in) + " (it needs "
                    + 2 * in.length + ": the begins of every axis, then the ends)");
        }
        Parameters.check(value, c.where + ": the constant value");
        int[] p = new int[pads.length];
        for (int i = 0; i < pads.length; i++) {
            if (Math.abs(pads[i]) > ImportLimits.MAX_ACTIVATION_ELEMENTS) {
                throw c.invalid("has the pad " + pads[i] + " at position " + i + "; a pad is at most "
                        + ImportLimits.MAX_ACTIVATION_ELEMENTS + " in magnitude");
            }
            p[i] = (int) pads[i];
        }
        for (int axis = 0; axis < in.length; axis++) {
            long padded = (long) in[axis] + p[axis] + p[axis + in.length];
            if (padded < 1) {
                throw c.invalid("has pads " + Shapes.format(p) + ", which crop axis " + axis + " of the input "
                        + Shapes.format(in) + " to " + padded + " (below one element)");
            }
        }
        if (Arrays.stream(p).allMatch(v -> v == 0)) {
            c.alias(c.output(), c.activation(0));
            return;
        }
        c.emit(new PadLayer(c.layerName(), "Pad", c.activation(0), in, c.output(), p, value));
    }

    /**
     * ReduceMean (e.g. {@code x.mean((2, 3))}, or the global average pooling of a channels-last model over axes 1
     * and 2) as a global average pooling: the kept axes move to the front (a transpose, when the reduced ones are
     * not already last), the values are read as [1, K, R] (K kept, R reduced), pooled over R with the public
     * divisor R, and reshaped to the output.
     */
    private static void reduceMean(Context c) {
        int[] in = c.shape(0);
        int r = in.length;
        boolean keep = c.at.getBool("keepdims", true);
        int[] given;
        if (c.opset() < 18) {
            given = c.at.getInts("axes", null);
        } else {
            given = c.present(1) ? c.constant(1, "axes").vector(c.where + ": axes").toInts(c.where + ": axes") : null;
            if ((given == null || given.length == 0) && c.at.getBool("noop_with_empty_axes", false)) {
                c.alias(c.output(), c.activation(0));
                return;
            }
        }
        boolean[] reduced = new boolean[r];
        if (given == null || given.length == 0) {
            java.util.Arrays.fill(reduced, true);
        } else {
            for (int a : Axes.axes(given, r, c.where + ": axis")) {
                reduced[a] = true;
            }
        }
        java.util.List<Integer> out = new java.util.ArrayList<>();
        int[] perm = new int[r];
        int k = 0;
        long kept = 1;
        long count = 1;
        for (int d = 0; d < r; d++) {
            if (!reduced[d]) {
                perm[k++] = d;
                kept *= in[d];
                out.add(in[d]);
            } else if (keep) {
                out.add(1);
            }
        }
        for (int d = 0; d < r; d++) {
            if (reduced[d]) {
                perm[k++] = d;
                count *= in[d];
            }
        }
        int[] outShape = out.stream().mapToInt(Integer::intValue).toArray();
        String x = c.activation(0);
        if (count == 1) {
            c.emit(new ReshapeLayer(c.layerName(), "ReduceMean", x, in, c.output(), outShape));
            return;
        }
        String cur = x;
        int[] curShape = in;
        if (!TransposeLayer.keepsOrder(in, perm)) {
            cur = c.freshName(c.output() + "/kept-first");
            curShape = TransposeLayer.permuted(in, perm);
            c.emit(new TransposeLayer(c.extraLayerName("/kept-first"), "ReduceMean", x, in, cur, perm));
        }
        int[] rows = {1, (int) kept, (int) count};
        String grouped = c.freshName(c.output() + "/rows");
        c.emit(new ReshapeLayer(c.extraLayerName("/rows"), "ReduceMean", cur, curShape, grouped, rows));
        String mean = c.freshName(c.output() + "/mean");
        c.emit(new AvgPoolLayer(c.extraLayerName("/mean"), "ReduceMean", grouped, mean, PoolGeometry.global(rows)));
        c.emit(new ReshapeLayer(c.layerName(), "ReduceMean", mean, new int[] {1, (int) kept, 1}, c.output(),
                outShape));
    }

    private static void squeeze(Context c) {
        int[] in = c.shape(0);
        c.emit(new ReshapeLayer(c.layerName(), "Squeeze", c.activation(0), in, c.output(),
                ConstantFolder.squeeze(c, in)));
    }

    private static void unsqueeze(Context c) {
        int[] in = c.shape(0);
        c.emit(new ReshapeLayer(c.layerName(), "Unsqueeze", c.activation(0), in, c.output(),
                ConstantFolder.unsqueeze(c, in)));
    }

    private static void batchNorm(Context c) {
        c.requireSingleOutput("running statistics of training mode");
        legacyInPlace(c);
        if (c.at.getBool("training_mode", false)) {
            throw c.unsupported("BatchNormalization in training mode; export the model in eval mode");
        }
        if (c.opset() < 9 && !c.at.getBool("spatial", true)) {
            throw c.unsupported("BatchNormalization with spatial=0 is not supported");
        }
        if (c.opset() < 7) {
            c.at.getBool("is_test", false);
        }
        c.at.ignore("momentum", AttributeType.FLOAT);
        double eps = c.at.getFloat("epsilon", 1e-5f);
        if (eps < 0) {
            throw c.invalid("has a negative epsilon; it must be a small non-negative float (e.g. 1e-5)");
        }
        String x = c.activation(0);
        int[] in = c.shape(0);
        if (in.length < 2) {
            throw c.unsupported("BatchNormalization needs an input with a channel axis, got " + Shapes.format(in));
        }
        int channels = in[1];
        float[] scale = perChannelParameter(c, 1, "scale", channels);
        float[] bias = perChannelParameter(c, 2, "bias", channels);
        float[] mean = perChannelParameter(c, 3, "mean", channels);
        float[] var = perChannelParameter(c, 4, "variance", channels);
        c.budget().allocate(4L * channels, c.where + ": the scale and shift of " + channels + " channels");
        float[] s = new float[channels];
        float[] t = new float[channels];
        for (int i = 0; i < channels; i++) {
            double denominator = (double) var[i] + eps;
            if (!(denominator > 0)) {
                throw c.invalid("has variance + epsilon ≤ 0 on channel " + i + " (" + c.inputLabel(4) + "), so it cannot"
                        + " be evaluated or encoded in fixed point; check the trained statistics");
            }
            double k = scale[i] / Math.sqrt(denominator);
            s[i] = (float) k;
            t[i] = (float) (bias[i] - mean[i] * k);
        }
        FloatTensor st = new FloatTensor(new int[] {channels}, s);
        FloatTensor tt = new FloatTensor(new int[] {channels}, t);
        Parameters.check(st, c.where + ": the scale computed from its statistics");
        Parameters.check(tt, c.where + ": the shift computed from its statistics");
        c.emit(new AffineLayer(c.layerName(), "BatchNormalization", x, in, c.output(), st, tt));
    }

    private static float[] perChannelParameter(Context c, int i, String role, int channels) {
        FloatTensor t = c.weight(i, role);
        if (t.size() != channels || t.rank() > 1) {
            throw c.invalid("has a " + role + " (" + c.inputLabel(i) + ") of shape " + Shapes.format(t.shape())
                    + "; it needs one value per channel, [" + channels + "]");
        }
        return t.values();
    }

    private static void dropout(Context c) {
        checkInferenceDropout(c);
        c.alias(c.output(), c.activation(0));
    }

    /** A Dropout is the identity in inference mode; its attributes and its ratio and mode inputs are checked. */
    static void checkInferenceDropout(Context c) {
        legacyInPlace(c);
        if (c.opset() < 7 && !c.at.getBool("is_test", false)) {
            throw c.unsupported("Dropout without is_test=1 (training mode); export the model in eval mode");
        }
        if (c.opset() < 12) {
            c.at.ignore("ratio", AttributeType.FLOAT);
        } else {
            c.at.ignore("seed", AttributeType.INT);
        }
        c.present(1);
        if (c.present(2) && c.constant(2, "training_mode").scalar(c.where + ": training_mode") != 0) {
            throw c.unsupported("Dropout in training mode; export the model in eval mode");
        }
        c.requireSingleOutput("the dropout mask");
    }
}
