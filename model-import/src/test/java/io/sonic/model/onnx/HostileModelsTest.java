package io.sonic.model.onnx;

import com.google.protobuf.ByteString;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.Layer;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorShapeProto;
import io.sonic.model.onnx.proto.OnnxProto.TypeProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static io.sonic.model.onnx.OnnxModels.floatAttr;
import static io.sonic.model.onnx.OnnxModels.intAttr;
import static io.sonic.model.onnx.OnnxModels.stringAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny hostile files that used to hang the importer, exhaust its memory or make it throw something
 * other than a {@link ModelException}: each now ends in one clear message (never the last-resort
 * {@link ImporterFault}) or in a graph.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HostileModelsTest {
    private static final String[] X = {"x"};

    private static ModelGraph read(OnnxModels m) {
        return OnnxImporter.read(m.bytes(), "model.onnx", OnnxImporter.Options.DEFAULT);
    }

    /** The import's message, after checking that it failed with a real check, not the last resort. */
    static String fails(OnnxModels m, String... fragments) {
        ModelException e = assertThrows(ModelException.class, () -> read(m));
        assertFalse(e instanceof ImporterFault, "last-resort fallback taken: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
        return e.getMessage();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static OnnxModels vector(int n) {
        return OnnxModels.create().input("x", 1, n).output("y", 1, n);
    }

    // ------------------------------------------------------------------ graph wiring

    @Test
    void aNodeThatReadsItsOwnOutputIsRefusedByName() {
        for (String op : new String[] {"Identity", "Dropout", "Relu"}) {
            fails(vector(4).node("Relu", "r", X, new String[] {"h"})
                            .node(op, "loop", new String[] {"h2"}, new String[] {"h2"})
                            .node("Relu", "out", new String[] {"h2"}, new String[] {"y"}),
                    "node 'loop' (" + op + ") reads its own output 'h2'");
        }
        fails(vector(4).intWeight("pads", 0, 0, 0, 0)
                        .node("Pad", "p", new String[] {"h", "pads"}, new String[] {"h"})
                        .node("Relu", "out", new String[] {"h"}, new String[] {"y"}),
                "node 'p' (Pad) reads its own output 'h'");
    }

    @Test
    void anIdentityThatWritesTheGraphInputIsRefused() {
        fails(vector(4).node("Identity", "id", X, X).node("Relu", "r", X, new String[] {"y"}),
                "node 'id' (Identity) writes 'x', which is already a graph input");
    }

    @Test
    void aCycleNamesItsNodes() {
        String m = fails(vector(4).node("Add", "a", new String[] {"x", "q"}, new String[] {"p"})
                        .node("Relu", "b", new String[] {"p"}, new String[] {"q"})
                        .node("Relu", "c", new String[] {"p"}, new String[] {"y"}),
                "cycle", "node 'a' (Add)", "node 'b' (Relu)");
        assertFalse(m.contains("node 'c'"), m);
    }

    @Test
    void duplicatedNamesAreRefused() {
        fails(vector(4).node("Relu", "r1", X, new String[] {"y"}).node("Relu", "r2", X, new String[] {"y"}),
                "tensor 'y' is written by both node 'r1' (Relu) and node 'r2' (Relu)");
        fails(vector(4).weight("w", new float[] {1, 2, 3, 4}, 4).node("Relu", "r", X, new String[] {"w"})
                        .node("Relu", "r2", new String[] {"w"}, new String[] {"y"}),
                "node 'r' (Relu) writes 'w', which is already an initializer");
        fails(vector(4).weight("w", new float[] {1}, 1).weight("w", new float[] {2}, 1)
                .node("Relu", "r", X, new String[] {"y"}), "initializer 'w' is defined twice");
        fails(vector(4).input("x", 1, 4).node("Relu", "r", X, new String[] {"y"}), "graph input 'x' is declared twice");
    }

    @Test
    void aDanglingInputNamesTheNodeAndTheTensor() {
        fails(vector(4).node("Add", "sum", new String[] {"x", "nowhere"}, new String[] {"y"}),
                "node 'sum' (Add) reads tensor 'nowhere', which no node produces");
    }

    @Test
    void nodesOutOfOrderAreSorted() {
        ModelGraph g = read(vector(4).weight("b", new float[] {1, 2, 3, 4}, 4)
                .node("Add", "second", new String[] {"h", "b"}, new String[] {"y"})
                .node("Relu", "first", X, new String[] {"h"}));
        assertEquals(java.util.List.of("first", "second"), g.layers().stream().map(Layer::name).toList());
        assertArrayEquals(new float[] {1, 2, 5, 4}, new FloatEvaluator(g).run(new float[] {-1, 0, 2, -3}).values());
    }

    @Test
    void aDeepChainImportsInLinearTime() {
        OnnxModels m = vector(4);
        int n = 20_000;
        String prev = "x";
        for (int i = 0; i < n; i++) {
            String next = i == n - 1 ? "y" : "t" + i;
            m.node(i % 2 == 0 ? "Identity" : "Relu", "n", new String[] {prev}, new String[] {next});
            prev = next;
        }
        long start = System.nanoTime();
        ModelGraph g = read(m);
        assertEquals(n / 2, g.layers().size());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "20000 nodes took too long");
        assertEquals(n / 2, g.layers().stream().map(Layer::name).distinct().count(), "layer names are unique");
    }

    @Test
    void manyLayersSharingOneLargeWeightImportQuickly() {
        OnnxModels m = OnnxModels.create().input("x", 1, 256).output("y", 1, 256).randomWeight("W", 7, 256, 256);
        int n = 5000;
        String prev = "x";
        for (int i = 0; i < n; i++) {
            String next = i == n - 1 ? "y" : "h" + i;
            m.node("MatMul", "mm", new String[] {prev, "W"}, new String[] {next});
            prev = next;
        }
        long start = System.nanoTime();
        ModelGraph g = read(m);
        assertEquals(n, g.layers().size());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "5000 layers sharing a weight took too long");
    }

    // ------------------------------------------------------------------ sizes

    @Test
    void aTensorThatDeclaresMoreValuesThanItHoldsIsRefusedBeforeAllocation() {
        long before = allocatedBytes();
        TensorProto empty = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1L << 30).build();
        fails(vector(4).initializer(empty).node("Add", "a", new String[] {"x", "w"}, new String[] {"y"}),
                "initializer 'w' declares shape [1073741824] (1073741824 values) but its data holds none");
        TensorProto raw = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1L << 28).setRawData(ByteString.copyFrom(new byte[16])).build();
        fails(vector(4).initializer(raw).node("Add", "a", new String[] {"x", "w"}, new String[] {"y"}),
                "declares shape [268435456]", "holds 16 bytes");
        TensorProto overflow = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1L << 20).addDims(1L << 20).addDims(1L << 20).build();
        fails(vector(4).initializer(overflow).node("Add", "a", new String[] {"x", "w"}, new String[] {"y"}),
                "initializer 'w'", "more than the limit");
        assertTrue(allocatedBytes() - before < 64L << 20, "refusing declared sizes allocated "
                + (allocatedBytes() - before) + " bytes");
    }

    @Test
    void foldedConstantsAreBoundedByTheBudget() {
        long before = allocatedBytes();
        fails(vector(4).intWeight("shape", 1L << 28)
                        .node("ConstantOfShape", "zeros", new String[] {"shape"}, new String[] {"z"})
                        .node("Add", "a", new String[] {"x", "z"}, new String[] {"y"}),
                "node 'zeros' (ConstantOfShape)", "more than", "elements");
        fails(vector(4).randomWeight("col", 1, 16384, 1).randomWeight("row", 2, 1, 16384)
                        .node("Mul", "outer", new String[] {"col", "row"}, new String[] {"big"})
                        .node("Add", "a", new String[] {"x", "big"}, new String[] {"y"}),
                "node 'outer' (Mul)", "more than");
        OnnxModels concat = vector(4).randomWeight("c", 3, 1 << 12);
        String[] many = new String[4096];
        java.util.Arrays.fill(many, "c");
        fails(concat.node("Concat", "cat", many, new String[] {"big"}, intAttr("axis", 0))
                .node("Add", "a", new String[] {"x", "big"}, new String[] {"y"}), "node 'cat' (Concat)", "more than");
        assertTrue(allocatedBytes() - before < 200L << 20, "allocated " + (allocatedBytes() - before) + " bytes");
    }

    @Test
    void geometryTablesAreBounded() {
        fails(OnnxModels.create().input("x", 1, 64, 1024, 1024).output("y", 1, 1, 1022, 1022)
                        .randomWeight("w", 1, 1, 64, 3, 3)
                        .node("Conv", "c", new String[] {"x", "w"}, new String[] {"y"}),
                "node 'c' (Conv)", "patch table", "more than the limit of 268435456");
        fails(OnnxModels.create().input("x", 1, 1, 4096, 4096).output("y", 1, 1, 4033, 4033)
                        .node("MaxPool", "p", X, new String[] {"y"}, OnnxModels.ints("kernel_shape", 64, 64)),
                "node 'p' (MaxPool)", "window table", "more than the limit");
        fails(OnnxModels.create().input("x", 1, 1 << 14, 1 << 13).output("y", 1, 1)
                .node("Relu", "r", X, new String[] {"y"}), "input 'x'", "more than the limit of 67108864");
    }

    // ------------------------------------------------------------------ integer overflows

    @Test
    void inputDimensionsAreNotCastSilently() {
        fails(OnnxModels.create().input("x", 1, (1L << 32) + 10).output("y", 1, 10)
                .node("Relu", "r", X, new String[] {"y"}), "input 'x' has size 4294967306 on axis 1");
        fails(OnnxModels.create().input("x", 1, 3_000_000_000L).output("y", 1, 10)
                .node("Relu", "r", X, new String[] {"y"}), "input 'x' has size 3000000000 on axis 1");
        ModelException zero = assertThrows(UnsupportedModelException.class, () -> read(OnnxModels.create()
                .input("x", 1, 0).output("y", 1, 0).node("Relu", "r", X, new String[] {"y"})));
        assertTrue(zero.getMessage().contains("input 'x' has size 0 on axis 1"), zero.getMessage());
        ValueInfoProto negative = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(-5))))).build();
        fails(OnnxModels.create().input(negative).output("y", 1, 5).node("Relu", "r", X, new String[] {"y"}),
                "input 'x' has size -5 on axis 1");
    }

    @Test
    void anOpsetPast32BitsIsNotReadAsItsLowBits() {
        String m = fails(vector(4).opset(4294967309L).node("Relu", "r", X, new String[] {"y"}), "opset 4294967309");
        assertFalse(m.contains("opset 13"), m);
        fails(vector(4).opset(0).node("Relu", "r", X, new String[] {"y"}), "opset 0");
        fails(vector(4).opset(-3).node("Relu", "r", X, new String[] {"y"}), "invalid version -3");
    }

    private static OnnxModels conv(AttributeProto... attrs) {
        return OnnxModels.create().input("x", 1, 2, 8, 8).output("y", 1, 2, 8, 8).randomWeight("w", 1, 2, 2, 3, 3)
                .node("Conv", "c", new String[] {"x", "w"}, new String[] {"y"}, attrs);
    }

    @Test
    void windowAttributesAreValidated() {
        fails(conv(OnnxModels.ints("pads", Integer.MIN_VALUE, 0, 0, 0)), "node 'c' (Conv): attribute 'pads' must be");
        fails(conv(OnnxModels.ints("dilations", Integer.MAX_VALUE, 1)), "attribute 'dilations' must be");
        fails(conv(OnnxModels.ints("strides", 0, 1)), "attribute 'strides' must be");
        fails(conv(OnnxModels.ints("strides", 1)), "attribute 'strides' with 1 values");
        fails(conv(intAttr("group", 0)), "attribute 'group' must be an integer from 1 to 2, got 0");
        fails(conv(OnnxModels.ints("dilations", 5, 5)), "does not fit an input of 8");
        fails(conv(stringAttr("auto_pad", "SAME_SIDEWAYS")), "attribute 'auto_pad' must be one of NOTSET, VALID");
        fails(conv(OnnxModels.ints("kernel_shape")), "has kernel_shape [], which does not match the weights");
        fails(OnnxModels.create().input("x", 1, 3, 8, 8).output("y", 1, 2, 8, 8).randomWeight("w", 1, 2, 1, 3, 3)
                .node("Conv", "c", new String[] {"x", "w"}, new String[] {"y"}, intAttr("group", 3)),
                "convolution with group 3");
    }

    // ------------------------------------------------------------------ attributes

    @Test
    void attributesOfTheWrongTypeNameNodeAttributeAndExpectation() {
        String m = fails(OnnxModels.create().input("x", 1, 4).output("y", 1, 3).randomWeight("W", 1, 3, 4)
                        .node("Gemm", "fc", new String[] {"x", "W"}, new String[] {"y"}, stringAttr("transB", "1")));
        assertEquals("node 'fc' (Gemm): attribute 'transB' must be an integer 0 or 1, got a string", m);
        fails(OnnxModels.create().input("x", 1, 4).output("y", 1, 3).randomWeight("W", 1, 3, 4)
                        .node("Gemm", "fc", new String[] {"x", "W"}, new String[] {"y"}, intAttr("transB", 2)),
                "attribute 'transB' must be an integer 0 or 1, got 2");
        fails(OnnxModels.create().input("x", 1, 2, 4, 4).output("y", 1, 2, 2, 2)
                        .node("MaxPool", "p", X, new String[] {"y"}, OnnxModels.ints("kernel_shape", 2, 2),
                                intAttr("ceil_mode", 2)), "attribute 'ceil_mode' must be an integer 0 or 1, got 2");
        fails(OnnxModels.create().input("x", 1, 2, 4, 4).output("y", 1, 2, 2, 2)
                        .node("AveragePool", "p", X, new String[] {"y"}, OnnxModels.ints("kernel_shape", 2, 2),
                                intAttr("count_include_pad", 5)), "attribute 'count_include_pad' must be");
        fails(OnnxModels.create().input("x", 1, 2, 4, 4).output("y", 1, 2, 2, 2)
                .node("MaxPool", "p", X, new String[] {"y"}, OnnxModels.ints("kernel_shape")),
                "kernel_shape [] with 0 values");
        fails(vector(4).node("Relu", "r", X, new String[] {"y"}, intAttr("alpha", 3)),
                "node 'r' (Relu) has the attribute 'alpha'");
        fails(vector(4).node("Relu", "r", X, new String[] {"y"}, intAttr("a", 1), intAttr("a", 2)),
                "gives the attribute 'a' twice");
    }

    @Test
    void batchNormEpsilonAndStatisticsAreChecked() {
        OnnxModels base = OnnxModels.create().input("x", 1, 2, 1, 1).output("y", 1, 2, 1, 1)
                .weight("s", new float[] {1, 1}, 2).weight("b", new float[] {0, 0}, 2)
                .weight("m", new float[] {0, 0}, 2);
        fails(base.weight("v", new float[] {1, 1}, 2).node("BatchNormalization", "bn",
                        new String[] {"x", "s", "b", "m", "v"}, new String[] {"y"}, floatAttr("epsilon", Float.NaN)),
                "node 'bn' (BatchNormalization): attribute 'epsilon' must be a finite float, got NaN");
        fails(OnnxModels.create().input("x", 1, 2, 1, 1).output("y", 1, 2, 1, 1)
                        .weight("s", new float[] {1, 1}, 2).weight("b", new float[] {0, 0}, 2)
                        .weight("m", new float[] {0, 0}, 2).weight("v", new float[] {1, 0}, 2)
                        .node("BatchNormalization", "bn", new String[] {"x", "s", "b", "m", "v"}, new String[] {"y"},
                                floatAttr("epsilon", 0f)),
                "node 'bn' (BatchNormalization) has variance + epsilon ≤ 0 on channel 1");
    }

    @Test
    void constantOperandsAreValidated() {
        OnnxModels t = vector(4).randomWeight("w", 1, 2, 3);
        fails(t.node("Transpose", "t", new String[] {"w"}, new String[] {"wt"}, OnnxModels.ints("perm", 0, 0))
                .node("Relu", "r", X, new String[] {"y"}), "attribute 'perm' [0,0], which is not a permutation");
        fails(vector(4).randomWeight("w", 1, 2, 3)
                .node("Transpose", "t", new String[] {"w"}, new String[] {"wt"}, OnnxModels.ints("perm", 0, 5))
                .node("Relu", "r", X, new String[] {"y"}), "not a permutation");
        fails(vector(4).randomWeight("w", 1, 2, 3)
                .node("Transpose", "t", new String[] {"w"}, new String[] {"wt"}, OnnxModels.ints("perm", 0))
                .node("Relu", "r", X, new String[] {"y"}), "not a permutation");
        fails(vector(4).randomWeight("w", 1, 4, 4).intWeight("s", 0).intWeight("e", 2).intWeight("a", 7)
                        .node("Slice", "s", new String[] {"w", "s", "e", "a"}, new String[] {"ws"})
                        .node("Relu", "r", X, new String[] {"y"}),
                "node 's' (Slice): Slice axis 7 is out of range for a tensor of rank 2");
        fails(vector(4).randomWeight("w", 1, 4, 4).intWeight("s", 0, 0).intWeight("e", 2, 2).intWeight("a", 1, -1)
                .node("Slice", "s", new String[] {"w", "s", "e", "a"}, new String[] {"ws"})
                .node("Relu", "r", X, new String[] {"y"}), "is given twice");
        fails(vector(4).randomWeight("w", 1, 4, 4).intWeight("s", 0, 0).intWeight("e", 2)
                .node("Slice", "s", new String[] {"w", "s", "e"}, new String[] {"ws"})
                .node("Relu", "r", X, new String[] {"y"}), "has 2 starts, 1 ends");
        fails(vector(4).randomWeight("a", 1, 2, 3).randomWeight("b", 2, 3, 3)
                        .node("Concat", "cat", new String[] {"a", "b"}, new String[] {"ab"}, intAttr("axis", 1))
                        .node("Relu", "r", X, new String[] {"y"}),
                "concatenates input 1 'b' of shape [3,3] with input 0 'a' of shape [2,3] along axis 1");
        fails(vector(4).randomWeight("w", 1, 3).intWeight("i", 3)
                .node("Gather", "g", new String[] {"w", "i"}, new String[] {"wg"})
                .node("Relu", "r", X, new String[] {"y"}), "has index 3", "out of range for axis 0 of size 3");
        fails(vector(4).randomWeight("w", 1, 3).node("Cast", "c", new String[] {"w"}, new String[] {"ws"},
                intAttr("to", TensorProto.DataType.STRING_VALUE)).node("Relu", "r", X, new String[] {"y"}),
                "Cast to STRING");
        fails(vector(4).randomWeight("w", 1, 3).node("Cast", "c", new String[] {"w"}, new String[] {"ws"},
                intAttr("to", 77)).node("Relu", "r", X, new String[] {"y"}), "not an ONNX element type");
        fails(vector(4).intWeight("ax", 1, 1).node("Unsqueeze", "u", new String[] {"x", "ax"}, new String[] {"y"}),
                "Unsqueeze axis 1 is given twice");
        fails(vector(4).intWeight("ax", 3).node("Squeeze", "s", new String[] {"x", "ax"}, new String[] {"y"}),
                "Squeeze axis 3 is out of range");
        fails(vector(4).intWeight("ax", 1).node("Squeeze", "s", new String[] {"x", "ax"}, new String[] {"y"}),
                "cannot squeeze axis 1 of [1,4]");
        fails(vector(4).node("Flatten", "f", X, new String[] {"y"}, intAttr("axis", 3)),
                "Flatten axis 3 is out of range");
        fails(vector(4).intWeight("shape", -1, -1).node("Reshape", "r", new String[] {"x", "shape"}, new String[] {"y"}),
                "has two -1");
        fails(vector(4).intWeight("shape", 3, -2).node("Reshape", "r", new String[] {"x", "shape"}, new String[] {"y"}),
                "invalid dimension -2");
        fails(vector(4).intWeight("shape", 3, 3).node("Reshape", "r", new String[] {"x", "shape"}, new String[] {"y"}),
                "cannot reshape [1,4] (4 values) to [3,3]");
        fails(vector(4).intWeight("pads", 0, 0, 0).node("Pad", "p", new String[] {"x", "pads"}, new String[] {"y"}),
                "node 'p' (Pad) has 3 pads for an input of shape [1,4]");
        fails(vector(4).intWeight("pads", 0, 1).intWeight("axes", 2)
                .node("Pad", "p", new String[] {"x", "pads", "", "axes"}, new String[] {"y"}),
                "axis 2 is out of range for a tensor of rank 2");
        fails(vector(4).intWeight("pads", 0, -5, 0, 0).node("Pad", "p", new String[] {"x", "pads"}, new String[] {"y"}),
                "below one element");
        fails(vector(4).intWeight("pads", 0, 1L << 40, 0, 0).node("Pad", "p", new String[] {"x", "pads"},
                new String[] {"y"}), "node 'p' (Pad) has the pad 1099511627776 at position 1");
    }

    @Test
    void extraInputsAndOutputsAreRefused() {
        fails(vector(4).weight("w", new float[] {1}, 1).node("Relu", "r", new String[] {"x", "w"}, new String[] {"y"}),
                "node 'r' (Relu) has an input 1 'w', but Relu takes 1 input");
        fails(vector(4).node("Relu", "r", X, new String[] {"y", "z"}), "node 'r' (Relu) asks for its output 1 'z'");
    }

    // ------------------------------------------------------------------ names

    @Test
    void namesFromTheFileArePrintedSafely() {
        String evil = "\u001b]0;pwned\u0007\u001b[31mred\u202e";
        String m = fails(vector(4).node("Sigmoid", evil, X, new String[] {"y"}));
        assertFalse(m.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f || ch == 0x202e), m);
        assertTrue(m.contains("\\u001b]0;pwned\\u0007\\u001b[31mred\\u202e"), m);
        String m2 = fails(vector(4).node("Relu", "r", new String[] {"x" + evil}, new String[] {"y"}));
        assertFalse(m2.chars().anyMatch(ch -> ch < 0x20), m2);
        String m3 = fails(vector(4).node("Sigmoid", "n".repeat(100_000), X, new String[] {"y"}));
        assertTrue(m3.contains("n".repeat(io.sonic.model.Names.MAX_LENGTH) + "…'"), "long name is cut");
        assertTrue(m3.length() < 2000, "message of " + m3.length() + " characters");
        ModelGraph g = read(vector(4).producer("tool\u001b[2J").node("Relu", "relu\u0000\u001b", X, new String[] {"y"}));
        assertEquals("relu\\u0000\\u001b", g.layers().get(0).name());
        assertEquals("tool\\u001b[2J", g.producer());
    }

    // ------------------------------------------------------------------ weights

    @Test
    void nonFiniteWeightsAreRefusedWithLayerAndTensorNamed() {
        fails(OnnxModels.create().input("x", 1, 2).output("y", 1, 2)
                        .weight("W", new float[] {1, Float.NaN, 0, 1}, 2, 2)
                        .node("Gemm", "fc", new String[] {"x", "W"}, new String[] {"y"}),
                "node 'fc' (Gemm): its B operand 'W' holds NaN or infinite values, which cannot be encoded in fixed point");
        fails(OnnxModels.create().input("x", 1, 2).output("y", 1, 2).weight("b", new float[] {1, Float.POSITIVE_INFINITY}, 2)
                .node("Add", "add", new String[] {"x", "b"}, new String[] {"y"}), "its addend 'b' holds NaN or infinite");
        fails(OnnxModels.create().input("x", 1, 2).output("y", 1, 2)
                        .weight("W", new float[] {1e9f, 0, 0, 1e9f}, 2, 2)
                        .node("Gemm", "fc", new String[] {"x", "W"}, new String[] {"y"}, floatAttr("alpha", 1e30f)),
                "node 'fc' (Gemm): the scaled weight holds NaN or infinite values");
    }

    @Test
    void aMissingFileNameIsNotRequired() {
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxImporter.read(new byte[] {8, 7}, "bad\u001bname.onnx", OnnxImporter.Options.DEFAULT));
        assertTrue(e.getMessage().startsWith("bad\\u001bname.onnx "), e.getMessage());
        assertInstanceOf(ModelException.class, e);
    }

    @Test
    void theLastResortNamesTheFileAndTheNode() {
        ImporterFault f = new ImporterFault("m.onnx", "node 'n' (Relu)", new IllegalStateException("x"));
        assertTrue(f.getMessage().startsWith("m.onnx is malformed in a way the importer did not recognise (while"
                + " converting node 'n' (Relu)): IllegalStateException"), f.getMessage());
        assertInstanceOf(ModelException.class, f);
    }
}
