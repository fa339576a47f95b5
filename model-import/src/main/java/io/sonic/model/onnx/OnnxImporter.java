package io.sonic.model.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.layer.Layer;
import io.sonic.model.onnx.proto.OnnxProto.GraphProto;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorShapeProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an ONNX model (pure Java, protobuf with ONNX's schema) into a {@link ModelGraph}: constants
 * folded, BatchNormalization and biases folded into the layer before them where possible, Identity
 * and Dropout removed, every shape static. Every failure is a {@link ModelException} whose message
 * names the problem, the node and what to do.
 */
public final class OnnxImporter {
    public static final int MIN_OPSET = 1;
    public static final int MAX_OPSET = 21;
    private static final long MAX_FILE_BYTES = 2L * 1024 * 1024 * 1024 - 1;

    /**
     * @param boundInputs graph inputs to treat as constants (their values given here), e.g. the
     *                    weights that ONNX's operator tests pass as inputs
     */
    public record Options(Map<String, FloatTensor> boundInputs) {
        public static final Options DEFAULT = new Options(Map.of());

        public Options {
            boundInputs = Map.copyOf(boundInputs);
        }
    }

    private OnnxImporter() {
    }

    public static ModelGraph read(Path file) {
        return read(file, Options.DEFAULT);
    }

    public static ModelGraph read(Path file, Options options) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ModelException(file + " is a directory, not an ONNX model file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ModelException(file + " is larger than 2 GiB, the limit of an ONNX file without external data");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException("model file not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage());
        }
        return read(bytes, file.getFileName().toString(), options);
    }

    public static ModelGraph read(byte[] bytes, String sourceName, Options options) {
        ModelProto model = parse(bytes, sourceName);
        return new Builder(model, sourceName, options).build();
    }

    private static ModelProto parse(byte[] bytes, String sourceName) {
        if (bytes.length == 0) {
            throw new ModelException(sourceName + " is empty, not an ONNX model");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("ended unexpectedly") || m.contains("truncated")) {
                throw new ModelException(sourceName + " is truncated: the ONNX data ends in the middle of a record"
                        + " (was the download or copy interrupted?); obtain the complete file");
            }
            throw new ModelException(sourceName + " is not an ONNX model (it does not parse as an ONNX protobuf"
                    + " ModelProto); export the model to .onnx and try again");
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0) {
            boolean looksLikeModel = model.hasGraph() || model.getIrVersion() > 0;
            throw new ModelException(sourceName + (looksLikeModel
                    ? " is incomplete: an ONNX model needs an IR version, an opset and a graph; the file may be"
                    + " truncated or damaged"
                    : " is not an ONNX model (no ONNX graph found in it); export the model to .onnx and try again"));
        }
        return model;
    }

    /** Per-model import state. */
    static final class Builder {
        private final ModelProto model;
        private final GraphProto graph;
        private final String sourceName;
        private final Options options;
        private final int opset;
        private final Map<String, Const> consts = new HashMap<>();
        private final Map<String, int[]> shapes = new HashMap<>();
        private final Map<String, String> aliases = new HashMap<>();
        private final List<Layer> layers = new ArrayList<>();
        private final Set<String> layerNames = new HashSet<>();

        Builder(ModelProto model, String sourceName, Options options) {
            this.model = model;
            this.graph = model.getGraph();
            this.sourceName = sourceName;
            this.options = options;
            this.opset = defaultOpset(model, sourceName);
        }

        private static int defaultOpset(ModelProto model, String sourceName) {
            int found = -1;
            for (OperatorSetIdProto o : model.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    found = (int) o.getVersion();
                }
            }
            if (found < 0) {
                throw new UnsupportedModelException(sourceName + " imports no version of the standard ONNX operator set");
            }
            if (found < MIN_OPSET || found > MAX_OPSET) {
                throw new UnsupportedModelException(sourceName + " uses ONNX opset " + found + "; Sonic reads opsets " + MIN_OPSET
                        + " to " + MAX_OPSET + ". Re-export the model with an opset in that range (for PyTorch:"
                        + " torch.onnx.export(..., opset_version=13))");
            }
            return found;
        }

        ModelGraph build() {
            for (TensorProto t : graph.getInitializerList()) {
                consts.put(t.getName(), Const.fromProto(t, "initializer '" + t.getName() + "'"));
            }
            String input = chooseInput();
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto node = graph.getNode(i);
                String where = "node '" + nodeName(node, i) + "' (" + node.getOpType() + ")";
                String domain = node.getDomain();
                if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                    throw new UnsupportedModelException("unsupported operator '" + domain + "." + node.getOpType() + "' in "
                            + where + ": only the standard ONNX domain is read. " + Converters.supportedList());
                }
                convert(node, i, where);
            }
            String output = chooseOutput();
            List<Layer> optimized = Rewrites.apply(layers, output);
            int[] inputShape = shapes.get(input);
            String name = sourceName.endsWith(".onnx") ? sourceName.substring(0, sourceName.length() - 5) : sourceName;
            return new ModelGraph(name,
                    model.getProducerName() + (model.getProducerVersion().isEmpty() ? "" : " " + model.getProducerVersion()),
                    opset, input, inputShape, output, shapes.get(output), optimized);
        }

        private String nodeName(NodeProto node, int index) {
            return node.getName().isEmpty() ? node.getOpType() + "_" + index : node.getName();
        }

        private String chooseInput() {
            List<String> dynamic = new ArrayList<>();
            for (ValueInfoProto v : graph.getInputList()) {
                String name = v.getName();
                if (consts.containsKey(name)) {
                    continue;
                }
                FloatTensor bound = options.boundInputs().get(name);
                if (bound != null) {
                    consts.put(name, Const.ofFloats(bound));
                    continue;
                }
                dynamic.add(name);
            }
            if (dynamic.size() != 1) {
                throw new UnsupportedModelException(sourceName + " has " + (dynamic.isEmpty() ? "no input"
                        : dynamic.size() + " inputs " + dynamic) + "; Sonic needs a model with exactly one input"
                        + " tensor (the user's private data). Export the model with a single input.");
            }
            String name = dynamic.get(0);
            ValueInfoProto v = graph.getInputList().stream().filter(x -> x.getName().equals(name)).findFirst()
                    .orElseThrow();
            shapes.put(name, staticShape(v));
            return name;
        }

        private int[] staticShape(ValueInfoProto v) {
            String what = "input '" + v.getName() + "'";
            if (!v.getType().hasTensorType()) {
                throw new UnsupportedModelException(what + " is not a tensor; Sonic needs one float tensor input");
            }
            int elem = v.getType().getTensorType().getElemType();
            if (elem != TensorProto.DataType.FLOAT_VALUE && elem != TensorProto.DataType.DOUBLE_VALUE
                    && elem != TensorProto.DataType.FLOAT16_VALUE) {
                TensorProto.DataType dt = TensorProto.DataType.forNumber(elem);
                throw new UnsupportedModelException(what + " has element type " + (dt == null ? elem : dt.name())
                        + "; Sonic needs a floating-point input");
            }
            if (!v.getType().getTensorType().hasShape()) {
                throw new UnsupportedModelException(what + " has no declared shape, so its shape cannot be made static;"
                        + " re-export the model with a fixed input shape");
            }
            TensorShapeProto s = v.getType().getTensorType().getShape();
            int[] shape = new int[s.getDimCount()];
            for (int i = 0; i < shape.length; i++) {
                TensorShapeProto.Dimension d = s.getDim(i);
                if (d.hasDimValue() && d.getDimValue() >= 0) {
                    shape[i] = (int) d.getDimValue();
                } else if (i == 0 && shape.length > 1) {
                    shape[i] = 1;
                } else {
                    String label = d.hasDimParam() ? "'" + d.getDimParam() + "'" : "unknown";
                    throw new UnsupportedModelException(what + " has a " + label + " size on axis " + i
                            + ", so its shape cannot be made static (only the leading batch axis may vary, and Sonic"
                            + " runs it with batch 1); re-export the model with a fixed input shape");
                }
            }
            return shape;
        }

        private String chooseOutput() {
            if (graph.getOutputCount() != 1) {
                List<String> names = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
                throw new UnsupportedModelException(sourceName + " has " + (names.isEmpty() ? "no output" : names.size()
                        + " outputs " + names) + "; Sonic needs a model with exactly one output tensor");
            }
            String name = resolve(graph.getOutput(0).getName());
            if (consts.containsKey(name)) {
                throw new UnsupportedModelException("output '" + name + "' does not depend on the input values (the model"
                        + " computes a constant); there is nothing to compute securely");
            }
            if (!shapes.containsKey(name)) {
                throw new ModelException("output '" + name + "' is not computed by any node; the file may be"
                        + " truncated or damaged");
            }
            return name;
        }

        String resolve(String name) {
            String n = name;
            while (aliases.containsKey(n)) {
                n = aliases.get(n);
            }
            return n;
        }

        private void convert(NodeProto node, int index, String where) {
            String op = node.getOpType();
            if (op.equals("Constant")) {
                consts.put(node.getOutput(0), constantValue(node, where));
                return;
            }
            List<String> in = new ArrayList<>();
            boolean allConst = true;
            boolean anyInput = false;
            for (String raw : node.getInputList()) {
                if (raw.isEmpty()) {
                    in.add(null);
                    continue;
                }
                String name = resolve(raw);
                if (!consts.containsKey(name) && !shapes.containsKey(name)) {
                    throw new ModelException(where + " reads tensor '" + raw + "', which no earlier node produces"
                            + " and which is neither an initializer nor the input; the file may be truncated or damaged");
                }
                anyInput = true;
                in.add(name);
                allConst &= consts.containsKey(name);
            }
            if (op.equals("Shape") && anyInput && shapes.containsKey(in.get(0))) {
                Attributes at = new Attributes(node, where);
                consts.put(node.getOutput(0), ConstantFolder.shapeOf(shapes.get(in.get(0)),
                        (int) at.getInt("start", 0), at.has("end") ? (int) at.getInt("end", 0) : Integer.MAX_VALUE));
                return;
            }
            if (allConst && anyInput && ConstantFolder.FOLDABLE.contains(op)) {
                List<Const> values = new ArrayList<>();
                for (String n : in) {
                    values.add(n == null ? null : consts.get(n));
                }
                List<Const> out = ConstantFolder.fold(node, values, opset, where);
                for (int i = 0; i < out.size() && i < node.getOutputCount(); i++) {
                    consts.put(node.getOutput(i), out.get(i));
                }
                return;
            }
            Converters.Converter converter = Converters.forOp(op);
            if (converter == null) {
                if (ConstantFolder.FOLDABLE.contains(op)) {
                    throw new UnsupportedModelException("operator '" + op + "' in " + where + " is supported only on constant"
                            + " inputs (weights), but here it is applied to values computed from the model input. "
                            + Converters.supportedList());
                }
                throw new UnsupportedModelException("unsupported operator '" + op + "' in " + where + ". "
                        + Converters.supportedList() + " Replace the operator or export the model without it.");
            }
            converter.convert(new Converters.Context(this, node, in, where, uniqueName(nodeName(node, index))));
        }

        private String uniqueName(String name) {
            String n = name;
            for (int i = 2; !layerNames.add(n); i++) {
                n = name + "_" + i;
            }
            return n;
        }

        private Const constantValue(NodeProto node, String where) {
            Attributes at = new Attributes(node, where);
            if (at.has("value")) {
                return Const.fromProto(at.get("value").getT(), where);
            }
            if (at.has("value_float")) {
                return new Const(TensorProto.DataType.FLOAT_VALUE, new int[0], new double[] {at.getFloat("value_float", 0)});
            }
            if (at.has("value_floats")) {
                float[] f = at.getFloats("value_floats");
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                return new Const(TensorProto.DataType.FLOAT_VALUE, new int[] {f.length}, d);
            }
            if (at.has("value_int")) {
                return Const.ofLongs(new int[0], at.getInt("value_int", 0));
            }
            if (at.has("value_ints")) {
                int[] v = at.getInts("value_ints", new int[0]);
                long[] l = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    l[i] = v[i];
                }
                return Const.ofLongs(new int[] {v.length}, l);
            }
            throw new UnsupportedModelException(where + ": Constant without a numeric value (sparse and string constants are"
                    + " not supported)");
        }

        // ----- used by Converters -----
        int opset() {
            return opset;
        }

        boolean isConst(String name) {
            return consts.containsKey(name);
        }

        Const constant(String name) {
            return consts.get(name);
        }

        int[] shape(String name) {
            return shapes.get(name);
        }

        void emit(Layer layer) {
            layers.add(layer);
            shapes.put(layer.output(), layer.outputShape());
        }

        void alias(String output, String input) {
            aliases.put(output, input);
        }
    }

    /** Names of the ops the importer reads, for messages and the documentation. */
    public static Set<String> supportedOps() {
        Set<String> s = new TreeSet<>(Converters.ops());
        s.add("Constant");
        return s;
    }

    /** Ops that are folded away when all their inputs are constants. */
    public static Set<String> foldableOps() {
        return new TreeSet<>(ConstantFolder.FOLDABLE);
    }
}
