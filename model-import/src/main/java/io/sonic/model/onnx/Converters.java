package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.Shapes;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.geometry.Windows;
import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.layer.ReshapeLayer;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The op registry: ONNX op type to a converter that checks attributes and emits a layer. */
final class Converters {

    @FunctionalInterface
    interface Converter {
        void convert(Context c);
    }

    /** What a converter sees of one node. */
    static final class Context {
        private final OnnxImporter.Builder builder;
        final NodeProto node;
        final List<String> inputs;
        final String where;
        final String layerName;
        final Attributes at;

        Context(OnnxImporter.Builder builder, NodeProto node, List<String> inputs, String where, String layerName) {
            this.builder = builder;
            this.node = node;
            this.inputs = inputs;
            this.where = where;
            this.layerName = layerName;
            this.at = new Attributes(node, where);
        }

        int opset() {
            return builder.opset();
        }

        String op() {
            return node.getOpType();
        }

        boolean present(int i) {
            return i < inputs.size() && inputs.get(i) != null;
        }

        boolean isConst(int i) {
            return present(i) && builder.isConst(inputs.get(i));
        }

        Const constant(int i) {
            return builder.constant(inputs.get(i));
        }

        FloatTensor weight(int i, String role) {
            if (!isConst(i)) {
                throw new UnsupportedModelException(where + ": its " + role + " must be a constant (a trained weight), but it is"
                        + " computed from the model input; Sonic supports products of the input with constant weights");
            }
            return constant(i).toFloatTensor();
        }

        /** Name of a dynamic (input-dependent) operand; throws if it is a constant. */
        String activation(int i) {
            if (!present(i)) {
                throw new ModelException(where + " is missing its input " + i);
            }
            if (isConst(i)) {
                throw new UnsupportedModelException(where + ": operand " + i + " is a constant where Sonic expects values"
                        + " computed from the model input");
            }
            return inputs.get(i);
        }

        int[] shape(int i) {
            return builder.shape(inputs.get(i));
        }

        String output() {
            if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
                throw new ModelException(where + " has no output");
            }
            return node.getOutput(0);
        }

        void requireSingleOutput(String why) {
            for (int i = 1; i < node.getOutputCount(); i++) {
                if (!node.getOutput(i).isEmpty()) {
                    throw new UnsupportedModelException(where + " asks for its output '" + node.getOutput(i) + "' ("
                            + why + "), which Sonic does not compute; export the model for inference only");
                }
            }
        }

        void emit(io.sonic.model.layer.Layer layer) {
            builder.emit(layer);
        }

        void alias(String output, String input) {
            builder.alias(output, input);
        }

        /** The model asks for something Sonic does not implement. */
        ModelException unsupported(String what) {
            return new UnsupportedModelException(where + ": " + what);
        }

        /** The model is inconsistent. */
        ModelException invalid(String what) {
            return new ModelException(where + ": " + what);
        }
    }

    private static final Map<String, Converter> REGISTRY = new TreeMap<>();

    static {
        REGISTRY.put("Gemm", Converters::gemm);
        REGISTRY.put("MatMul", Converters::matmul);
        REGISTRY.put("Add", Converters::add);
        REGISTRY.put("Conv", Converters::conv);
        REGISTRY.put("Relu", c -> c.emit(new ReluLayer(c.layerName, "Relu", c.activation(0), c.shape(0), c.output())));
        REGISTRY.put("MaxPool", Converters::maxPool);
        REGISTRY.put("AveragePool", Converters::averagePool);
        REGISTRY.put("GlobalAveragePool", c -> c.emit(new AvgPoolLayer(c.layerName, "GlobalAveragePool",
                c.activation(0), c.output(), PoolGeometry.global(c.shape(0)))));
        REGISTRY.put("GlobalMaxPool", c -> c.emit(new MaxPoolLayer(c.layerName, "GlobalMaxPool",
                c.activation(0), c.output(), PoolGeometry.global(c.shape(0)))));
        REGISTRY.put("Flatten", Converters::flatten);
        REGISTRY.put("Reshape", Converters::reshape);
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
        return "Sonic supports: " + String.join(", ", OnnxImporter.supportedOps())
                + "; on constant inputs (weight preprocessing) also: " + String.join(", ", OnnxImporter.foldableOps())
                + ".";
    }

    private static void gemm(Context c) {
        float alpha = c.at.getFloat("alpha", 1f);
        float beta = c.at.getFloat("beta", 1f);
        boolean transA = c.at.getInt("transA", 0) != 0;
        boolean transB = c.at.getInt("transB", 0) != 0;
        boolean weightOnLeft;
        FloatTensor w;
        String x;
        boolean transX;
        if (c.isConst(1) && !c.isConst(0)) {
            x = c.activation(0);
            transX = transA;
            w = scaled(materialize(c.weight(1, "B operand"), transB), alpha);
            weightOnLeft = false;
        } else if (c.isConst(0) && !c.isConst(1)) {
            x = c.activation(1);
            transX = transB;
            w = scaled(materialize(c.weight(0, "A operand"), transA), alpha);
            weightOnLeft = true;
        } else {
            throw c.unsupported("Gemm of two values computed from the input is not supported; one operand must be a"
                    + " constant weight matrix");
        }
        if (c.shape(weightOnLeft ? 1 : 0).length != 2 || w.rank() != 2) {
            throw c.unsupported("Gemm needs 2-D operands, got " + Shapes.format(c.shape(weightOnLeft ? 1 : 0))
                    + " and " + Shapes.format(w.shape()));
        }
        FloatTensor bias = null;
        if (c.present(2)) {
            bias = scaled(c.weight(2, "C (bias) operand"), beta);
        }
        MatMulLayer layer = new MatMulLayer(c.layerName, "Gemm", x, c.shape(weightOnLeft ? 1 : 0), c.output(), w,
                weightOnLeft, transX, null);
        if (bias != null) {
            checkBias(c, layer.outputShape(), bias);
            layer = layer.with("Gemm", c.output(), w, bias);
        }
        c.emit(layer);
    }

    private static void checkBias(Context c, int[] outShape, FloatTensor bias) {
        int[] b = Shapes.broadcast(outShape, bias.shape());
        if (!Arrays.equals(b, outShape)) {
            throw c.invalid("bias of shape " + Shapes.format(bias.shape()) + " would change the output shape "
                    + Shapes.format(outShape));
        }
    }

    private static FloatTensor materialize(FloatTensor t, boolean transpose) {
        if (!transpose) {
            return t;
        }
        return ConstantFolder.transpose(Const.ofFloats(t), null).toFloatTensor();
    }

    private static FloatTensor scaled(FloatTensor t, float k) {
        if (k == 1f) {
            return t;
        }
        float[] v = t.values();
        for (int i = 0; i < v.length; i++) {
            v[i] *= k;
        }
        return new FloatTensor(t.shape(), v);
    }

    private static void matmul(Context c) {
        if (c.isConst(1) && !c.isConst(0)) {
            c.emit(new MatMulLayer(c.layerName, "MatMul", c.activation(0), c.shape(0), c.output(),
                    c.weight(1, "right operand"), false, false, null));
        } else if (c.isConst(0) && !c.isConst(1)) {
            c.emit(new MatMulLayer(c.layerName, "MatMul", c.activation(1), c.shape(1), c.output(),
                    c.weight(0, "left operand"), true, false, null));
        } else {
            throw c.unsupported("MatMul of two values computed from the input is not supported; one operand must be"
                    + " a constant weight");
        }
    }

    private static void add(Context c) {
        if (c.opset() < 7 && c.at.has("axis")) {
            throw c.unsupported("Add with the legacy 'axis' broadcast of opsets before 7; re-export with opset 7 or later");
        }
        if (c.isConst(0) && !c.isConst(1)) {
            c.emit(new BiasAddLayer(c.layerName, "Add", c.activation(1), c.shape(1), c.output(), c.weight(0, "addend")));
        } else if (c.isConst(1)) {
            c.emit(new BiasAddLayer(c.layerName, "Add", c.activation(0), c.shape(0), c.output(), c.weight(1, "addend")));
        } else {
            c.emit(new AddLayer(c.layerName, "Add", c.activation(0), c.shape(0), c.activation(1), c.shape(1),
                    c.output()));
        }
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
        int[] declared = c.at.getInts("kernel_shape", null);
        if (declared != null && !Arrays.equals(declared, kernel)) {
            throw c.invalid("kernel_shape " + Shapes.format(declared) + " does not match the weights "
                    + Shapes.format(w.shape()));
        }
        Windows windows = windows(c, in, kernel, false);
        ConvGeometry g = new ConvGeometry(in, w.shape(), windows, (int) c.at.getInt("group", 1));
        FloatTensor bias = null;
        if (c.present(2)) {
            bias = c.weight(2, "bias");
            if (bias.size() != g.outChannels()) {
                throw c.invalid("bias has " + bias.size() + " values for " + g.outChannels() + " output channels");
            }
            bias = bias.reshape(g.outChannels());
        }
        c.emit(new ConvLayer(c.layerName, "Conv", x, c.output(), w, bias, g));
    }

    private static Windows windows(Context c, int[] in, int[] kernel, boolean pooling) {
        int d = kernel.length;
        int[] spatial = Arrays.copyOfRange(in, 2, in.length);
        int[] ones = new int[d];
        Arrays.fill(ones, 1);
        int[] strides = c.at.getInts("strides", ones);
        int[] dilations = c.at.getInts("dilations", ones);
        int[] pads = c.at.getInts("pads", new int[2 * d]);
        String autoPad = c.at.getString("auto_pad", "NOTSET");
        boolean ceil = pooling && c.at.getInt("ceil_mode", 0) != 0;
        if (strides.length != d || dilations.length != d || pads.length != 2 * d) {
            throw c.invalid("strides " + Shapes.format(strides) + ", dilations " + Shapes.format(dilations)
                    + " or pads " + Shapes.format(pads) + " do not match a " + d + "-D kernel");
        }
        try {
            return Windows.of(spatial, kernel, strides, dilations, pads, autoPad, ceil);
        } catch (ModelException e) {
            throw c.invalid(e.getMessage());
        }
    }

    private static int[] poolKernel(Context c) {
        int[] kernel = c.at.getInts("kernel_shape", null);
        if (kernel == null) {
            throw c.invalid("missing the required attribute kernel_shape");
        }
        if (kernel.length != c.shape(0).length - 2) {
            throw c.invalid("kernel_shape " + Shapes.format(kernel) + " does not fit input "
                    + Shapes.format(c.shape(0)));
        }
        return kernel;
    }

    private static void maxPool(Context c) {
        c.requireSingleOutput("the indices of the maxima");
        int[] in = c.shape(0);
        Windows w = windows(c, in, poolKernel(c), true);
        c.emit(new MaxPoolLayer(c.layerName, "MaxPool", c.activation(0), c.output(),
                new PoolGeometry(in, w, false, false)));
    }

    private static void averagePool(Context c) {
        int[] in = c.shape(0);
        Windows w = windows(c, in, poolKernel(c), true);
        boolean includePad = c.at.getInt("count_include_pad", 0) != 0;
        c.emit(new AvgPoolLayer(c.layerName, "AveragePool", c.activation(0), c.output(),
                new PoolGeometry(in, w, includePad, false)));
    }

    private static void flatten(Context c) {
        int[] in = c.shape(0);
        int[] out = ConstantFolder.flattenShape(in, (int) c.at.getInt("axis", 1), c.where);
        c.emit(new ReshapeLayer(c.layerName, "Flatten", c.activation(0), in, c.output(), out));
    }

    private static void reshape(Context c) {
        int[] in = c.shape(0);
        int[] target;
        if (c.opset() < 5) {
            target = c.at.getInts("shape", null);
        } else {
            if (!c.isConst(1)) {
                throw c.unsupported("Reshape's target shape is computed from the input at run time; Sonic needs a"
                        + " constant target shape");
            }
            target = c.constant(1).toInts(c.where + " shape");
        }
        int[] out = ConstantFolder.reshapeTarget(in, target, c.at.getInt("allowzero", 0) != 0, c.where);
        c.emit(new ReshapeLayer(c.layerName, "Reshape", c.activation(0), in, c.output(), out));
    }

    private static void pad(Context c) {
        String mode = c.at.getString("mode", "constant");
        if (!mode.equals("constant")) {
            throw c.unsupported("Pad mode '" + mode + "'; Sonic supports constant padding");
        }
        int[] in = c.shape(0);
        int[] pads;
        float value;
        if (c.opset() < 11) {
            pads = c.at.getInts(c.opset() < 2 ? "paddings" : "pads", null);
            value = c.at.getFloat("value", 0f);
        } else {
            if (!c.isConst(1) || (c.present(2) && !c.isConst(2)) || (c.present(3) && !c.isConst(3))) {
                throw c.unsupported("Pad with pads, value or axes computed at run time; Sonic needs constants");
            }
            pads = c.constant(1).toInts(c.where + " pads");
            value = c.present(2) ? (float) c.constant(2).values()[0] : 0f;
            if (c.present(3)) {
                int[] axes = c.constant(3).toInts(c.where + " axes");
                int[] full = new int[2 * in.length];
                for (int i = 0; i < axes.length; i++) {
                    int ax = axes[i] < 0 ? axes[i] + in.length : axes[i];
                    full[ax] = pads[i];
                    full[ax + in.length] = pads[i + axes.length];
                }
                pads = full;
            }
        }
        if (pads == null || pads.length != 2 * in.length) {
            throw c.invalid("pads " + (pads == null ? "missing" : Shapes.format(pads)) + " do not match input "
                    + Shapes.format(in));
        }
        if (Arrays.stream(pads).allMatch(p -> p == 0)) {
            c.alias(c.output(), c.activation(0));
            return;
        }
        c.emit(new PadLayer(c.layerName, "Pad", c.activation(0), in, c.output(), pads, value));
    }

    private static void squeeze(Context c) {
        int[] in = c.shape(0);
        int[] axes = c.opset() < 13 ? c.at.getInts("axes", null) : c.isConst(1) ? c.constant(1).toInts(c.where) : null;
        if (c.opset() >= 13 && c.present(1) && !c.isConst(1)) {
            throw c.unsupported("Squeeze axes computed at run time; Sonic needs constant axes");
        }
        c.emit(new ReshapeLayer(c.layerName, "Squeeze", c.activation(0), in, c.output(),
                ConstantFolder.squeeze(in, axes, c.where)));
    }

    private static void unsqueeze(Context c) {
        int[] in = c.shape(0);
        if (c.opset() >= 13 && !c.isConst(1)) {
            throw c.unsupported("Unsqueeze axes computed at run time; Sonic needs constant axes");
        }
        int[] axes = c.opset() < 13 ? c.at.getInts("axes", null) : c.constant(1).toInts(c.where);
        c.emit(new ReshapeLayer(c.layerName, "Unsqueeze", c.activation(0), in, c.output(),
                ConstantFolder.unsqueeze(in, axes, c.where)));
    }

    private static void batchNorm(Context c) {
        c.requireSingleOutput("running statistics of training mode");
        if (c.at.getInt("training_mode", 0) != 0) {
            throw c.unsupported("BatchNormalization in training mode; export the model in eval mode");
        }
        if (c.at.getInt("spatial", 1) == 0) {
            throw c.unsupported("BatchNormalization with spatial=0 is not supported");
        }
        int[] in = c.shape(0);
        if (in.length < 2) {
            throw c.unsupported("BatchNormalization needs an input with a channel axis, got " + Shapes.format(in));
        }
        int channels = in[1];
        float[] scale = c.weight(1, "scale").values();
        float[] bias = c.weight(2, "bias").values();
        float[] mean = c.weight(3, "mean").values();
        float[] var = c.weight(4, "variance").values();
        if (scale.length != channels || bias.length != channels || mean.length != channels || var.length != channels) {
            throw c.invalid("BatchNormalization parameters do not have one value per channel (" + channels + ")");
        }
        double eps = c.at.getFloat("epsilon", 1e-5f);
        float[] s = new float[channels];
        float[] t = new float[channels];
        for (int i = 0; i < channels; i++) {
            double k = scale[i] / Math.sqrt((double) var[i] + eps);
            s[i] = (float) k;
            t[i] = (float) (bias[i] - mean[i] * k);
        }
        c.emit(new AffineLayer(c.layerName, "BatchNormalization", c.activation(0), in, c.output(),
                new FloatTensor(new int[] {channels}, s), new FloatTensor(new int[] {channels}, t)));
    }

    private static void dropout(Context c) {
        if (c.present(2) && (!c.isConst(2) || c.constant(2).values()[0] != 0)) {
            throw c.unsupported("Dropout in training mode; export the model in eval mode");
        }
        if (c.opset() < 7 && c.at.getInt("is_test", 0) == 0) {
            throw c.unsupported("Dropout without is_test=1 (training mode); export the model in eval mode");
        }
        if (c.node.getOutputCount() > 1 && !c.node.getOutput(1).isEmpty()) {
            c.requireSingleOutput("the dropout mask");
        }
        c.alias(c.output(), c.activation(0));
    }
}
