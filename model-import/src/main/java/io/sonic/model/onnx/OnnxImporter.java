package io.sonic.model.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonic.model.FloatTensor;
import io.sonic.model.ImportLimits;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Names;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an ONNX model (pure Java, protobuf with ONNX's schema) into a {@link ModelGraph}: the graph's
 * wiring checked and its nodes ordered ({@link GraphCheck}), constants folded, element-wise
 * operations with constants mapped onto bias and affine layers, BatchNormalization, biases and input
 * normalisation folded into the neighbouring products where possible, Identity and Dropout removed,
 * every shape static. Any byte string ends as a graph or as one {@link ModelException} whose message
 * names the problem, the node and what to do; the memory and time it takes are bounded by
 * {@link ImportLimits}.
 */
public final class OnnxImporter {
    /** Operators that, as a model's last, are left out (the label is the same): see {@code finalActivation}. */
    private static final Set<String> LEFT_OUT_AT_THE_END = Set.of("Softmax", "LogSoftmax", "Sigmoid");

    /** What to do about operators users commonly meet, beside the list of supported ones. */
    private static final java.util.Map<String, String> UNSUPPORTED_HINTS = java.util.Map.of(
            "Softmax", "A Softmax has no secure protocol here; only as the model's last operator is it left out"
                    + " (it does not change the label, and the user applies it to the reconstructed logits).",
            "LogSoftmax", "A LogSoftmax has no secure protocol here; only as the model's last operator is it left out"
                    + " (it does not change the label, and the user applies it to the reconstructed logits).",
            "Sigmoid", "Sigmoid and Tanh have no secure protocol here (a Sigmoid after a binary classifier's one"
                    + " logit, as the model's last operator, is left out); ReLU networks run.",
            "Tanh", "Sigmoid and Tanh have no secure protocol here; ReLU networks run.",
            "Erf", "'Erf' comes from GELU, which has no secure protocol here; use ReLU.");

    public static final int MIN_OPSET = 1;
    public static final int MAX_OPSET = 21;
    private static final long MAX_FILE_BYTES = 2L * 1024 * 1024 * 1024 - 1;

    /**
     * @param boundInputs      graph inputs to treat as constants (their values given here), e.g. the
     *                         weights that ONNX's operator tests pass as inputs
     * @param keepFinalActivation read a final Softmax, LogSoftmax or Sigmoid as any other operator (refused: it has
     *                         no secure protocol) instead of leaving it out; for tests of the operators' own
     *                         semantics
     */
    public record Options(Map<String, FloatTensor> boundInputs, boolean keepFinalActivation) {
        public static final Options DEFAULT = new Options(Map.of(), false);

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
                throw new ModelException(file + " is larger than 2 GiB, the limit of an ONNX file (a larger model"
                        + " keeps its weights in external data files beside it)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException("model file not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage());
        }
        Path folder = file.toAbsolutePath().getParent();
        return read(bytes, file.getFileName().toString(), options, folder);
    }

    /**
     * Reads a model from its bytes; {@code sourceName} names it in messages. Whatever the bytes, this
     * returns a graph or throws one {@link ModelException}. A model with external data needs its folder:
     * read it with {@link #read(Path, Options)}.
     */
    public static ModelGraph read(byte[] bytes, String sourceName, Options options) {
        return read(bytes, sourceName, options, null);
    }

    /** Reads a model from its bytes, its external data (if any) from files in {@code folder} (null: refused). */
    private static ModelGraph read(byte[] bytes, String sourceName, Options options, Path folder) {
        String source = Names.clean(sourceName);
        Builder builder = null;
        try {
            ModelProto model = parse(bytes, source);
            long external = 0;
            if (folder != null) {
                ExternalData.Inlined inlined = ExternalData.inline(model, folder, source);
                model = inlined.model();
                external = inlined.externalBytes();
            }
            builder = new Builder(model, source, options, bytes.length + external);
            return builder.build();
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ImporterFault(source, builder == null ? null : builder.current, e);
        }
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
    static final class Builder implements Converters.Scope {
        private final ModelProto model;
        private final GraphProto graph;
        private final String sourceName;
        private final Options options;
        private final int opset;
        private final ImportBudget budget;
        private final Map<String, Const> consts = new HashMap<>();
        private final Map<String, int[]> shapes = new HashMap<>();
        private final Map<String, String> aliases = new HashMap<>();
        private final List<Layer> layers = new ArrayList<>();
        private final Map<String, Integer> layerNames = new HashMap<>();
        private final Set<String> tensorNames = new HashSet<>();
        private final Map<String, Integer> freshCounters = new HashMap<>();
        private final Map<Const, FloatTensor> floats = new IdentityHashMap<>();
        /** The node being converted, for the last-resort message. */
        private String current;

        Builder(ModelProto model, String sourceName, Options options, long fileBytes) {
            this.model = model;
            this.graph = model.getGraph();
            this.sourceName = sourceName;
            this.options = options;
            this.opset = defaultOpset(model, sourceName);
            long bound = 0;
            for (FloatTensor t : options.boundInputs().values()) {
                bound += 4L * t.size();
            }
            this.budget = new ImportBudget(fileBytes + bound);
        }

        private static int defaultOpset(ModelProto model, String sourceName) {
            long found = -1;
            for (OperatorSetIdProto o : model.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    if (found >= 0 && found != o.getVersion()) {
                        throw new ModelException(sourceName + " imports the standard ONNX operator set twice, as"
                                + " versions " + found + " and " + o.getVersion() + "; the file may be damaged");
                    }
                    found = o.getVersion();
                    if (found < 0) {
                        throw new ModelException(sourceName + " imports the standard ONNX operator set with the"
                                + " invalid version " + found + "; the file may be damaged");
                    }
                }
            }
            if (found < 0) {
                throw new UnsupportedModelException(sourceName + " imports no version of the standard ONNX operator set");
            }
            if (found < MIN_OPSET || found > MAX_OPSET) {
                throw new UnsupportedModelException(sourceName + " uses ONNX opset " + found + "; Sonic reads opsets "
                        + MIN_OPSET + " to " + MAX_OPSET + ". Re-export the model with an opset in that range (for"
                        + " PyTorch: torch.onnx.export(..., opset_version=13))");
            }
            return (int) found;
        }

        ModelGraph build() {
            int[] order = GraphCheck.order(graph, options.boundInputs().keySet());
            collectNames();
            for (TensorProto t : graph.getInitializerList()) {
                consts.put(t.getName(), Const.fromProto(t, "initializer " + Names.quote(t.getName())));
            }
            String input = chooseInput();
            int finalActivation = options.keepFinalActivation() ? -1 : finalActivation();
            refuseUnsupported(order, finalActivation);
            String leftOut = "";
            for (int i : order) {
                NodeProto node = graph.getNode(i);
                String where = GraphCheck.where(node, i);
                current = where;
                String domain = node.getDomain();
                if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                    throw new UnsupportedModelException("unsupported operator " + Names.quote(domain + "." + node.getOpType())
                            + " in " + where + ": only the standard ONNX domain is read. " + Converters.supportedList());
                }
                if (i == finalActivation) {
                    leaveOutFinalActivation(node, i, where);
                    leftOut = node.getOpType();
                } else {
                    convert(node, i, where);
                }
            }
            current = null;
            String output = chooseOutput();
            List<Layer> optimized = Rewrites.apply(layers, output, budget);
            Parameters.checkLayers(optimized);
            int[] inputShape = shapes.get(input);
            String name = sourceName.endsWith(".onnx") ? sourceName.substring(0, sourceName.length() - 5) : sourceName;
            String producer = model.getProducerName() + (model.getProducerVersion().isEmpty() ? ""
                    : " " + model.getProducerVersion());
            return new ModelGraph(name, Names.clean(producer), opset, input, inputShape, output, shapes.get(output),
                    optimized, leftOut);
        }

        /**
         * The index of a {@code Softmax}, {@code LogSoftmax} or {@code Sigmoid} of the standard domain that writes
         * the graph's one output, which no other node reads; -1 when there is none. Such a node does not change
         * the label ({@link io.sonic.model.Scores}), and the user can apply it to the reconstructed logits, so the
         * graph leaves it out.
         */
        private int finalActivation() {
            if (graph.getOutputCount() != 1) {
                return -1;
            }
            String out = graph.getOutput(0).getName();
            int found = -1;
            for (int i = 0; i < graph.getNodeCount(); i++) {
                NodeProto n = graph.getNode(i);
                if (n.getInputList().contains(out)) {
                    return -1;
                }
                boolean standard = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
                if (standard && LEFT_OUT_AT_THE_END.contains(n.getOpType()) && n.getOutputCount() == 1
                        && n.getOutput(0).equals(out) && n.getInputCount() == 1) {
                    found = i;
                }
            }
            return found;
        }

        /**
         * Leaves the final Softmax, LogSoftmax or Sigmoid out: its output becomes another name of its input. A
         * Softmax only when it normalises over every axis longer than 1 (the class scores of one sample), so that
         * the largest output stays the same; a Sigmoid only on a binary classifier's one logit.
         */
        private void leaveOutFinalActivation(NodeProto node, int index, String where) {
            String in = resolve(node.getInput(0));
            int[] shape = shapes.get(in);
            if (shape == null) {
                // a constant, or nothing computes it: the usual messages
                convert(node, index, where);
                return;
            }
            boolean sigmoid = node.getOpType().equals("Sigmoid");
            if (sigmoid && io.sonic.model.Shapes.size(shape) != 1) {
                throw new UnsupportedModelException("unsupported operator 'Sigmoid' in " + where + ": as the model's"
                        + " last operator it gives " + io.sonic.model.Shapes.size(shape) + " independent probabilities"
                        + " (shape " + io.sonic.model.Shapes.format(shape) + "), not one label, and Sonic leaves a"
                        + " final Sigmoid out only after a binary classifier's one logit. " + Converters.supportedList()
                        + " Replace the operator or export the model without it (its logits).");
            }
            if (layers.isEmpty()) {
                throw new UnsupportedModelException(where + ": the model is only a " + node.getOpType() + " of its"
                        + " input, which Sonic leaves out at the end of a model; there is nothing to compute securely");
            }
            if (sigmoid) {
                new Attributes(node, where).checkAllRead();
                aliases.put(node.getOutput(0), in);
                return;
            }
            Attributes at = new Attributes(node, where);
            int rank = shape.length;
            long axis = at.getInt("axis", opset < 13 ? 1 : -1, -Math.max(rank, 1), Math.max(rank - 1, 0));
            at.checkAllRead();
            int a = (int) (axis < 0 ? axis + rank : axis);
            for (int d = 0; d < rank; d++) {
                boolean reduced = opset < 13 ? d >= a : d == a;
                if (!reduced && shape[d] != 1) {
                    throw new UnsupportedModelException(where + ": this final " + node.getOpType() + " normalises"
                            + " over axis " + axis + " of shape " + io.sonic.model.Shapes.format(shape) + " only, not"
                            + " over all the outputs at once, so leaving it out could change which output is largest;"
                            + " Sonic computes one label over the whole output. Export the model without it (its"
                            + " logits)");
                }
            }
            aliases.put(node.getOutput(0), in);
        }

        /**
         * Names every standard operator of the graph that Sonic cannot run at all (no converter, not foldable on
         * constants), all at once, so that a user fixes them in one export rather than one per attempt.
         */
        private void refuseUnsupported(int[] order, int leftOut) {
            List<String> found = new ArrayList<>();
            java.util.Set<String> hints = new java.util.LinkedHashSet<>();
            for (int i : order) {
                if (i == leftOut) {
                    continue;
                }
                NodeProto node = graph.getNode(i);
                String op = node.getOpType();
                boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
                if (!standard || op.equals("Constant") || op.equals("Shape") || Converters.forOp(op) != null
                        || ConstantFolder.FOLDABLE.contains(op)) {
                    continue;
                }
                found.add(Names.quote(op) + " in " + GraphCheck.where(node, i));
                String hint = UNSUPPORTED_HINTS.get(op);
                if (hint != null) {
                    hints.add(hint);
                }
            }
            if (found.isEmpty()) {
                return;
            }
            throw new UnsupportedModelException((found.size() == 1 ? "unsupported operator " + found.get(0)
                    : found.size() + " unsupported operators: " + String.join(", ", found)) + ". "
                    + Converters.supportedList() + " Replace the operator" + (found.size() == 1 ? "" : "s")
                    + " or export the model without " + (found.size() == 1 ? "it" : "them") + "."
                    + (hints.isEmpty() ? "" : " " + String.join(" ", hints)));
        }

        private void collectNames() {
            for (ValueInfoProto v : graph.getInputList()) {
                tensorNames.add(v.getName());
            }
            for (TensorProto t : graph.getInitializerList()) {
                tensorNames.add(t.getName());
            }
            for (NodeProto n : graph.getNodeList()) {
                tensorNames.addAll(n.getInputList());
                tensorNames.addAll(n.getOutputList());
            }
            for (ValueInfoProto v : graph.getOutputList()) {
                tensorNames.add(v.getName());
            }
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
                        : dynamic.size() + " inputs " + quoteAll(dynamic)) + "; Sonic needs a model with exactly one"
                        + " input tensor (the user's private data). Export the model with a single input.");
            }
            String name = dynamic.get(0);
            ValueInfoProto v = graph.getInputList().stream().filter(x -> x.getName().equals(name)).findFirst()
                    .orElseThrow();
            shapes.put(name, staticShape(v));
            return name;
        }

        private static String quoteAll(List<String> names) {
            List<String> shown = names.stream().limit(8).map(Names::clean).toList();
            return "[" + String.join(", ", shown) + (names.size() > shown.size() ? ", …" : "") + "]";
        }

        private int[] staticShape(ValueInfoProto v) {
            String what = "input " + Names.quote(v.getName());
            if (!v.getType().hasTensorType()) {
                throw new UnsupportedModelException(what + " is not a tensor; Sonic needs one float tensor input");
            }
            int elem = v.getType().getTensorType().getElemType();
            if (elem != TensorProto.DataType.FLOAT_VALUE && elem != TensorProto.DataType.DOUBLE_VALUE
                    && elem != TensorProto.DataType.FLOAT16_VALUE) {
                throw new UnsupportedModelException(what + " has element type " + Const.typeName(elem)
                        + "; Sonic needs a floating-point input (float32, float64 or float16): export the model"
                        + " with a float input");
            }
            if (!v.getType().getTensorType().hasShape()) {
                throw new UnsupportedModelException(what + " has no declared shape, so its shape cannot be made static;"
                        + " re-export the model with a fixed input shape");
            }
            TensorShapeProto s = v.getType().getTensorType().getShape();
            if (s.getDimCount() > ImportLimits.MAX_RANK) {
                throw new UnsupportedModelException(what + " has rank " + s.getDimCount() + ", more than the limit of "
                        + ImportLimits.MAX_RANK);
            }
            int[] shape = new int[s.getDimCount()];
            for (int i = 0; i < shape.length; i++) {
                TensorShapeProto.Dimension d = s.getDim(i);
                boolean batch = i == 0 && shape.length > 1;
                if (d.hasDimValue() && d.getDimValue() > 0) {
                    if (d.getDimValue() > ImportLimits.MAX_ACTIVATION_ELEMENTS) {
                        throw new ModelException(what + " has size " + d.getDimValue() + " on axis " + i
                                + ", more than the limit of " + ImportLimits.MAX_ACTIVATION_ELEMENTS
                                + " elements of one value; the file may be damaged");
                    }
                    shape[i] = (int) d.getDimValue();
                } else if (d.hasDimValue() && d.getDimValue() == 0) {
                    throw new UnsupportedModelException(what + " has size 0 on axis " + i + ", so it holds no values;"
                            + " Sonic needs an input with a positive size on every axis");
                } else if (d.hasDimValue() && !(batch && d.getDimValue() == -1)) {
                    throw new ModelException(what + " has size " + d.getDimValue() + " on axis " + i + "; every axis"
                            + " of the input needs a positive size (only the leading batch axis may be symbolic);"
                            + " re-export the model with a fixed input shape");
                } else if (batch) {
                    shape[i] = 1;
                } else {
                    String label = d.hasDimParam() ? Names.quote(d.getDimParam()) : "unknown";
                    throw new UnsupportedModelException(what + " has a " + label + " size on axis " + i
                            + ", so its shape cannot be made static (only the leading batch axis may vary, and Sonic"
                            + " runs it with batch 1); re-export the model with a fixed input shape");
                }
            }
            ImportLimits.checkActivation(shape, what);
            return shape;
        }

        private String chooseOutput() {
            if (graph.getOutputCount() != 1) {
                List<String> names = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
                throw new UnsupportedModelException(sourceName + " has " + (names.isEmpty() ? "no output" : names.size()
                        + " outputs " + quoteAll(names)) + "; Sonic needs a model with exactly one output tensor:"
                        + " export it with only the output to compute securely (e.g. the class scores)");
            }
            String declared = graph.getOutput(0).getName();
            String name = resolve(declared);
            if (consts.containsKey(name)) {
                throw new UnsupportedModelException("output " + Names.quote(declared) + " does not depend on the input"
                        + " values (the model computes a constant); there is nothing to compute securely");
            }
            if (!shapes.containsKey(name)) {
                throw new ModelException("output " + Names.quote(declared) + " is not computed by any node; the file may"
                        + " be truncated or damaged");
            }
            return name;
        }

        /** Identity-like nodes are aliases; each alias points at a resolved name, so one step suffices. */
        String resolve(String name) {
            String n = aliases.get(name);
            return n == null ? name : n;
        }

        private void convert(NodeProto node, int index, String where) {
            String op = node.getOpType();
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
                    throw new ModelException(where + " reads tensor " + Names.quote(raw) + ", which the node that lists"
                            + " it as an output does not compute; the file may be damaged");
                }
                anyInput = true;
                in.add(name);
                allConst &= consts.containsKey(name);
            }
            Converters.Context c = new Converters.Context(this, node, in, where, GraphCheck.nodeName(node, index));
            try {
                Converters.Converter converter = Converters.forOp(op);
                if (op.equals("Constant")) {
                    c.define(c.output(), constantValue(c));
                } else if (op.equals("Shape") && c.present(0) && !c.isConst(0)) {
                    c.define(c.output(), ConstantFolder.shape(c, shapes.get(in.get(0))));
                } else if (converter == null && !ConstantFolder.FOLDABLE.contains(op)) {
                    throw new UnsupportedModelException("unsupported operator " + Names.quote(op) + " in " + where + ". "
                            + Converters.supportedList() + " Replace the operator or export the model without it.");
                } else if (!anyInput) {
                    throw c.invalid("has no inputs");
                } else if (allConst && ConstantFolder.FOLDABLE.contains(op)) {
                    List<Const> out = ConstantFolder.fold(c);
                    for (int i = 0; i < out.size() && i < node.getOutputCount(); i++) {
                        if (!node.getOutput(i).isEmpty()) {
                            c.define(node.getOutput(i), out.get(i));
                        }
                    }
                } else if (allConst) {
                    define(c.output(), ConstantFolder.evaluateLayers(converter, c, this));
                    return;
                } else if (converter == null) {
                    throw new UnsupportedModelException("operator " + Names.quote(op) + " in " + where + " is supported"
                            + " only on constant inputs (weights), but here it is applied to values computed from the"
                            + " model input. " + Converters.supportedList());
                } else {
                    converter.convert(c);
                }
                c.finish();
            } catch (ModelException e) {
                throw located(e, where);
            }
        }

        /** The exception with the node named in front of its message, unless it names it already. */
        private static ModelException located(ModelException e, String where) {
            String m = String.valueOf(e.getMessage());
            if (m.contains(where)) {
                return e;
            }
            return e instanceof UnsupportedModelException ? new UnsupportedModelException(where + ": " + m)
                    : new ModelException(where + ": " + m, e);
        }

        private Const constantValue(Converters.Context c) {
            Attributes at = c.at;
            int given = 0;
            for (String a : new String[] {"value", "value_float", "value_floats", "value_int", "value_ints",
                    "value_string", "value_strings", "sparse_value"}) {
                given += at.has(a) ? 1 : 0;
            }
            if (given != 1) {
                throw c.invalid("has " + given + " value attributes; a Constant needs exactly one");
            }
            if (c.inputCount() > 0) {
                throw c.invalid("has inputs; a Constant takes none");
            }
            if (at.has("value")) {
                return Const.fromProto(at.getTensor("value"), c.where + ": attribute 'value'");
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
                long[] l = java.util.Arrays.stream(at.getInts("value_ints", new int[0])).asLongStream().toArray();
                return Const.ofLongs(new int[] {l.length}, l);
            }
            throw c.unsupported("a string or sparse Constant is not supported; Sonic reads numeric constants");
        }

        private String uniqueName(String name) {
            Integer next = layerNames.get(name);
            if (next == null) {
                layerNames.put(name, 2);
                return name;
            }
            String n;
            int i = next;
            do {
                n = name + "_" + i++;
            } while (layerNames.containsKey(n));
            layerNames.put(name, i);
            layerNames.put(n, 2);
            return n;
        }

        // ----- the scope converters see -----
        @Override
        public int opset() {
            return opset;
        }

        @Override
        public boolean isConst(String name) {
            return consts.containsKey(name);
        }

        @Override
        public Const constant(String name) {
            return consts.get(name);
        }

        @Override
        public int[] shape(String name) {
            return shapes.get(name);
        }

        @Override
        public FloatTensor floats(Const c, String what) {
            FloatTensor t = floats.get(c);
            if (t == null) {
                t = c.toFloatTensor();
                Parameters.check(t, what);
                floats.put(c, t);
            }
            return t;
        }

        @Override
        public ImportBudget budget() {
            return budget;
        }

        @Override
        public String freshName(String base) {
            int i = freshCounters.getOrDefault(base, 1);
            String n = i == 1 ? base : base + "_" + i;
            while (tensorNames.contains(n)) {
                n = base + "_" + ++i;
            }
            freshCounters.put(base, i + 1);
            tensorNames.add(n);
            return n;
        }

        @Override
        public String layerName(String base) {
            return uniqueName(base);
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
            consts.put(output, value);
        }
    }

    /** Names of the ops the importer reads, for messages and the documentation. */
    public static Set<String> supportedOps() {
        Set<String> s = new TreeSet<>(Converters.ops());
        s.add("Constant");
        return s;
    }

    /**
     * Ops that are folded away when all their inputs are constants: the constant folder's own ops and
     * every op with a converter (evaluated by the float evaluator at import).
     */
    public static Set<String> foldableOps() {
        Set<String> s = new TreeSet<>(ConstantFolder.FOLDABLE);
        s.addAll(Converters.ops());
        return s;
    }
}
