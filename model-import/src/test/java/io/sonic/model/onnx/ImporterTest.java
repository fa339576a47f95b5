package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.samples.SampleModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImporterTest {

    private static ModelGraph sample(String name) {
        return OnnxImporter.read(SampleModels.root().resolve(name).resolve(name + ".onnx"));
    }

    private static List<String> ops(ModelGraph g) {
        return g.layers().stream().map(Layer::sourceOp).toList();
    }

    @Test
    void m1BatchNormsFoldIntoTheirGemms() {
        ModelGraph g = sample("mnist-m1");
        assertEquals(List.of("Gemm+BatchNormalization", "Relu", "Gemm+BatchNormalization", "Relu",
                "Gemm+BatchNormalization"), ops(g));
        assertArrayEquals(new int[] {1, 784}, g.inputShape());
        assertArrayEquals(new int[] {1, 10}, g.outputShape());
        assertEquals(784 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10, g.parameterCount());
    }

    @Test
    void m2KeepsThePapersLayerOrderWithPoolingBeforeRelu() {
        ModelGraph g = sample("mnist-m2");
        List<String> kinds = g.layers().stream().map(Layer::kind).toList();
        assertEquals(List.of("conv", "maxpool", "relu", "conv", "maxpool", "relu", "reshape", "matmul", "relu",
                "matmul"), kinds);
        assertArrayEquals(new int[] {1, 16, 24, 24}, g.layers().get(0).outputShape());
        assertArrayEquals(new int[] {1, 256}, g.layers().get(6).outputShape());
        assertTrue(g.layers().stream().noneMatch(l -> l instanceof AffineLayer), "every BatchNorm folded");
    }

    @Test
    void batchNormWithoutAPrecedingProductBecomesAPerChannelAffine() {
        float[] scale = {2f, 0.5f};
        float[] bias = {1f, -1f};
        float[] mean = {0.5f, 0f};
        float[] var = {4f, 1f};
        ModelGraph g = OnnxImporter.read(OnnxModels.create().input("x", 1, 2, 1, 2).output("y", 1, 2, 1, 2)
                .weight("s", scale, 2).weight("b", bias, 2).weight("m", mean, 2).weight("v", var, 2)
                .node("Relu", "r", new String[] {"x"}, new String[] {"h"})
                .node("BatchNormalization", "bn", new String[] {"h", "s", "b", "m", "v"}, new String[] {"y"},
                        OnnxModels.floatAttr("epsilon", 0f))
                .bytes(), "bn.onnx", OnnxImporter.Options.DEFAULT);
        assertInstanceOf(AffineLayer.class, g.layers().get(1));
        FloatTensor y = new FloatEvaluator(g).run(new float[] {1f, -3f, 2f, 4f});
        // channel 0: (x - 0.5) / 2 * 2 + 1; channel 1: x * 0.5 - 1 (after ReLU)
        assertArrayEquals(new float[] {1.5f, 0.5f, 0f, 1f}, y.values(), 1e-6f);
    }

    @Test
    void biasAddAfterMatMulIsFoldedAndWeightPreprocessingIsConstantFolded() {
        // MatMul(x, Transpose(W)) + b, as some exporters write a Linear layer
        ModelGraph g = OnnxImporter.read(OnnxModels.create().input("x", 1, 3).output("y", 1, 2)
                .weight("W", new float[] {1, 2, 3, 4, 5, 6}, 2, 3).weight("b", new float[] {10, 20}, 2)
                .node("Transpose", "t", new String[] {"W"}, new String[] {"Wt"})
                .node("MatMul", "mm", new String[] {"x", "Wt"}, new String[] {"h"})
                .node("Add", "add", new String[] {"h", "b"}, new String[] {"y"})
                .bytes(), "lin.onnx", OnnxImporter.Options.DEFAULT);
        assertEquals(1, g.layers().size());
        MatMulLayer mm = assertInstanceOf(MatMulLayer.class, g.layers().get(0));
        assertEquals("MatMul+Add", mm.sourceOp());
        assertArrayEquals(new float[] {1 + 2 + 3 + 10, 4 + 5 + 6 + 20},
                new FloatEvaluator(g).run(new float[] {1, 1, 1}).values());
    }

    @Test
    void convBiasAndBatchNormFoldIntoOneConv() {
        ModelGraph g = sample("fashion-cnn");
        long convs = g.layers().stream().filter(l -> l instanceof ConvLayer).count();
        assertEquals(3, convs);
        assertTrue(g.layers().stream().noneMatch(l -> l instanceof AffineLayer));
    }
}
