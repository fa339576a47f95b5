package io.sonic.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import io.sonic.model.onnx.proto.OnnxProto.GraphProto;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.sonic.model.onnx.proto.OnnxProto.StringStringEntryProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorShapeProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;
import io.sonic.model.samples.SampleModels;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feeds the importer mutated and generated hostile models and checks that each one ends as a graph
 * or as one {@link ModelException} that is not the last resort ({@link ImporterFault}), within a
 * time limit (each case runs on a worker thread) and an allocation limit (measured per case with
 * {@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes}). Accepted graphs of small cost
 * are also run once by both evaluators on a zero and on a random input.
 *
 * <p>Case {@code i} of seed {@code s} is always the same bytes, so a failure is reproduced by its
 * seed and index; the failing bytes are also saved. Run it longer with
 * {@code mvn -o -q -pl model-import test -Dtest=ImportFuzzTest -Dsonic.fuzz.seconds=600 -Dsonic.fuzz.seed=7},
 * replay one case with {@code -Dsonic.fuzz.case=INDEX}, or call {@link #main}.
 */
public final class ImportFuzz {
    /** Families of cases, with their share of a run. */
    enum Family {
        BYTE_FLIP(3), TRUNCATION(1), INSERTION(1), FIELD_MUTATION(5), RANDOM_GRAPH(2), SELF_LOOP(1), CYCLE(1),
        DUPLICATE_NAME(1), DANGLING_INPUT(1), ABSENT_DATA(1), HOSTILE_DIMS(2), BAD_ATTRIBUTE(2), EMPTY_ATTRIBUTE(1),
        NON_FINITE_WEIGHTS(1), EXTERNAL_DATA(1), ODD_OPSET(1), UNKNOWN_DOMAIN(1), DEEP_CHAIN(1),
        CONSTANT_SUBGRAPH(2);

        final int share;

        Family(int share) {
            this.share = share;
        }
    }

    /** Per-case limits. */
    static final long TIMEOUT_MILLIS = 2000;
    static final long ALLOCATION_BASE = 64L << 20;
    static final long ALLOCATION_PER_BYTE = 64;
    private static final long SMALL_COST = 1_000_000;
    private static final long SMALL_ACTIVATION = 100_000;

    private static final long[] INTERESTING = {0, 1, -1, 2, 3, 7, -2, 255, 256, 65535, 1 << 20, 1 << 24, 1 << 26,
            1 << 28, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 31, -(1L << 31), 1L << 32, (1L << 32) + 10,
            3_000_000_000L, 4294967309L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62};
    private static final float[] FLOATS = {0f, -0f, 1f, -1f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 1e30f, -1e30f, Float.MIN_VALUE, 1e-40f, Float.MAX_VALUE, 3e9f};
    private static final String[] ATTRIBUTES = {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad",
            "ceil_mode", "count_include_pad", "storage_order", "transA", "transB", "alpha", "beta", "axis", "axes",
            "perm", "epsilon", "momentum", "training_mode", "spatial", "is_test", "to", "value", "mode", "allowzero",
            "starts", "ends", "shape", "value_float", "value_floats", "value_int", "value_ints", "broadcast",
            "consumed_inputs", "ratio", "seed", "saturate", "start", "end", "paddings", "foo"};
    /** The attributes each op reads, as "name:TYPE". */
    private static final Map<String, String[]> OP_ATTRIBUTES = Map.ofEntries(
            Map.entry("Conv", new String[] {"kernel_shape:INTS", "strides:INTS", "pads:INTS", "dilations:INTS",
                    "group:INT", "auto_pad:STRING"}),
            Map.entry("MaxPool", new String[] {"kernel_shape:INTS", "strides:INTS", "pads:INTS", "dilations:INTS",
                    "ceil_mode:INT", "auto_pad:STRING", "storage_order:INT"}),
            Map.entry("AveragePool", new String[] {"kernel_shape:INTS", "strides:INTS", "pads:INTS",
                    "dilations:INTS", "ceil_mode:INT", "auto_pad:STRING", "count_include_pad:INT"}),
            Map.entry("Gemm", new String[] {"alpha:FLOAT", "beta:FLOAT", "transA:INT", "transB:INT"}),
            Map.entry("BatchNormalization", new String[] {"epsilon:FLOAT", "momentum:FLOAT", "training_mode:INT"}),
            Map.entry("Flatten", new String[] {"axis:INT"}),
            Map.entry("Concat", new String[] {"axis:INT"}),
            Map.entry("Gather", new String[] {"axis:INT"}),
            Map.entry("Transpose", new String[] {"perm:INTS"}),
            Map.entry("Cast", new String[] {"to:INT"}),
            Map.entry("Reshape", new String[] {"allowzero:INT"}),
            Map.entry("Pad", new String[] {"mode:STRING"}),
            Map.entry("Shape", new String[] {"start:INT", "end:INT"}),
            Map.entry("ConstantOfShape", new String[] {"value:TENSOR"}),
            Map.entry("Dropout", new String[] {"seed:INT"}),
            Map.entry("Constant", new String[] {"value:TENSOR", "value_float:FLOAT", "value_floats:FLOATS",
                    "value_int:INT", "value_ints:INTS"}));
    private static final String[] STRINGS = {"", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER", "constant",
            "reflect", "edge", "SIDEWAYS", "\u001b[31m", "x"};

    private final long seed;
    private final List<byte[]> samples;
    private final List<byte[]> generated = new ArrayList<>();
    private final Family[] schedule;
    private final List<String> ops;

    ImportFuzz(long seed, List<byte[]> samples) {
        this.seed = seed;
        this.samples = samples;
        Random r = new Random(seed);
        for (int i = 0; i < 24; i++) {
            generated.add(RandomModels.model(r, 8).toByteArray());
        }
        List<Family> s = new ArrayList<>();
        for (Family f : Family.values()) {
            for (int k = 0; k < f.share; k++) {
                s.add(f);
            }
        }
        schedule = s.toArray(new Family[0]);
        List<String> o = new ArrayList<>(OnnxImporter.foldableOps());
        o.addAll(List.of("Constant", "Sigmoid", "Softmax", "Loop", "If", "Expand", "Tile", ""));
        ops = o;
    }

    /** The shipped sample models' bytes (the fuzzer's real-world corpus). */
    static List<byte[]> sampleModels() {
        List<byte[]> r = new ArrayList<>();
        for (SampleModels m : SampleModels.all()) {
            try {
                r.add(Files.readAllBytes(m.onnx()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ cases

    record Case(long index, Family family, byte[] bytes) {
    }

    Family family(long index) {
        return schedule[(int) Math.floorMod(index, (long) schedule.length)];
    }

    private Random random(long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 29));
    }

    Case generate(long index) {
        Random r = random(index);
        Family f = family(index);
        byte[] bytes = switch (f) {
            case BYTE_FLIP -> flip(corpus(r), r);
            case TRUNCATION -> truncate(corpus(r), r);
            case INSERTION -> insert(corpus(r), r);
            case FIELD_MUTATION -> {
                ModelProto.Builder m = parse(corpus(r));
                int n = 1 + r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    mutateField(m, r);
                }
                yield m.build().toByteArray();
            }
            case RANDOM_GRAPH -> RandomModels.model(r, 12).toByteArray();
            case SELF_LOOP -> selfLoop(r);
            case CYCLE -> cycle(r);
            case DUPLICATE_NAME -> duplicateName(r);
            case DANGLING_INPUT -> dangling(r);
            case ABSENT_DATA -> absentData(r);
            case HOSTILE_DIMS -> hostileDims(r);
            case BAD_ATTRIBUTE -> badAttribute(r);
            case EMPTY_ATTRIBUTE -> emptyAttribute(r);
            case NON_FINITE_WEIGHTS -> nonFinite(r);
            case EXTERNAL_DATA -> externalData(r);
            case ODD_OPSET -> oddOpset(r);
            case UNKNOWN_DOMAIN -> unknownDomain(r);
            case DEEP_CHAIN -> deepChain(r);
            case CONSTANT_SUBGRAPH -> constantSubgraph(r);
        };
        return new Case(index, f, bytes);
    }

    private byte[] corpus(Random r) {
        return r.nextInt(5) == 0 ? samples.get(r.nextInt(samples.size())) : generated.get(r.nextInt(generated.size()));
    }

    private static ModelProto.Builder parse(byte[] b) {
        try {
            return ModelProto.parseFrom(b).toBuilder();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private ModelProto.Builder base(Random r) {
        return RandomModels.model(r, 6).toBuilder();
    }

    private static byte[] flip(byte[] in, Random r) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(8);
        for (int k = 0; k < n; k++) {
            int i = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0 -> b[i] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[i] = (byte) new int[] {0, 0xff, 0x7f, 0x80, 0x01}[r.nextInt(5)];
                case 2 -> b[i] = (byte) r.nextInt(256);
                default -> b[i] = (byte) (b[i] + (r.nextBoolean() ? 1 : -1));
            }
        }
        return b;
    }

    private static byte[] truncate(byte[] in, Random r) {
        return java.util.Arrays.copyOf(in, r.nextInt(in.length));
    }

    private static byte[] insert(byte[] in, Random r) {
        int at = r.nextInt(in.length + 1);
        byte[] extra;
        if (r.nextBoolean() && in.length > 1) {
            int from = r.nextInt(in.length);
            extra = java.util.Arrays.copyOfRange(in, from, Math.min(in.length, from + 1 + r.nextInt(64)));
        } else {
            extra = new byte[1 + r.nextInt(16)];
            r.nextBytes(extra);
        }
        byte[] b = new byte[in.length + extra.length];
        System.arraycopy(in, 0, b, 0, at);
        System.arraycopy(extra, 0, b, at, extra.length);
        System.arraycopy(in, at, b, at + extra.length, in.length - at);
        return b;
    }

    // ------------------------------------------------------------------ field-level mutations

    private static long interesting(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt(20) - 5 : INTERESTING[r.nextInt(INTERESTING.length)];
    }

    private static List<String> names(GraphProto.Builder g) {
        List<String> n = new ArrayList<>();
        g.getInputList().forEach(v -> n.add(v.getName()));
        g.getInitializerList().forEach(t -> n.add(t.getName()));
        g.getNodeList().forEach(x -> {
            n.addAll(x.getInputList());
            n.addAll(x.getOutputList());
        });
        n.add("");
        n.add("nowhere");
        return n;
    }

    private static String pick(List<String> l, Random r) {
        return l.get(r.nextInt(l.size()));
    }

    private AttributeProto randomAttribute(Random r, String name) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        AttributeType[] types = {AttributeType.INT, AttributeType.INTS, AttributeType.FLOAT, AttributeType.FLOATS,
                AttributeType.STRING, AttributeType.TENSOR, AttributeType.UNDEFINED, AttributeType.GRAPH};
        AttributeType t = types[r.nextInt(types.length)];
        if (r.nextInt(6) != 0) {
            a.setType(t);
        }
        switch (t) {
            case INT -> a.setI(interesting(r));
            case INTS -> {
                int n = r.nextInt(7);
                for (int i = 0; i < n; i++) {
                    a.addInts(r.nextInt(3) == 0 ? interesting(r) : r.nextInt(4));
                }
            }
            case FLOAT -> a.setF(FLOATS[r.nextInt(FLOATS.length)]);
            case FLOATS -> {
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.addFloats(FLOATS[r.nextInt(FLOATS.length)]);
                }
            }
            case STRING -> a.setS(ByteString.copyFromUtf8(STRINGS[r.nextInt(STRINGS.length)]));
            case TENSOR -> a.setT(randomTensor(r, "t"));
            case GRAPH -> a.setG(GraphProto.newBuilder().setName("g"));
            default -> {
                if (r.nextBoolean()) {
                    a.setI(r.nextInt(3));
                }
            }
        }
        return a.build();
    }

    /** An attribute of the type the op expects (mostly) with a value that is often at the edge of its range. */
    private AttributeProto typedAttribute(Random r, String spec) {
        String name = spec.substring(0, spec.indexOf(':'));
        AttributeType type = AttributeType.valueOf(spec.substring(spec.indexOf(':') + 1));
        if (r.nextInt(5) == 0) {
            return randomAttribute(r, name);
        }
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(type);
        switch (type) {
            case INT -> a.setI(r.nextInt(3) == 0 ? interesting(r) : r.nextInt(8) - 3);
            case INTS -> {
                int n = r.nextInt(7);
                for (int i = 0; i < n; i++) {
                    a.addInts(r.nextInt(5) == 0 ? interesting(r) : r.nextInt(7) - 2);
                }
            }
            case FLOAT -> a.setF(r.nextBoolean() ? FLOATS[r.nextInt(FLOATS.length)] : r.nextFloat());
            case FLOATS -> {
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    a.addFloats(r.nextInt(4) == 0 ? FLOATS[r.nextInt(FLOATS.length)] : r.nextFloat());
                }
            }
            case STRING -> a.setS(ByteString.copyFromUtf8(STRINGS[r.nextInt(STRINGS.length)]));
            default -> a.setT(randomTensor(r, "value"));
        }
        return a.build();
    }

    private AttributeProto attributeFor(Random r, String op) {
        String[] specs = OP_ATTRIBUTES.get(op);
        if (specs == null || r.nextInt(8) == 0) {
            return randomAttribute(r, ATTRIBUTES[r.nextInt(ATTRIBUTES.length)]);
        }
        return typedAttribute(r, specs[r.nextInt(specs.length)]);
    }

    private static TensorProto randomTensor(Random r, String name) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name);
        int type = r.nextInt(4) == 0 ? r.nextInt(18) : TensorProto.DataType.FLOAT_VALUE;
        t.setDataType(type);
        int rank = r.nextInt(4);
        long size = 1;
        for (int i = 0; i < rank; i++) {
            long d = r.nextInt(8) == 0 ? interesting(r) : 1 + r.nextInt(4);
            t.addDims(d);
            size *= d;
        }
        int n = size >= 0 && size <= 64 && r.nextInt(5) != 0 ? (int) size : r.nextInt(8);
        switch (r.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < n; i++) {
                    t.addFloatData(r.nextInt(10) == 0 ? FLOATS[r.nextInt(FLOATS.length)] : r.nextFloat());
                }
            }
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    t.addInt64Data(r.nextInt(6) == 0 ? interesting(r) : r.nextInt(5) - 1);
                }
            }
            default -> {
                byte[] raw = new byte[n * (1 + r.nextInt(8))];
                r.nextBytes(raw);
                t.setRawData(ByteString.copyFrom(raw));
            }
        }
        return t.build();
    }

    private void mutateField(ModelProto.Builder m, Random r) {
        GraphProto.Builder g = m.getGraphBuilder();
        int nodes = g.getNodeCount();
        int choice = r.nextInt(24);
        if (nodes == 0 && choice >= 1 && choice <= 6) {
            choice = 7;
        }
        NodeProto.Builder node = nodes == 0 ? null : g.getNodeBuilder(r.nextInt(nodes));
        switch (choice) {
            case 0 -> {
                m.clearOpsetImport();
                m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(r.nextInt(4) == 0 ? "ai.onnx" : "")
                        .setVersion(r.nextBoolean() ? interesting(r) : r.nextInt(25)));
            }
            case 1 -> node.setOpType(ops.get(r.nextInt(ops.size())));
            case 2 -> {
                if (node.getInputCount() > 0) {
                    node.setInput(r.nextInt(node.getInputCount()), pick(names(g), r));
                } else {
                    node.addInput(pick(names(g), r));
                }
            }
            case 3 -> {
                if (node.getOutputCount() > 0) {
                    node.setOutput(r.nextInt(node.getOutputCount()), pick(names(g), r));
                }
            }
            case 4 -> node.addAttribute(attributeFor(r, node.getOpType()));
            case 5 -> {
                if (node.getAttributeCount() > 0) {
                    int i = r.nextInt(node.getAttributeCount());
                    String name = node.getAttribute(i).getName();
                    String[] specs = OP_ATTRIBUTES.getOrDefault(node.getOpType(), new String[0]);
                    String spec = java.util.Arrays.stream(specs).filter(x -> x.startsWith(name + ":")).findFirst()
                            .orElse(null);
                    node.setAttribute(i, spec == null ? randomAttribute(r, name) : typedAttribute(r, spec));
                } else {
                    node.addAttribute(randomAttribute(r, ATTRIBUTES[r.nextInt(ATTRIBUTES.length)]));
                }
            }
            case 6 -> {
                if (node.getAttributeCount() > 0) {
                    node.removeAttribute(r.nextInt(node.getAttributeCount()));
                }
            }
            case 7, 8, 9, 10, 11, 23 -> mutateInitializer(g, r, choice);
            case 12, 13 -> {
                if (g.getInputCount() > 0) {
                    ValueInfoProto.Builder v = g.getInputBuilder(r.nextInt(g.getInputCount()));
                    var tensor = v.getTypeBuilder().getTensorTypeBuilder();
                    if (choice == 13) {
                        tensor.setElemType(r.nextInt(18));
                    } else {
                        TensorShapeProto.Builder s = tensor.getShapeBuilder();
                        if (s.getDimCount() > 0 && r.nextBoolean()) {
                            s.setDim(r.nextInt(s.getDimCount()), r.nextInt(5) == 0
                                    ? TensorShapeProto.Dimension.newBuilder().setDimParam("N").build()
                                    : TensorShapeProto.Dimension.newBuilder().setDimValue(interesting(r)).build());
                        } else {
                            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(interesting(r)));
                        }
                    }
                }
            }
            case 14 -> {
                List<NodeProto> l = new ArrayList<>(g.getNodeList());
                Collections.shuffle(l, r);
                g.clearNode().addAllNode(l);
            }
            case 15 -> {
                if (nodes > 0) {
                    g.addNode(g.getNode(r.nextInt(nodes)));
                }
            }
            case 16 -> {
                if (nodes > 0) {
                    g.removeNode(r.nextInt(nodes));
                }
            }
            case 17 -> {
                if (g.getOutputCount() > 0) {
                    g.setOutput(0, g.getOutput(0).toBuilder().setName(pick(names(g), r)));
                }
            }
            case 18 -> {
                if (nodes > 0) {
                    node.setDomain(new String[] {"ai.onnx", "ai.onnx.ml", "com.microsoft", "x"}[r.nextInt(4)]);
                }
            }
            case 19 -> {
                if (nodes > 0) {
                    if (r.nextBoolean() && node.getInputCount() > 0) {
                        List<String> in = new ArrayList<>(node.getInputList());
                        in.remove(r.nextInt(in.size()));
                        node.clearInput().addAllInput(in);
                    } else {
                        node.addInput(pick(names(g), r));
                    }
                }
            }
            case 20 -> {
                if (nodes > 0) {
                    node.addOutput(r.nextBoolean() ? "extra" + r.nextInt(3) : pick(names(g), r));
                }
            }
            case 21 -> m.setIrVersion(interesting(r));
            default -> {
                if (r.nextBoolean() && g.getInputCount() > 0) {
                    g.removeInput(r.nextInt(g.getInputCount()));
                } else {
                    g.addInput(OnnxModels.valueInfo(pick(names(g), r), 1, 1 + r.nextInt(4)));
                }
            }
        }
    }

    private static void mutateInitializer(GraphProto.Builder g, Random r, int choice) {
        if (g.getInitializerCount() == 0) {
            g.addInitializer(randomTensor(r, "w"));
            return;
        }
        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
        switch (choice) {
            case 7 -> {
                if (t.getDimsCount() > 0 && r.nextBoolean()) {
                    t.setDims(r.nextInt(t.getDimsCount()), interesting(r));
                } else {
                    t.addDims(r.nextBoolean() ? interesting(r) : 1);
                }
            }
            case 8 -> t.clearFloatData().clearRawData().clearInt64Data().clearInt32Data();
            case 9 -> t.setDataType(r.nextInt(18));
            case 10 -> {
                byte[] raw = new byte[r.nextInt(64)];
                r.nextBytes(raw);
                t.clearFloatData().setRawData(ByteString.copyFrom(raw));
            }
            case 11 -> t.setDataLocation(TensorProto.DataLocation.EXTERNAL);
            default -> {
                if (t.getFloatDataCount() > 0) {
                    t.setFloatData(r.nextInt(t.getFloatDataCount()), FLOATS[r.nextInt(FLOATS.length)]);
                }
            }
        }
    }

    // ------------------------------------------------------------------ hostile families

    private static NodeProto.Builder anyNode(GraphProto.Builder g, Random r) {
        return g.getNodeBuilder(r.nextInt(g.getNodeCount()));
    }

    private byte[] selfLoop(Random r) {
        if (r.nextBoolean()) {
            ModelProto.Builder m = base(r);
            NodeProto.Builder n = anyNode(m.getGraphBuilder(), r);
            if (n.getInputCount() > 0) {
                n.setInput(r.nextInt(n.getInputCount()), n.getOutput(0));
            } else {
                n.addInput(n.getOutput(0));
            }
            return m.build().toByteArray();
        }
        String op = new String[] {"Identity", "Dropout", "Pad", "Relu", "Add", "Reshape"}[r.nextInt(6)];
        OnnxModels m = OnnxModels.create().input("x", 1, 4).output("y", 1, 4).intWeight("c", 0, 0, 0, 0)
                .node("Relu", "r", new String[] {"x"}, new String[] {"h"});
        String[] in = op.equals("Pad") || op.equals("Add") || op.equals("Reshape") ? new String[] {"h2", "c"}
                : new String[] {"h2"};
        return m.node(op, "loop", in, new String[] {"h2"})
                .node("Relu", "out", new String[] {r.nextBoolean() ? "h2" : "h"}, new String[] {"y"}).bytes();
    }

    private byte[] cycle(Random r) {
        ModelProto.Builder m = RandomModels.model(r, 8).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        int n = g.getNodeCount();
        int j = r.nextInt(n);
        int i = r.nextInt(j + 1);
        NodeProto.Builder first = g.getNodeBuilder(i);
        String back = g.getNode(j).getOutput(0);
        if (first.getInputCount() > 0) {
            first.setInput(r.nextInt(first.getInputCount()), back);
        } else {
            first.addInput(back);
        }
        if (r.nextBoolean()) {
            List<NodeProto> l = new ArrayList<>(g.getNodeList());
            Collections.shuffle(l, r);
            g.clearNode().addAllNode(l);
        }
        return m.build().toByteArray();
    }

    private byte[] duplicateName(Random r) {
        ModelProto.Builder m = base(r);
        GraphProto.Builder g = m.getGraphBuilder();
        switch (r.nextInt(4)) {
            case 0 -> anyNode(g, r).setOutput(0, g.getNode(r.nextInt(g.getNodeCount())).getOutput(0));
            case 1 -> anyNode(g, r).setOutput(0, g.getInput(0).getName());
            case 2 -> {
                if (g.getInitializerCount() > 0) {
                    anyNode(g, r).setOutput(0, g.getInitializer(r.nextInt(g.getInitializerCount())).getName());
                } else {
                    g.addInput(g.getInput(0));
                }
            }
            default -> {
                if (g.getInitializerCount() > 0) {
                    g.addInitializer(g.getInitializer(r.nextInt(g.getInitializerCount())));
                } else {
                    g.addInput(g.getInput(0));
                }
            }
        }
        return m.build().toByteArray();
    }

    private byte[] dangling(Random r) {
        ModelProto.Builder m = base(r);
        NodeProto.Builder n = anyNode(m.getGraphBuilder(), r);
        String missing = "missing_" + r.nextInt(100);
        if (n.getInputCount() > 0 && r.nextBoolean()) {
            n.setInput(r.nextInt(n.getInputCount()), missing);
        } else {
            n.addInput(missing);
        }
        return m.build().toByteArray();
    }

    private byte[] absentData(Random r) {
        int type = new int[] {1, 1, 1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 16}[r.nextInt(14)];
        TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(type);
        int rank = 1 + r.nextInt(3);
        for (int i = 0; i < rank; i++) {
            t.addDims(r.nextBoolean() ? 1L << (10 + r.nextInt(21)) : 1 + r.nextInt(8));
        }
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> t.setRawData(ByteString.copyFrom(new byte[r.nextInt(32)]));
            case 2 -> t.addFloatData(1f).addFloatData(2f);
            default -> t.addInt64Data(1).addInt32Data(2);
        }
        String op = new String[] {"Add", "Mul", "MatMul", "Conv", "Concat", "Reshape"}[r.nextInt(6)];
        OnnxModels m = OnnxModels.create().input("x", 1, 4).output("y", 1, 4).initializer(t.build());
        if (r.nextBoolean()) {
            return m.node(op, "n", new String[] {"x", "w"}, new String[] {"y"}).bytes();
        }
        return m.node("Constant", "k", new String[0], new String[] {"y2"}, OnnxModels.tensorAttr("value", t.build()))
                .node(op, "n", new String[] {"x", "y2"}, new String[] {"y"}).bytes();
    }

    private byte[] hostileDims(Random r) {
        switch (r.nextInt(7)) {
            case 0 -> {
                ModelProto.Builder m = base(r);
                TensorShapeProto.Builder s = m.getGraphBuilder().getInputBuilder(0).getTypeBuilder()
                        .getTensorTypeBuilder().getShapeBuilder();
                s.setDim(r.nextInt(s.getDimCount()), TensorShapeProto.Dimension.newBuilder().setDimValue(interesting(r)));
                return m.build().toByteArray();
            }
            case 1 -> {
                long[] shape = new long[1 + r.nextInt(4)];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = r.nextBoolean() ? interesting(r) : 1 + r.nextInt(1 << 12);
                }
                return OnnxModels.create().input("x", 1, 4).output("y", 1, 4).intWeight("s", shape)
                        .node("ConstantOfShape", "c", new String[] {"s"}, new String[] {"z"})
                        .node("Add", "a", new String[] {"x", "z"}, new String[] {"y"}).bytes();
            }
            case 2 -> {
                long[] shape = {interesting(r), r.nextBoolean() ? -1 : interesting(r)};
                return OnnxModels.create().input("x", 1, 4).output("y", 1, 4).intWeight("s", shape)
                        .node("Reshape", "re", new String[] {"x", "s"}, new String[] {"y"}).bytes();
            }
            case 3 -> {
                long[] pads = new long[4];
                for (int i = 0; i < 4; i++) {
                    pads[i] = r.nextBoolean() ? interesting(r) : r.nextInt(3);
                }
                return OnnxModels.create().input("x", 1, 4).output("y", 1, 4).intWeight("p", pads)
                        .node("Pad", "pad", new String[] {"x", "p"}, new String[] {"y"}).bytes();
            }
            case 4 -> {
                long a = 1 + r.nextInt(1 << (8 + r.nextInt(8)));
                long b = 1 + r.nextInt(1 << (8 + r.nextInt(8)));
                return OnnxModels.create().input("x", 1, 4).output("y", 1, 4)
                        .initializer(TensorProto.newBuilder().setName("a").setDataType(1).addDims(a).addDims(1)
                                .setRawData(ByteString.copyFrom(new byte[(int) a * 4])).build())
                        .initializer(TensorProto.newBuilder().setName("b").setDataType(1).addDims(1).addDims(b)
                                .setRawData(ByteString.copyFrom(new byte[(int) b * 4])).build())
                        .node(new String[] {"Add", "Mul", "Sub", "Div", "Pow"}[r.nextInt(5)], "outer",
                                new String[] {"a", "b"}, new String[] {"ab"})
                        .node("Add", "add", new String[] {"x", "ab"}, new String[] {"y"}).bytes();
            }
            case 5 -> {
                long[] v = {interesting(r), interesting(r)};
                String op = new String[] {"Slice", "Gather", "Unsqueeze", "Squeeze"}[r.nextInt(4)];
                OnnxModels m = OnnxModels.create().input("x", 1, 4).output("y", 1, 4).randomWeight("w", 1, 3, 4)
                        .intWeight("a", v[0]).intWeight("b", v[1]).intWeight("c", interesting(r))
                        .intWeight("d", r.nextBoolean() ? interesting(r) : 1);
                String[] in = op.equals("Slice") ? new String[] {"w", "a", "b", "c", "d"} : new String[] {"w", "a"};
                return m.node(op, "n", in, new String[] {"wn"}).node("Add", "add", new String[] {"x", "wn"},
                        new String[] {"y"}).bytes();
            }
            default -> {
                long[] k = {interesting(r) % 70000, 1 + r.nextInt(3)};
                return OnnxModels.create().input("x", 1, 1, 1 + r.nextInt(64), 1 + r.nextInt(64)).output("y", 1, 1, 1, 1)
                        .node(r.nextBoolean() ? "MaxPool" : "AveragePool", "p", new String[] {"x"}, new String[] {"y"},
                                OnnxModels.ints("kernel_shape", k),
                                OnnxModels.ints("strides", interesting(r) % 70000, 1),
                                OnnxModels.ints("pads", interesting(r) % 70000, 0, r.nextInt(3), 0),
                                OnnxModels.ints("dilations", 1, interesting(r) % 70000)).bytes();
            }
        }
    }

    private byte[] badAttribute(Random r) {
        ModelProto.Builder m = base(r);
        GraphProto.Builder g = m.getGraphBuilder();
        NodeProto.Builder n = anyNode(g, r);
        for (int k = 0; k < 4 && !OP_ATTRIBUTES.containsKey(n.getOpType()); k++) {
            n = anyNode(g, r);
        }
        AttributeProto a = attributeFor(r, n.getOpType());
        List<AttributeProto> kept = new ArrayList<>();
        for (AttributeProto old : n.getAttributeList()) {
            if (!old.getName().equals(a.getName())) {
                kept.add(old);
            }
        }
        kept.add(a);
        n.clearAttribute().addAllAttribute(kept);
        return m.build().toByteArray();
    }

    private byte[] emptyAttribute(Random r) {
        ModelProto.Builder m = base(r);
        NodeProto.Builder n = anyNode(m.getGraphBuilder(), r);
        AttributeType[] types = AttributeType.values();
        String name = ATTRIBUTES[r.nextInt(ATTRIBUTES.length)];
        List<AttributeProto> kept = new ArrayList<>();
        for (AttributeProto a : n.getAttributeList()) {
            if (!a.getName().equals(name)) {
                kept.add(a);
            }
        }
        kept.add(AttributeProto.newBuilder().setName(name).setType(types[r.nextInt(types.length)]).build());
        n.clearAttribute().addAllAttribute(kept);
        return m.build().toByteArray();
    }

    private byte[] nonFinite(Random r) {
        ModelProto.Builder m = base(r);
        GraphProto.Builder g = m.getGraphBuilder();
        if (g.getInitializerCount() == 0) {
            return OnnxModels.create().input("x", 1, 2).output("y", 1, 2)
                    .weight("b", new float[] {1, FLOATS[5 + r.nextInt(5)]}, 2)
                    .node("Add", "a", new String[] {"x", "b"}, new String[] {"y"}).bytes();
        }
        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
        if (t.getFloatDataCount() > 0) {
            float bad = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -1f, 0f}
                    [r.nextInt(6)];
            t.setFloatData(r.nextInt(t.getFloatDataCount()), bad);
        }
        return m.build().toByteArray();
    }

    private byte[] externalData(Random r) {
        ModelProto.Builder m = base(r);
        GraphProto.Builder g = m.getGraphBuilder();
        TensorProto.Builder t = g.getInitializerCount() == 0 ? g.addInitializerBuilder().setName("w").setDataType(1)
                : g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
        switch (r.nextInt(3)) {
            case 0 -> t.setDataLocation(TensorProto.DataLocation.EXTERNAL);
            case 1 -> t.addExternalData(StringStringEntryProto.newBuilder().setKey("location")
                    .setValue(r.nextBoolean() ? "weights.bin" : "../../etc/passwd"));
            default -> t.setSegment(TensorProto.Segment.newBuilder().setBegin(0).setEnd(interesting(r)));
        }
        return m.build().toByteArray();
    }

    private byte[] oddOpset(Random r) {
        ModelProto.Builder m = base(r);
        m.clearOpsetImport();
        int n = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder()
                    .setDomain(new String[] {"", "ai.onnx", "ai.onnx.ml", "x"}[r.nextInt(4)])
                    .setVersion(r.nextBoolean() ? interesting(r) : r.nextInt(30)));
        }
        return m.build().toByteArray();
    }

    private byte[] unknownDomain(Random r) {
        ModelProto.Builder m = base(r);
        anyNode(m.getGraphBuilder(), r).setDomain(new String[] {"ai.onnx.ml", "com.microsoft", "custom",
                "ai.onnx.preview.training", "\u001b[2J"}[r.nextInt(5)]);
        return m.build().toByteArray();
    }

    private byte[] deepChain(Random r) {
        int length = r.nextInt(20) == 0 ? 20_000 : 100 + r.nextInt(3000);
        OnnxModels m = OnnxModels.create().input("x", 1, 8).output("y", 1, 8).weight("s", new float[] {0.5f}, 1)
                .weight("b", new float[] {0.1f}, 1).intWeight("shape", 1, 8).intWeight("pads", 0, 0, 0, 0);
        String prev = "x";
        int twist = r.nextInt(4);
        for (int i = 0; i < length; i++) {
            String next = i == length - 1 ? "y" : "t" + i;
            String[] in = switch (r.nextInt(7)) {
                case 0 -> new String[] {prev};
                case 1 -> new String[] {prev, "s"};
                case 2 -> new String[] {prev, "b"};
                case 3 -> new String[] {prev, "shape"};
                case 4 -> new String[] {prev, "pads"};
                case 5 -> new String[] {prev};
                default -> new String[] {prev};
            };
            String op = switch (in.length == 1 ? r.nextInt(3) : in[1].equals("shape") ? 10 : in[1].equals("pads")
                    ? 11 : 3 + r.nextInt(4)) {
                case 0 -> "Relu";
                case 1 -> "Identity";
                case 2 -> "Dropout";
                case 3 -> "Add";
                case 4 -> "Sub";
                case 5 -> "Mul";
                case 6 -> "Div";
                case 10 -> "Reshape";
                default -> "Pad";
            };
            m.node(op, "n" + (r.nextInt(3) == 0 ? "" : i), in, new String[] {next});
            prev = next;
        }
        if (twist == 1) {
            m.graph().getNodeBuilder(0).setInput(0, "t" + (length / 2));
        } else if (twist == 2) {
            List<NodeProto> l = new ArrayList<>(m.graph().getNodeList());
            Collections.reverse(l);
            m.graph().clearNode().addAllNode(l);
        }
        return m.bytes();
    }

    /**
     * Nodes on constants only, with random shapes, integer operands and op attributes: folded (or
     * evaluated through their layers) at import although nothing reads them.
     */
    private byte[] constantSubgraph(Random r) {
        if (r.nextBoolean()) {
            return constantModel(r);
        }
        List<String> foldable = new ArrayList<>(OnnxImporter.foldableOps());
        OnnxModels m = OnnxModels.create().input("x", 1, 4).output("y", 1, 4)
                .node("Relu", "r", new String[] {"x"}, new String[] {"y"});
        List<String> values = new ArrayList<>();
        int nodes = 1 + r.nextInt(3);
        for (int n = 0; n < nodes; n++) {
            String op = foldable.get(r.nextInt(foldable.size()));
            int[] arity = OP_INPUTS.getOrDefault(op, new int[] {1, 3});
            int inputs = arity[0] + r.nextInt(arity[1] - arity[0] + 1);
            String[] in = new String[inputs];
            for (int i = 0; i < inputs; i++) {
                if (!values.isEmpty() && r.nextInt(3) == 0) {
                    in[i] = values.get(r.nextInt(values.size()));
                    continue;
                }
                in[i] = "c" + n + "_" + i;
                if (i > 0 && r.nextInt(3) != 0) {
                    long[] v = new long[r.nextInt(5)];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = r.nextInt(6) == 0 ? interesting(r) : r.nextInt(6) - 2;
                    }
                    m.intWeight(in[i], v);
                } else {
                    int rank = r.nextInt(5);
                    long[] dims = new long[rank];
                    for (int k = 0; k < rank; k++) {
                        dims[k] = 1 + r.nextInt(5);
                    }
                    m.randomWeight(in[i], r.nextLong(), dims);
                }
            }
            int attrs = r.nextInt(3);
            AttributeProto[] a = new AttributeProto[attrs + 1];
            for (int i = 0; i < attrs; i++) {
                a[i] = attributeFor(r, op);
            }
            a[attrs] = op.endsWith("Pool") && !op.startsWith("Global") ? typedAttribute(r, "kernel_shape:INTS")
                    : attributeFor(r, op);
            String out = "k" + n;
            m.node(op, "k" + n, in, new String[] {out}, java.util.Arrays.stream(a)
                    .collect(java.util.stream.Collectors.toMap(AttributeProto::getName, x -> x, (x, y) -> x))
                    .values().toArray(new AttributeProto[0]));
            values.add(out);
        }
        return m.bytes();
    }

    /** A random model whose input is turned into an initializer: the whole graph is evaluated at import. */
    private byte[] constantModel(Random r) {
        ModelProto.Builder m = RandomModels.model(r, 8).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        ValueInfoProto in = g.getInput(0);
        TensorProto.Builder t = TensorProto.newBuilder().setName(in.getName()).setDataType(1);
        long size = 1;
        for (TensorShapeProto.Dimension d : in.getType().getTensorType().getShape().getDimList()) {
            long v = d.hasDimValue() ? d.getDimValue() : 1;
            t.addDims(v);
            size *= v;
        }
        for (long i = 0; i < size; i++) {
            t.addFloatData(r.nextFloat() * 2 - 1);
        }
        g.addInitializer(t);
        if (r.nextBoolean()) {
            g.removeInput(0);
        }
        g.addInput(OnnxModels.valueInfo("fresh", 1, 4));
        String out = g.getOutput(0).getName();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto.Builder n = g.getNodeBuilder(i);
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals(out)) {
                    n.setOutput(k, "dead_end");
                }
            }
        }
        g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("live").addInput("fresh").addOutput(out));
        return m.build().toByteArray();
    }

    /** How many inputs the ops take (at least, at most), for generated constant nodes. */
    private static final Map<String, int[]> OP_INPUTS = Map.ofEntries(
            Map.entry("Add", new int[] {2, 2}), Map.entry("Sub", new int[] {2, 2}), Map.entry("Mul", new int[] {2, 2}),
            Map.entry("Div", new int[] {2, 2}), Map.entry("Pow", new int[] {2, 2}), Map.entry("MatMul", new int[] {2, 2}),
            Map.entry("Gemm", new int[] {2, 3}), Map.entry("Conv", new int[] {2, 3}),
            Map.entry("BatchNormalization", new int[] {5, 5}), Map.entry("Concat", new int[] {1, 4}),
            Map.entry("Gather", new int[] {2, 2}), Map.entry("Slice", new int[] {3, 5}),
            Map.entry("Reshape", new int[] {2, 2}), Map.entry("Pad", new int[] {2, 4}),
            Map.entry("Unsqueeze", new int[] {2, 2}), Map.entry("Squeeze", new int[] {1, 2}),
            Map.entry("Dropout", new int[] {1, 3}));

    // ------------------------------------------------------------------ running

    /** What one case did. */
    record Result(boolean accepted, long allocated, long nanos, boolean evaluated, Throwable unexpected,
                  String where) {
    }

    /** A case that broke a rule, with what it broke. */
    record Failure(Case c, String problem, Path saved) {
        @Override
        public String toString() {
            return "case " + c.index() + " (" + c.family() + ", " + c.bytes().length + " bytes): " + problem
                    + (saved == null ? "" : " — saved as " + saved);
        }
    }

    /** Totals of a run. */
    static final class Report {
        final long seed;
        final Map<Family, long[]> counts = new EnumMap<>(Family.class);
        final List<Failure> failures = new ArrayList<>();
        long cases;
        long evaluated;
        long first;
        double seconds;
        long largestAllocation;
        long largestAllocationCase = -1;
        long slowestNanos;
        long slowestCase = -1;

        Report(long seed) {
            this.seed = seed;
            for (Family f : Family.values()) {
                counts.put(f, new long[2]);
            }
        }

        long accepted() {
            return counts.values().stream().mapToLong(c -> c[0]).sum();
        }

        long refused() {
            return counts.values().stream().mapToLong(c -> c[1]).sum();
        }

        void print(PrintStream out) {
            out.printf("import fuzz: seed %d, %d cases (indices %d to %d) in %.1f s%n", seed, cases, first,
                    first + cases - 1, seconds);
            out.printf("  %-20s %7s %9s %8s%n", "family", "cases", "accepted", "refused");
            for (Family f : Family.values()) {
                long[] c = counts.get(f);
                out.printf("  %-20s %7d %9d %8d%n", f, c[0] + c[1], c[0], c[1]);
            }
            out.printf("  %-20s %7d %9d %8d%n", "total", cases, accepted(), refused());
            out.printf("  evaluated %d accepted graphs with both evaluators; largest import allocation %.1f MiB"
                    + " (case %d); slowest case %.0f ms (case %d)%n", evaluated, largestAllocation / 1048576.0,
                    largestAllocationCase, slowestNanos / 1e6, slowestCase);
            out.println("  failures: " + failures.size());
            failures.forEach(f -> out.println("  FAILED seed " + seed + " " + f));
        }
    }

    /**
     * Runs cases {@code first}, {@code first + 1}, ... until {@code seconds} have passed or
     * {@code maxCases} ran, stopping early after {@code maxFailures} failures.
     */
    Report run(long first, long maxCases, double seconds, int maxFailures, Path failureDir) {
        Report report = new Report(seed);
        report.first = first;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        ExecutorService worker = newWorker();
        try {
            for (long i = first; i - first < maxCases && System.nanoTime() < deadline
                    && report.failures.size() < maxFailures; i++) {
                Case c = generate(i);
                report.cases++;
                Future<Result> future = worker.submit(() -> execute(c));
                Result res;
                try {
                    res = future.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    report.failures.add(new Failure(c, "no outcome within " + TIMEOUT_MILLIS + " ms (a hang or a"
                            + " far too slow import)", save(c, failureDir)));
                    worker.shutdownNow();
                    worker = newWorker();
                    continue;
                } catch (ExecutionException | InterruptedException e) {
                    report.failures.add(new Failure(c, "the worker failed: " + e, save(c, failureDir)));
                    continue;
                }
                report.counts.get(c.family())[res.accepted() ? 0 : 1]++;
                if (res.evaluated()) {
                    report.evaluated++;
                }
                if (res.allocated() > report.largestAllocation) {
                    report.largestAllocation = res.allocated();
                    report.largestAllocationCase = c.index();
                }
                if (res.nanos() > report.slowestNanos) {
                    report.slowestNanos = res.nanos();
                    report.slowestCase = c.index();
                }
                long allowed = ALLOCATION_BASE + ALLOCATION_PER_BYTE * c.bytes().length;
                if (res.unexpected() != null) {
                    report.failures.add(new Failure(c, res.where() + " threw " + describe(res.unexpected()),
                            save(c, failureDir)));
                } else if (res.allocated() > allowed) {
                    report.failures.add(new Failure(c, "the import allocated " + res.allocated() + " bytes, more than "
                            + allowed, save(c, failureDir)));
                }
            }
        } finally {
            worker.shutdownNow();
        }
        report.seconds = (System.nanoTime() - start) / 1e9;
        return report;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "import-fuzz-worker");
            t.setDaemon(true);
            return t;
        });
    }

    private static String describe(Throwable t) {
        Throwable root = t instanceof ImporterFault && t.getCause() != null ? t.getCause() : t;
        StringBuilder b = new StringBuilder(t.toString());
        if (root != t) {
            b.append("\n      caused by ").append(root);
        }
        StackTraceElement[] at = root.getStackTrace();
        for (int i = 0; i < Math.min(8, at.length); i++) {
            b.append("\n      at ").append(at[i]);
        }
        return b.toString();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static Result execute(Case c) {
        long a0 = allocatedBytes();
        long t0 = System.nanoTime();
        ModelGraph g;
        try {
            g = OnnxImporter.read(c.bytes(), "case-" + c.index() + ".onnx", OnnxImporter.Options.DEFAULT);
        } catch (ImporterFault f) {
            return new Result(false, allocatedBytes() - a0, System.nanoTime() - t0, false, f, "the importer");
        } catch (ModelException e) {
            return new Result(false, allocatedBytes() - a0, System.nanoTime() - t0, false, null, null);
        } catch (Throwable t) {
            return new Result(false, allocatedBytes() - a0, System.nanoTime() - t0, false, t, "the importer");
        }
        long allocated = allocatedBytes() - a0;
        long nanos = System.nanoTime() - t0;
        if (!small(g)) {
            return new Result(true, allocated, nanos, false, null, null);
        }
        try {
            Random r = new Random(c.index());
            float[] zero = new float[g.inputSize()];
            float[] random = new float[g.inputSize()];
            for (int i = 0; i < random.length; i++) {
                random[i] = r.nextFloat() * 2 - 1;
            }
            FloatEvaluator f = new FloatEvaluator(g);
            FixedPointEvaluator fp = new FixedPointEvaluator(g, FixedPoint.DEFAULT);
            for (float[] x : new float[][] {zero, random}) {
                f.run(x);
                fp.runDecoded(x);
            }
        } catch (ModelException e) {
            return new Result(true, allocated, nanos, true, null, null);
        } catch (Throwable t) {
            return new Result(true, allocated, nanos, true, t, "an evaluator");
        }
        return new Result(true, allocated, nanos, true, null, null);
    }

    /** Whether both evaluators can run the graph in a few milliseconds. */
    static boolean small(ModelGraph g) {
        if (g.multiplyAccumulates() > SMALL_COST || g.inputSize() > SMALL_ACTIVATION) {
            return false;
        }
        for (Layer l : g.layers()) {
            long table = l instanceof ConvLayer conv ? (long) conv.geometry().outputPositions()
                    * conv.geometry().patchLength()
                    : l instanceof MaxPoolLayer p ? (long) p.geometry().outputPlane() * p.geometry().taps()
                    : l instanceof AvgPoolLayer p ? (long) p.geometry().outputPlane() * p.geometry().taps() : 0;
            if (l.outputSize() > SMALL_ACTIVATION || table > SMALL_COST) {
                return false;
            }
        }
        return true;
    }

    private Path save(Case c, Path dir) {
        if (dir == null) {
            return null;
        }
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve("seed-" + seed + "-case-" + c.index() + "-" + c.family() + ".onnx");
            Files.write(p, c.bytes());
            return p;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * {@code --seconds S} (default 60), {@code --seed N} (default: the current time), {@code --case I}
     * (replay one case), {@code --first I}. Exits with status 1 if any case failed.
     */
    public static void main(String[] args) {
        double seconds = 60;
        long seed = System.currentTimeMillis();
        long first = 0;
        long count = Long.MAX_VALUE;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--first" -> first = Long.parseLong(args[i + 1]);
                case "--case" -> {
                    first = Long.parseLong(args[i + 1]);
                    count = 1;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Report r = new ImportFuzz(seed, sampleModels()).run(first, count, seconds, 20, Path.of("target", "fuzz-failures"));
        r.print(System.out);
        System.exit(r.failures.isEmpty() ? 0 : 1);
    }
}
