package io.sonic.model.onnx;

import io.sonic.model.ModelGraph;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.eval.FloatEvaluator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model's last operator, when it is a Softmax or LogSoftmax over the whole output, or a Sigmoid after one
 * logit, is left out: the graph ends at the logits it reads (the label is the same) and says so; anywhere
 * else, or over part of the output, it is refused as before.
 */
class FinalSoftmaxTest {
    private static final float[] W = {0.5f, -1f, 2f, 0.25f, 1.5f, -0.5f, -2f, 1f, 0.75f, 0.1f, -0.3f, 0.9f};

    /** x [1,4] → Gemm → [1,3] logits "z", then {@code tail} (op, attributes) to "y", unless tail is null. */
    private static ModelGraph mlp(long opset, String tail, io.sonic.model.onnx.proto.OnnxProto.AttributeProto... attrs) {
        OnnxModels m = OnnxModels.create().opset(opset).input("x", -1, 4).output("y", -1, 3)
                .weight("W", W, 3, 4).weight("b", new float[] {0.1f, -0.2f, 0.3f}, 3)
                .node("Gemm", "fc", new String[] {"x", "W", "b"}, new String[] {tail == null ? "y" : "z"},
                        OnnxModels.intAttr("transB", 1));
        if (tail != null) {
            m.node(tail, "probs", new String[] {"z"}, new String[] {"y"}, attrs);
        }
        return OnnxImporter.read(m.bytes(), "m.onnx", OnnxImporter.Options.DEFAULT);
    }

    @Test
    void aFinalSoftmaxOrLogSoftmaxIsLeftOutAndTheGraphEndsAtTheLogits() {
        ModelGraph logits = mlp(13, null);
        assertEquals("", logits.leftOutFinalOp());
        assertNull(logits.leftOutNote());
        float[] x = {1f, -2f, 0.5f, 3f};
        float[] z = new FloatEvaluator(logits).run(x).values();
        for (Object[] c : new Object[][] {{13L, "Softmax"}, {9L, "Softmax"}, {13L, "LogSoftmax"}, {11L, "LogSoftmax"}}) {
            ModelGraph g = mlp((Long) c[0], (String) c[1]);
            String what = c[1] + " opset " + c[0];
            assertEquals(c[1], g.leftOutFinalOp(), what);
            assertEquals(logits.layers().size(), g.layers().size(), what);
            assertArrayEquals(new int[] {1, 3}, g.outputShape(), what);
            assertArrayEquals(z, new FloatEvaluator(g).run(x).values(), what + ": the output is the logits");
            assertTrue(g.leftOutNote().contains("final " + c[1] + " is left out"), g.leftOutNote());
        }
        // an explicit axis over the classes, either way of writing it
        assertEquals("Softmax", mlp(13, "Softmax", OnnxModels.intAttr("axis", 1)).leftOutFinalOp());
        assertEquals("Softmax", mlp(13, "Softmax", OnnxModels.intAttr("axis", -1)).leftOutFinalOp());
    }

    @Test
    void aFinalSigmoidIsLeftOutOnlyAfterOneLogit() {
        byte[] binary = OnnxModels.create().input("x", -1, 4).output("y", -1, 1)
                .weight("W", new float[] {0.5f, -1f, 2f, 0.25f}, 1, 4)
                .node("Gemm", "fc", new String[] {"x", "W"}, new String[] {"z"}, OnnxModels.intAttr("transB", 1))
                .node("Sigmoid", "p", new String[] {"z"}, new String[] {"y"}).bytes();
        ModelGraph g = OnnxImporter.read(binary, "b.onnx", OnnxImporter.Options.DEFAULT);
        assertEquals("Sigmoid", g.leftOutFinalOp());
        float[] x = {1f, 0f, 0f, 0f};
        assertArrayEquals(new float[] {0.5f}, new FloatEvaluator(g).run(x).values(), "the logit, not its sigmoid");
        assertEquals(1, new FloatEvaluator(g).run(x).argmax(), "class 1: the logit is positive");
        assertEquals(0, new FloatEvaluator(g).run(new float[] {0f, 1f, 0f, 0f}).argmax());
        // three independent probabilities are not one label
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> mlp(13, "Sigmoid"));
        assertTrue(e.getMessage().startsWith("unsupported operator 'Sigmoid' in node 'probs'")
                && e.getMessage().contains("it gives 3 independent probabilities"), e.getMessage());
    }

    @Test
    void aSoftmaxOverPartOfTheOutputIsRefused() {
        // [1,3] normalised over axis 0 (the batch of one) alone: each score is its own group
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> mlp(13, "Softmax", OnnxModels.intAttr("axis", 0)));
        assertTrue(e.getMessage().contains("normalises over axis 0 of shape [1,3] only")
                && e.getMessage().contains("Export the model without it"), e.getMessage());
        byte[] grouped = OnnxModels.create().input("x", 1, 2, 3).output("y", 1, 2, 3)
                .node("Relu", "r", new String[] {"x"}, new String[] {"z"})
                .node("Softmax", "probs", new String[] {"z"}, new String[] {"y"}).bytes();
        e = assertThrows(UnsupportedModelException.class, () -> OnnxImporter.read(grouped, "g.onnx",
                OnnxImporter.Options.DEFAULT));
        assertTrue(e.getMessage().contains("normalises over axis -1 of shape [1,2,3] only"), e.getMessage());
    }

    @Test
    void aModelThatIsOnlyASoftmaxIsRefusedAndTheOperatorTestsKeepIt() {
        byte[] only = OnnxModels.create().input("x", 1, 4).output("y", 1, 4)
                .node("Softmax", "probs", new String[] {"x"}, new String[] {"y"}).bytes();
        io.sonic.model.ModelException e = assertThrows(io.sonic.model.ModelException.class,
                () -> OnnxImporter.read(only, "o.onnx", OnnxImporter.Options.DEFAULT));
        assertTrue(e.getMessage().contains("nothing to compute securely"), e.getMessage());
        e = assertThrows(UnsupportedModelException.class, () -> OnnxImporter.read(only, "o.onnx",
                new OnnxImporter.Options(java.util.Map.of(), true)));
        assertTrue(e.getMessage().contains("unsupported operator 'Softmax'"), e.getMessage());
    }

    @Test
    void aSoftmaxInsideTheNetworkOrWithAnUnknownAttributeIsRefused() {
        byte[] inside = OnnxModels.create().input("x", 1, 4).output("y", 1, 4)
                .node("Softmax", "probs", new String[] {"x"}, new String[] {"p"})
                .node("Relu", "r", new String[] {"p"}, new String[] {"y"}).bytes();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> OnnxImporter.read(inside, "i.onnx", OnnxImporter.Options.DEFAULT));
        assertTrue(e.getMessage().contains("unsupported operator 'Softmax' in node 'probs'")
                && e.getMessage().contains("only as the model's last operator is it left out"), e.getMessage());
        e = assertThrows(UnsupportedModelException.class,
                () -> mlp(13, "Softmax", OnnxModels.intAttr("temperature", 2)));
        assertTrue(e.getMessage().contains("attribute 'temperature'"), e.getMessage());
    }
}
