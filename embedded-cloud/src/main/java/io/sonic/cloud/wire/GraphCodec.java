package io.sonic.cloud.wire;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
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

import java.io.IOException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public structure of a model as JSON: everything a cloud server and the dealer need to run the
 * protocols (layer kinds, tensor names, shapes, window attributes) and no weight, bias, scale or
 * shift value. The model owner sends it beside each server's binary {@link ShareCodec share}; a server
 * rebuilds from it a {@link ModelGraph} whose parameter tensors are zeros of the right shapes, which
 * is all the secure engine reads of the graph.
 *
 * <p>Format {@value #FORMAT}, UTF-8:
 * <pre>
 * {"format": "sonic-structure/1", "name", "producer", "opset", "inputName", "inputShape": [..],
 *  "outputName", "outputShape": [..],
 *  "layers": [{"kind", "name", "sourceOp", "inputs": [..], "inputShapes": [[..]], "output",
 *              "outputShape": [..], ...attributes of the kind...}]}
 * </pre>
 * Attributes per kind:
 * <ul>
 * <li>{@code matmul}: weightShape, weightOnLeft, transposeInput, biasShape (or null);</li>
 * <li>{@code conv}: weightShape, biasShape (or null), kernel, strides, dilations, pads (as applied,
 *     all begins then all ends), group;</li>
 * <li>{@code maxpool}, {@code avgpool}: kernel, strides, dilations, pads (as applied), ceilMode,
 *     countIncludePad, global;</li>
 * <li>{@code affine}: channels;</li>
 * <li>{@code bias-add}: biasShape;</li>
 * <li>{@code pad}: pads (ONNX order), value (the public pad value: a JSON number, or one of the
 *     strings "NaN", "Infinity", "-Infinity");</li>
 * <li>{@code reshape}, {@code relu}, {@code add}: nothing more.</li>
 * </ul>
 * Reading is strict: unknown fields, duplicate fields, unknown kinds and every inconsistency (a
 * stated shape that the layer's own attributes do not produce, an input that is neither the model
 * input nor an earlier layer's output) are rejected with a {@link BadPayloadException} that names the
 * layer. The writer is deterministic, so {@link #structureHash} identifies a structure.
 */
public final class GraphCodec {
    /** The format tag this codec writes and reads. */
    public static final String FORMAT = "sonic-structure/1";
    /** Largest structure accepted, in bytes. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;
    /** Most layers a structure may have. */
    public static final int MAX_LAYERS = 10_000;
    /** Highest tensor rank accepted. */
    public static final int MAX_RANK = 8;
    /** Most elements of any one tensor (activation or parameter). */
    public static final long MAX_TENSOR_ELEMENTS = 1L << 26;
    /** Most parameters (weights, biases, scales, shifts) of a whole model. */
    public static final long MAX_PARAMETERS = 1L << 26;
    /** Most entries of one convolution patch table or pooling window table. */
    public static final long MAX_TABLE_ENTRIES = 1L << 28;
    /** Bound on kernel sizes, strides, dilations and convolution or pooling pads. */
    static final int MAX_WINDOW_ATTRIBUTE = 1 << 15;

    private static final Set<String> KINDS = Set.of("matmul", "conv", "add", "bias-add", "affine", "relu",
            "maxpool", "avgpool", "reshape", "pad", "transpose", "concat");
    /** Most inputs of one concatenation. */
    static final int MAX_CONCAT_INPUTS = 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private GraphCodec() {
    }

    /** JSON bytes (UTF-8) of the model's public structure: shapes and attributes, no parameter values. */
    public static byte[] structure(ModelGraph g) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", g.name());
        root.put("producer", g.producer());
        root.put("opset", g.opset());
        root.put("inputName", g.inputName());
        root.set("inputShape", ints(g.inputShape()));
        root.put("outputName", g.outputName());
        root.set("outputShape", ints(g.outputShape()));
        ArrayNode layers = root.putArray("layers");
        for (Layer l : g.layers()) {
            layers.add(layer(l));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a model structure", e);
        }
    }

    /** Hex SHA-256 of {@link #structure}: the dealer and the servers compare it to know they speak of one model. */
    public static String structureHash(ModelGraph g) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(structure(g)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Rebuilds the public graph from {@link #structure} bytes: the same layers, names, shapes and
     * attributes, with every parameter tensor zero-filled in its shape.
     *
     * @throws BadPayloadException if the bytes are not a valid, self-consistent structure within the limits
     */
    public static ModelGraph publicGraph(byte[] json) {
        if (json == null || json.length == 0) {
            throw new BadPayloadException("the model structure is empty");
        }
        if (json.length > MAX_BYTES) {
            throw new BadPayloadException("the model structure has " + json.length + " bytes, more than the limit of "
                    + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new BadPayloadException("the model structure is not valid JSON" + where + ": "
                    + clip(firstLine(e.getOriginalMessage()), 200));
        } catch (IOException e) {
            throw new BadPayloadException("the model structure cannot be read: "
                    + clip(firstLine(e.getMessage()), 200));
        }
        if (root == null || root.isMissingNode()) {
            throw new BadPayloadException("the model structure is empty");
        }
        Fields top = new Fields(root, "the model structure");
        String format = top.text("format", false);
        if (!FORMAT.equals(format)) {
            throw new BadPayloadException("unknown model structure format " + quote(format) + "; expected "
                    + quote(FORMAT));
        }
        String name = top.text("name", true);
        String producer = top.text("producer", true);
        int opset = top.integer("opset", 0, Integer.MAX_VALUE);
        String inputName = top.name("inputName");
        int[] inputShape = top.shape("inputShape");
        String outputName = top.name("outputName");
        int[] outputShape = top.shape("outputShape");
        JsonNode layerNodes = top.get("layers", false);
        if (!layerNodes.isArray()) {
            throw new BadPayloadException("the model structure's 'layers' is not an array");
        }
        if (layerNodes.size() > MAX_LAYERS) {
            throw new BadPayloadException("the model structure has " + layerNodes.size()
                    + " layers, more than the limit of " + MAX_LAYERS);
        }
        top.finish();

        Map<String, int[]> known = new HashMap<>();
        known.put(inputName, inputShape);
        Budget budget = new Budget();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < layerNodes.size(); i++) {
            layers.add(readLayer(i, layerNodes.get(i), inputName, known, budget));
        }
        int[] produced = known.get(outputName);
        if (produced == null) {
            throw new BadPayloadException("the model output " + quote(outputName)
                    + " is neither the model input nor any layer's output");
        }
        if (!Arrays.equals(produced, outputShape)) {
            throw new BadPayloadException("the model output " + quote(outputName) + " is stated as "
                    + Shapes.format(outputShape) + ", but its layer produces " + Shapes.format(produced));
        }
        return new ModelGraph(name, producer, opset, inputName, inputShape, outputName, outputShape, layers);
    }

    // ---------------------------------------------------------------- writing

    private static ObjectNode layer(Layer l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", l.kind());
        o.put("name", l.name());
        o.put("sourceOp", l.sourceOp());
        ArrayNode inputs = o.putArray("inputs");
        ArrayNode shapes = o.putArray("inputShapes");
        for (int i = 0; i < l.inputs().size(); i++) {
            inputs.add(l.inputs().get(i));
            shapes.add(ints(l.inputShape(i)));
        }
        o.put("output", l.output());
        o.set("outputShape", ints(l.outputShape()));
        if (l instanceof MatMulLayer m) {
            o.set("weightShape", ints(m.weight().shape()));
            o.put("weightOnLeft", m.weightOnLeft());
            o.put("transposeInput", m.transposeInput());
            o.set("biasShape", m.bias() == null ? o.nullNode() : ints(m.bias().shape()));
        } else if (l instanceof ConvLayer c) {
            Windows w = c.geometry().windows();
            o.set("weightShape", ints(c.weight().shape()));
            o.set("biasShape", c.bias() == null ? o.nullNode() : ints(c.bias().shape()));
            o.set("kernel", ints(w.kernel()));
            o.set("strides", ints(w.strides()));
            o.set("dilations", ints(w.dilations()));
            o.set("pads", ints(w.pads()));
            o.put("group", c.geometry().group());
        } else if (l instanceof MaxPoolLayer p) {
            pool(o, p.geometry());
        } else if (l instanceof AvgPoolLayer p) {
            pool(o, p.geometry());
        } else if (l instanceof AffineLayer a) {
            o.put("channels", a.channels());
        } else if (l instanceof BiasAddLayer b) {
            o.set("biasShape", ints(b.bias().shape()));
        } else if (l instanceof TransposeLayer t) {
            o.set("perm", ints(t.perm()));
        } else if (l instanceof ConcatLayer cat) {
            o.put("axis", cat.axis());
        } else if (l instanceof PadLayer p) {
            o.set("pads", ints(p.pads()));
            float v = p.value();
            if (Float.isFinite(v)) {
                o.set("value", DecimalNode.valueOf(new BigDecimal(Float.toString(v))));
            } else {
                o.put("value", Float.toString(v));
            }
        }
        return o;
    }

    private static void pool(ObjectNode o, PoolGeometry g) {
        Windows w = g.windows();
        o.set("kernel", ints(w.kernel()));
        o.set("strides", ints(w.strides()));
        o.set("dilations", ints(w.dilations()));
        o.set("pads", ints(w.pads()));
        o.put("ceilMode", !g.isGlobal() && ceilMode(w));
        o.put("countIncludePad", g.countIncludePad());
        o.put("global", g.isGlobal());
    }

    /**
     * Whether explicit pads need ceil mode to give this window's output size: windows made with
     * automatic padding or floor mode come out the same from their applied pads without it.
     */
    private static boolean ceilMode(Windows w) {
        Windows floor = Windows.of(w.inputSpatial(), w.kernel(), w.strides(), w.dilations(), w.pads(), "NOTSET", false);
        if (Arrays.equals(floor.outputSpatial(), w.outputSpatial())) {
            return false;
        }
        Windows ceil = Windows.of(w.inputSpatial(), w.kernel(), w.strides(), w.dilations(), w.pads(), "NOTSET", true);
        if (!Arrays.equals(ceil.outputSpatial(), w.outputSpatial())) {
            throw new IllegalArgumentException("pooling windows with output " + Shapes.format(w.outputSpatial())
                    + " cannot be described by their pads in floor or ceil mode");
        }
        return true;
    }

    private static ArrayNode ints(int[] v) {
        ArrayNode a = JSON.createArrayNode();
        for (int x : v) {
            a.add(x);
        }
        return a;
    }

    // ---------------------------------------------------------------- reading

    private static Layer readLayer(int index, JsonNode node, String inputName, Map<String, int[]> known,
                                   Budget budget) {
        Fields f = new Fields(node, "layer " + index);
        String kind = f.text("kind", false);
        String name = f.text("name", false);
        f.where = "layer " + index + " " + quote(name);
        if (!KINDS.contains(kind)) {
            throw new BadPayloadException(f.where + " has the unknown kind " + quote(kind) + "; known kinds are "
                    + String.join(", ", new java.util.TreeSet<>(KINDS)));
        }
        f.where = "layer " + index + " (" + kind + " " + quote(name) + ")";
        String sourceOp = f.text("sourceOp", false);
        List<String> inputs = f.names("inputs");
        List<int[]> inputShapes = f.shapes("inputShapes");
        String output = f.name("output");
        int[] outputShape = f.shape("outputShape");
        int arity = kind.equals("add") ? 2 : kind.equals("concat") ? inputs.size() : 1;
        if (kind.equals("concat") && (arity < 1 || arity > MAX_CONCAT_INPUTS)) {
            throw new BadPayloadException(f.where + " lists " + arity + " inputs; a concatenation reads 1 to "
                    + MAX_CONCAT_INPUTS);
        }
        if (inputs.size() != arity || inputShapes.size() != arity) {
            throw new BadPayloadException(f.where + " lists " + inputs.size() + " inputs and " + inputShapes.size()
                    + " input shapes; " + kind + " layers read " + arity);
        }
        for (int k = 0; k < arity; k++) {
            int[] actual = known.get(inputs.get(k));
            if (actual == null) {
                throw new BadPayloadException(f.where + " reads " + quote(inputs.get(k))
                        + ", which is neither the model input nor an earlier layer's output");
            }
            if (!Arrays.equals(actual, inputShapes.get(k))) {
                throw new BadPayloadException(f.where + " states its input " + quote(inputs.get(k)) + " as "
                        + Shapes.format(inputShapes.get(k)) + ", but it has shape " + Shapes.format(actual));
            }
        }
        if (known.containsKey(output)) {
            throw new BadPayloadException(f.where + " writes " + quote(output) + ", which "
                    + (output.equals(inputName) ? "is the model input" : "an earlier layer already writes"));
        }
        Layer l;
        try {
            l = build(kind, f, name, sourceOp, inputs, inputShapes, output, budget);
        } catch (ModelException | IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
            throw new BadPayloadException(f.where + ": " + clip(e.getMessage(), 300));
        }
        f.finish();
        if (!Arrays.equals(l.outputShape(), outputShape)) {
            throw new BadPayloadException(f.where + " states its output shape as " + Shapes.format(outputShape)
                    + ", but its inputs and attributes give " + Shapes.format(l.outputShape()));
        }
        known.put(output, outputShape);
        return l;
    }

    private static Layer build(String kind, Fields f, String name, String sourceOp, List<String> inputs,
                               List<int[]> inputShapes, String output, Budget budget) {
        String x = inputs.get(0);
        int[] in = inputShapes.get(0);
        switch (kind) {
            case "matmul": {
                int[] w = f.shape("weightShape");
                boolean left = f.bool("weightOnLeft");
                boolean transposeInput = f.bool("transposeInput");
                int[] b = f.nullableShape("biasShape");
                FloatTensor weight = budget.zeros(f, w);
                MatMulLayer m = new MatMulLayer(name, sourceOp, x, in, output, weight, left, transposeInput, null);
                if (b == null) {
                    return m;
                }
                if (!Arrays.equals(Shapes.broadcast(m.outputShape(), b), m.outputShape())) {
                    throw new BadPayloadException(f.where + ": a bias of shape " + Shapes.format(b)
                            + " would change the product's shape " + Shapes.format(m.outputShape()));
                }
                return new MatMulLayer(name, sourceOp, x, in, output, weight, left, transposeInput, budget.zeros(f, b));
            }
            case "conv": {
                int[] w = f.shape("weightShape");
                int[] b = f.nullableShape("biasShape");
                int d = in.length - 2;
                if (d < 1 || w.length != in.length) {
                    throw new BadPayloadException(f.where + ": a convolution needs an input [N, C, spatial...] and"
                            + " weights of the same rank, got " + Shapes.format(in) + " and " + Shapes.format(w));
                }
                int[] kernel = f.ints("kernel", d, 1, MAX_WINDOW_ATTRIBUTE);
                int[] strides = f.ints("strides", d, 1, MAX_WINDOW_ATTRIBUTE);
                int[] dilations = f.ints("dilations", d, 1, MAX_WINDOW_ATTRIBUTE);
                int[] pads = f.ints("pads", 2 * d, -MAX_WINDOW_ATTRIBUTE, MAX_WINDOW_ATTRIBUTE);
                int group = f.integer("group", 1, Integer.MAX_VALUE);
                if (!Arrays.equals(kernel, Arrays.copyOfRange(w, 2, w.length))) {
                    throw new BadPayloadException(f.where + ": kernel " + Shapes.format(kernel)
                            + " does not match the weight shape " + Shapes.format(w));
                }
                Windows windows = Windows.of(spatial(in), kernel, strides, dilations, pads, "NOTSET", false);
                ConvGeometry g = new ConvGeometry(in, w, windows, group);
                checkTable(f, (long) g.outputPositions() * g.patchLength());
                if (b != null && !(b.length == 1 && b[0] == g.outChannels())) {
                    throw new BadPayloadException(f.where + ": the bias has shape " + Shapes.format(b) + ", expected ["
                            + g.outChannels() + "] (one value per output channel)");
                }
                FloatTensor bias = b == null ? null : budget.zeros(f, b);
                return new ConvLayer(name, sourceOp, x, output, budget.zeros(f, w), bias, g);
            }
            case "maxpool":
            case "avgpool": {
                if (in.length < 3) {
                    throw new BadPayloadException(f.where + ": pooling needs an input [N, C, spatial...], got "
                            + Shapes.format(in));
                }
                int d = in.length - 2;
                int[] kernel = f.ints("kernel", d, 1, MAX_WINDOW_ATTRIBUTE);
                int[] strides = f.ints("strides", d, 1, MAX_WINDOW_ATTRIBUTE);
                int[] dilations = f.ints("dilations", d, 1, MAX_WINDOW_ATTRIBUTE);
                int[] pads = f.ints("pads", 2 * d, -MAX_WINDOW_ATTRIBUTE, MAX_WINDOW_ATTRIBUTE);
                boolean ceilMode = f.bool("ceilMode");
                boolean countIncludePad = f.bool("countIncludePad");
                boolean global = f.bool("global");
                PoolGeometry g;
                if (global) {
                    g = PoolGeometry.global(in);
                    Windows w = g.windows();
                    if (!Arrays.equals(kernel, w.kernel()) || !Arrays.equals(strides, w.strides())
                            || !Arrays.equals(dilations, w.dilations()) || !Arrays.equals(pads, w.pads()) || ceilMode
                            || countIncludePad) {
                        throw new BadPayloadException(f.where + ": a global pooling has kernel "
                                + Shapes.format(w.kernel()) + " (the input's spatial shape), unit strides and"
                                + " dilations, no padding, no ceil mode and does not count padding");
                    }
                } else {
                    Windows w = Windows.of(spatial(in), kernel, strides, dilations, pads, "NOTSET", ceilMode);
                    g = new PoolGeometry(in, w, countIncludePad, false);
                }
                checkTable(f, (long) g.outputPlane() * g.taps());
                if (kind.equals("maxpool")) {
                    return new MaxPoolLayer(name, sourceOp, x, output, g);
                }
                g.divisors(); // rejects windows that lie entirely on padding
                return new AvgPoolLayer(name, sourceOp, x, output, g);
            }
            case "affine": {
                int channels = f.integer("channels", 1, Integer.MAX_VALUE);
                return new AffineLayer(name, sourceOp, x, in, output, budget.zeros(f, channels),
                        budget.zeros(f, channels));
            }
            case "bias-add":
                return new BiasAddLayer(name, sourceOp, x, in, output, budget.zeros(f, f.shape("biasShape")));
            case "pad": {
                int[] pads = f.ints("pads", 2 * in.length, -(int) MAX_TENSOR_ELEMENTS, (int) MAX_TENSOR_ELEMENTS);
                return new PadLayer(name, sourceOp, x, in, output, pads, f.floatValue("value"));
            }
            case "concat":
                return new ConcatLayer(name, sourceOp, inputs, inputShapes, output, f.integer("axis", 0, in.length - 1));
            case "transpose": {
                int[] perm = f.ints("perm", in.length, 0, in.length - 1);
                String problem = TransposeLayer.problem(perm, in.length);
                if (problem != null) {
                    throw new BadPayloadException(f.where + ": " + problem + " of its input " + Shapes.format(in));
                }
                return new TransposeLayer(name, sourceOp, x, in, output, perm);
            }
            case "reshape": {
                int[] target = f.shape("outputShape");
                if (Shapes.size(target) != Shapes.size(in)) {
                    throw new BadPayloadException(f.where + ": a reshape keeps the number of values, but "
                            + Shapes.format(in) + " has " + Shapes.size(in) + " and " + Shapes.format(target) + " has "
                            + Shapes.size(target));
                }
                return new ReshapeLayer(name, sourceOp, x, in, output, target);
            }
            case "relu":
                return new ReluLayer(name, sourceOp, x, in, output);
            case "add":
                return new AddLayer(name, sourceOp, x, in, inputs.get(1), inputShapes.get(1), output);
            default:
                throw new IllegalStateException("kind " + kind);
        }
    }

    private static int[] spatial(int[] in) {
        return Arrays.copyOfRange(in, 2, in.length);
    }

    private static void checkTable(Fields f, long entries) {
        if (entries > MAX_TABLE_ENTRIES) {
            throw new BadPayloadException(f.where + ": its window table would have " + entries
                    + " entries, more than the limit of " + MAX_TABLE_ENTRIES);
        }
    }

    /** Counts the zero-filled parameters of one structure against {@link #MAX_PARAMETERS}. */
    private static final class Budget {
        private long parameters;

        FloatTensor zeros(Fields f, int... shape) {
            long n = 1;
            for (int d : shape) {
                if (d <= 0) {
                    throw new BadPayloadException(f.where + ": parameter shape " + Shapes.format(shape)
                            + " has a dimension that is not positive");
                }
                n *= d;
                if (n > MAX_TENSOR_ELEMENTS) {
                    throw new BadPayloadException(f.where + ": parameter shape " + Shapes.format(shape)
                            + " has more than " + MAX_TENSOR_ELEMENTS + " values");
                }
            }
            parameters += n;
            if (parameters > MAX_PARAMETERS) {
                throw new BadPayloadException(f.where + ": the model structure has more than " + MAX_PARAMETERS
                        + " parameters up to here");
            }
            return FloatTensor.zeros(shape);
        }
    }

    /** The fields of one JSON object, read with checks; remembers which were read to reject the rest. */
    private static final class Fields {
        private final JsonNode node;
        private final Set<String> read = new HashSet<>();
        String where;

        Fields(JsonNode node, String where) {
            this.where = where;
            if (node == null || !node.isObject()) {
                throw new BadPayloadException(where + " is not a JSON object");
            }
            this.node = node;
        }

        JsonNode get(String field, boolean nullable) {
            read.add(field);
            JsonNode v = node.get(field);
            if (v == null) {
                throw new BadPayloadException(where + " lacks the field '" + field + "'");
            }
            if (v.isNull() && !nullable) {
                throw new BadPayloadException(where + ": '" + field + "' must not be null");
            }
            return v;
        }

        String text(String field, boolean nullable) {
            JsonNode v = get(field, nullable);
            if (v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw new BadPayloadException(where + ": '" + field + "' must be a string");
            }
            return v.textValue();
        }

        /** A tensor name: a non-empty string. */
        String name(String field) {
            String s = text(field, false);
            if (s.isEmpty()) {
                throw new BadPayloadException(where + ": '" + field + "' must not be empty");
            }
            return s;
        }

        List<String> names(String field) {
            JsonNode v = get(field, false);
            if (!v.isArray()) {
                throw new BadPayloadException(where + ": '" + field + "' must be an array of tensor names");
            }
            List<String> r = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual() || e.textValue().isEmpty()) {
                    throw new BadPayloadException(where + ": '" + field + "' must be an array of tensor names");
                }
                r.add(e.textValue());
            }
            return r;
        }

        boolean bool(String field) {
            JsonNode v = get(field, false);
            if (!v.isBoolean()) {
                throw new BadPayloadException(where + ": '" + field + "' must be true or false");
            }
            return v.booleanValue();
        }

        int integer(String field, int min, int max) {
            return integer(get(field, false), "'" + field + "'", min, max);
        }

        private int integer(JsonNode v, String what, int min, int max) {
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
                throw new BadPayloadException(where + ": " + what + " must be an integer from " + min + " to " + max);
            }
            return v.intValue();
        }

        int[] ints(String field, int length, int min, int max) {
            JsonNode v = get(field, false);
            if (!v.isArray()) {
                throw new BadPayloadException(where + ": '" + field + "' must be an array of integers");
            }
            if (v.size() != length) {
                throw new BadPayloadException(where + ": '" + field + "' has " + v.size() + " values, expected "
                        + length);
            }
            int[] r = new int[length];
            for (int i = 0; i < length; i++) {
                r[i] = integer(v.get(i), "every value of '" + field + "'", min, max);
            }
            return r;
        }

        int[] shape(String field) {
            return shapeOf(get(field, false), "'" + field + "'");
        }

        int[] nullableShape(String field) {
            JsonNode v = get(field, true);
            return v.isNull() ? null : shapeOf(v, "'" + field + "'");
        }

        List<int[]> shapes(String field) {
            JsonNode v = get(field, false);
            if (!v.isArray()) {
                throw new BadPayloadException(where + ": '" + field + "' must be an array of shapes");
            }
            List<int[]> r = new ArrayList<>();
            for (JsonNode e : v) {
                r.add(shapeOf(e, "every entry of '" + field + "'"));
            }
            return r;
        }

        private int[] shapeOf(JsonNode v, String what) {
            if (!v.isArray() || v.size() > MAX_RANK) {
                throw notAShape(what);
            }
            int[] r = new int[v.size()];
            long n = 1;
            for (int i = 0; i < r.length; i++) {
                JsonNode d = v.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 1) {
                    throw notAShape(what);
                }
                r[i] = d.intValue();
                n *= r[i];
                if (n > MAX_TENSOR_ELEMENTS) {
                    throw new BadPayloadException(where + ": " + what + " describes a tensor of more than "
                            + MAX_TENSOR_ELEMENTS + " values");
                }
            }
            return r;
        }

        private BadPayloadException notAShape(String what) {
            return new BadPayloadException(where + ": " + what + " must be a shape: an array of at most " + MAX_RANK
                    + " positive integers");
        }

        float floatValue(String field) {
            JsonNode v = get(field, false);
            if (v.isTextual()) {
                switch (v.textValue()) {
                    case "NaN":
                        return Float.NaN;
                    case "Infinity":
                        return Float.POSITIVE_INFINITY;
                    case "-Infinity":
                        return Float.NEGATIVE_INFINITY;
                    default:
                        break;
                }
            }
            if (!v.isNumber()) {
                throw new BadPayloadException(where + ": '" + field
                        + "' must be a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
            }
            float x = Float.parseFloat(v.decimalValue().toString());
            if (Float.isInfinite(x)) {
                throw new BadPayloadException(where + ": '" + field + "' is out of the float range");
            }
            return x;
        }

        /** Rejects every field that was not read. */
        void finish() {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!read.contains(field)) {
                    throw new BadPayloadException(where + " has the unknown field " + quote(field));
                }
            }
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + clip(s, 80) + "'";
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
