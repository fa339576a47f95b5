package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sonic.model.onnx.OnnxModels.intAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Add, Sub, Mul and Div with a constant map onto bias and affine layers; constant subgraphs are
 * evaluated at import; affine and bias layers before a product fold into its weights.
 */
class ElementwiseTest {
    private static final float[] X = {1f, -2f, 3f};

    private static ModelGraph read(OnnxModels m) {
        return OnnxImporter.read(m.bytes(), "m.onnx", OnnxImporter.Options.DEFAULT);
    }

    private static float[] run(ModelGraph g, float[] x) {
        return new FloatEvaluator(g).run(x).values();
    }

    private static OnnxModels row() {
        return OnnxModels.create().input("x", 1, 3).output("y", 1, 3).weight("c", new float[] {10, 20, 30}, 3)
                .weight("k", new float[] {2}, 1);
    }

    private static String kinds(ModelGraph g) {
        return String.join(",", g.layers().stream().map(Layer::kind).toList());
    }

    @Test
    void additionAndSubtractionOfAConstantAreBiases() {
        ModelGraph plus = read(row().node("Add", "a", new String[] {"c", "x"}, new String[] {"y"}));
        assertInstanceOf(BiasAddLayer.class, plus.layers().get(0));
        assertArrayEquals(new float[] {11, 18, 33}, run(plus, X));
        ModelGraph minus = read(row().node("Sub", "s", new String[] {"x", "c"}, new String[] {"y"}));
        assertEquals("bias-add", kinds(minus));
        assertArrayEquals(new float[] {-10, -20, -30}, ((BiasAddLayer) minus.layers().get(0)).bias().values());
        assertArrayEquals(new float[] {-9, -22, -27}, run(minus, X));
    }

    @Test
    void aConstantMinusTheInputIsAnAffineLayerOrANegationAndABias() {
        ModelGraph perChannel = read(row().node("Sub", "s", new String[] {"c", "x"}, new String[] {"y"}));
        AffineLayer a = assertInstanceOf(AffineLayer.class, perChannel.layers().get(0));
        assertArrayEquals(new float[] {-1, -1, -1}, a.scale().values());
        assertArrayEquals(new float[] {10, 20, 30}, a.shift().values());
        assertArrayEquals(new float[] {9, 22, 27}, run(perChannel, X));
        ModelGraph full = read(OnnxModels.create().input("x", 1, 2, 2).output("y", 1, 2, 2)
                .weight("c", new float[] {1, 2, 3, 4}, 1, 2, 2)
                .node("Sub", "s", new String[] {"c", "x"}, new String[] {"y"}));
        assertEquals("affine,bias-add", kinds(full));
        assertArrayEquals(new float[] {0, 4, 0, 0}, run(full, new float[] {1, -2, 3, 4}));
        ModelGraph two = read(OnnxModels.create().input("x", 1, 3).output("y", 1, 3)
                .node("Relu", "r", new String[] {"x"}, new String[] {"h"})
                .node("Sub", "s", new String[] {"x", "h"}, new String[] {"y"}));
        assertArrayEquals(new float[] {0, -2, 0}, run(two, X));
    }

    @Test
    void productsAndQuotientsByScalarsAndPerChannelConstantsAreAffine() {
        ModelGraph times = read(row().node("Mul", "m", new String[] {"k", "x"}, new String[] {"y"}));
        assertEquals("affine", kinds(times));
        assertArrayEquals(new float[] {2, -4, 6}, run(times, X));
        ModelGraph over = read(row().node("Div", "d", new String[] {"x", "c"}, new String[] {"y"}));
        assertArrayEquals(new float[] {0.1f, -0.1f, 0.1f}, run(over, X), 1e-7f);
        ModelGraph image = read(OnnxModels.create().input("x", 1, 2, 1, 2).output("y", 1, 2, 1, 2)
                .weight("s", new float[] {3, -1}, 2, 1, 1)
                .node("Mul", "m", new String[] {"x", "s"}, new String[] {"y"}));
        assertArrayEquals(new float[] {3, 6, -3, -4}, run(image, new float[] {1, 2, 3, 4}));
    }

    @Test
    void otherShapesAndDivisionByTheInputAreRefused() {
        String m = assertThrows(UnsupportedModelException.class, () -> read(OnnxModels.create()
                .input("x", 1, 2, 3, 4).output("y", 1, 2, 3, 4).randomWeight("c", 1, 4)
                .node("Mul", "m", new String[] {"x", "c"}, new String[] {"y"}))).getMessage();
        assertTrue(m.contains("node 'm' (Mul): Mul by a constant of shape [4] onto an input of shape [1,2,3,4]")
                && m.contains("[2,1,1] or [1,2,1,1]"), m);
        m = assertThrows(UnsupportedModelException.class, () -> read(row()
                .node("Div", "d", new String[] {"c", "x"}, new String[] {"y"}))).getMessage();
        assertTrue(m.contains("division by a value computed from the input is not linear"), m);
        m = assertThrows(ModelException.class, () -> read(row().weight("z", new float[] {1, 0, 2}, 3)
                .node("Div", "d", new String[] {"x", "z"}, new String[] {"y"}))).getMessage();
        assertTrue(m.contains("node 'd' (Div) divides by the constant input 1 'z', which holds 0"), m);
        m = assertThrows(UnsupportedModelException.class, () -> read(row()
                .node("Relu", "r", new String[] {"x"}, new String[] {"h"})
                .node("Mul", "m", new String[] {"x", "h"}, new String[] {"y"}))).getMessage();
        assertTrue(m.contains("both factors depend on the model input"), m);
    }

    @Test
    void aProductOfTwoInitializersIsEvaluatedAtImport() {
        // torch.matmul(x, w / sd.unsqueeze(1)) + (b - torch.matmul(mu / sd, w))
        ModelGraph g = read(OnnxModels.create().input("x", 1, 2).output("y", 1, 2)
                .weight("w", new float[] {1, 2, 3, 4}, 2, 2).weight("b", new float[] {1, 1}, 2)
                .weight("mu", new float[] {1, 2}, 2).weight("sd", new float[] {2, 4}, 2)
                .intWeight("axis", 1)
                .node("Unsqueeze", "u", new String[] {"sd", "axis"}, new String[] {"sdc"})
                .node("Div", "d", new String[] {"w", "sdc"}, new String[] {"ws"})
                .node("MatMul", "mm", new String[] {"x", "ws"}, new String[] {"h"})
                .node("Div", "d2", new String[] {"mu", "sd"}, new String[] {"z"})
                .node("MatMul", "mm2", new String[] {"z", "w"}, new String[] {"zw"})
                .node("Sub", "s", new String[] {"b", "zw"}, new String[] {"c"})
                .node("Add", "a", new String[] {"h", "c"}, new String[] {"y"}));
        assertEquals(List.of("MatMul+Add"), g.layers().stream().map(Layer::sourceOp).toList());
        // ((x - mu) / sd) · w + b for x = (3, 6): ((1, 1)) · w + b = (1 + 3 + 1, 2 + 4 + 1)
        assertArrayEquals(new float[] {5, 7}, run(g, new float[] {3, 6}), 1e-6f);
        String m = assertThrows(UnsupportedModelException.class, () -> read(OnnxModels.create().input("x", 1, 2)
                .output("y", 1, 1).node("Relu", "r", new String[] {"x"}, new String[] {"h"})
                .node("MatMul", "mm", new String[] {"x", "h"}, new String[] {"y"}))).getMessage();
        assertTrue(m.contains("node 'mm' (MatMul): both operands depend on the model input"), m);
    }

    @Test
    void opsWithConvertersAreEvaluatedOnConstants() {
        // Conv, Relu and MaxPool of a constant image, added to the input
        ModelGraph g = read(OnnxModels.create().input("x", 1, 1, 1, 1).output("y", 1, 1, 1, 1)
                .weight("img", new float[] {1, -2, 3, -4}, 1, 1, 2, 2).weight("w", new float[] {1}, 1, 1, 1, 1)
                .node("Conv", "c", new String[] {"img", "w"}, new String[] {"ci"})
                .node("Relu", "r", new String[] {"ci"}, new String[] {"ri"})
                .node("MaxPool", "p", new String[] {"ri"}, new String[] {"pi"}, OnnxModels.ints("kernel_shape", 2, 2))
                .node("Add", "a", new String[] {"x", "pi"}, new String[] {"y"}));
        assertEquals("bias-add", kinds(g));
        assertArrayEquals(new float[] {13}, run(g, new float[] {10}));
    }

    private static OnnxModels convAfter(String op, float[] constant, long[] constShape, int pad) {
        return OnnxModels.create().input("x", 1, 2, 3, 3).output("y", 1, 1, 3 - 2 + 2 * pad, 3 - 2 + 2 * pad)
                .weight("k", constant, constShape).randomWeight("w", 5, 1, 2, 2, 2).weight("b", new float[] {0.5f}, 1)
                .node(op, "n", new String[] {"x", "k"}, new String[] {"h"})
                .node("Conv", "conv", new String[] {"h", "w", "b"}, new String[] {"y"},
                        OnnxModels.ints("pads", pad, pad, pad, pad));
    }

    private static float[] image() {
        float[] x = new float[18];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 5) - 2.5f;
        }
        return x;
    }

    @Test
    void aScaleFoldsForwardIntoAConvEvenWithPadding() {
        OnnxModels m = convAfter("Mul", new float[] {2, -3}, new long[] {2, 1, 1}, 1);
        ModelGraph g = read(m);
        assertEquals(List.of("Mul+Conv"), g.layers().stream().map(Layer::sourceOp).toList());
        float[] want = expectedUnfolded("Mul", new float[] {2, -3}, 1);
        assertArrayEquals(want, run(g, image()), 1e-5f);
    }

    @Test
    void aShiftFoldsForwardIntoAConvOnlyWithoutPadding() {
        ModelGraph padded = read(convAfter("Add", new float[] {1, -1}, new long[] {2, 1, 1}, 1));
        assertEquals("bias-add,conv", kinds(padded));
        assertArrayEquals(expectedUnfolded("Add", new float[] {1, -1}, 1), run(padded, image()), 1e-5f);
        ModelGraph unpadded = read(convAfter("Add", new float[] {1, -1}, new long[] {2, 1, 1}, 0));
        assertEquals(List.of("Add+Conv"), unpadded.layers().stream().map(Layer::sourceOp).toList());
        assertArrayEquals(expectedUnfolded("Add", new float[] {1, -1}, 0), run(unpadded, image()), 1e-5f);
    }

    /** The same model with the constant applied by hand to the input, so that nothing can fold. */
    private static float[] expectedUnfolded(String op, float[] k, int pad) {
        float[] x = image();
        float[] h = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float kv = k[i / 9];
            h[i] = op.equals("Mul") ? x[i] * kv : x[i] + kv;
        }
        ModelGraph conv = read(OnnxModels.create().input("x", 1, 2, 3, 3).output("y", 1, 1, 2, 2)
                .randomWeight("w", 5, 1, 2, 2, 2).weight("b", new float[] {0.5f}, 1)
                .node("Conv", "conv", new String[] {"x", "w", "b"}, new String[] {"y"},
                        OnnxModels.ints("pads", pad, pad, pad, pad)));
        return run(conv, h);
    }

    @Test
    void inputNormalisationFoldsForwardIntoAMatrixProduct() {
        // (x - mean) / std, then a Linear layer
        OnnxModels m = OnnxModels.create().input("x", 1, 3).output("y", 1, 2)
                .weight("mean", new float[] {1, 2, 3}, 3).weight("std", new float[] {2, 4, 0.5f}, 3)
                .weight("W", new float[] {1, 0, -1, 2, 0.5f, 1}, 2, 3).weight("b", new float[] {0.25f, -1}, 2)
                .node("Sub", "s", new String[] {"x", "mean"}, new String[] {"c"})
                .node("Div", "d", new String[] {"c", "std"}, new String[] {"z"})
                .node("Gemm", "fc", new String[] {"z", "W", "b"}, new String[] {"y"}, intAttr("transB", 1));
        ModelGraph g = read(m);
        MatMulLayer mm = assertInstanceOf(MatMulLayer.class, g.layers().get(0));
        assertEquals(1, g.layers().size());
        assertEquals("Sub+Div+Gemm", mm.sourceOp());
        float[] x = {3, -2, 4};
        float[] z = {(3 - 1) / 2f, (-2 - 2) / 4f, (4 - 3) / 0.5f};
        float[] want = {z[0] - z[2] + 0.25f, 2 * z[0] + 0.5f * z[1] + z[2] - 1};
        assertArrayEquals(want, run(g, x), 1e-5f);
    }
}
