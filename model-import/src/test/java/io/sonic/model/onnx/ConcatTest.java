package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.layer.ConcatLayer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concat of values computed from the input: a public arrangement of the elements, along any axis. */
class ConcatTest {
    /** x [1,2,2] → a = ReLU(x), b = x + 10 → Concat(a, b, a) along {@code axis}. */
    private static ModelGraph model(long axis, long... outDims) {
        return OnnxImporter.read(OnnxModels.create().input("x", 1, 2, 2).output("y", outDims)
                .weight("ten", new float[] {10f}, 1)
                .node("Relu", "r", new String[] {"x"}, new String[] {"a"})
                .node("Add", "shift", new String[] {"x", "ten"}, new String[] {"b"})
                .node("Concat", "cat", new String[] {"a", "b", "a"}, new String[] {"y"}, OnnxModels.intAttr("axis", axis))
                .bytes(), "c.onnx", OnnxImporter.Options.DEFAULT);
    }

    private static final float[] X = {-1f, 2f, 3f, -4f};

    private static float[] run(ModelGraph g) {
        return OnnxModels.runBoth(g, X, 0.0);
    }

    @Test
    void alongEachAxisTheBlocksFollowEachOtherInRowMajorOrder() {
        // a = [[0,2],[3,0]], b = [[9,12],[13,6]]
        ModelGraph rows = model(1, 1, 6, 2);
        assertInstanceOf(ConcatLayer.class, rows.layers().get(rows.layers().size() - 1));
        assertArrayEquals(new float[] {0, 2, 3, 0, 9, 12, 13, 6, 0, 2, 3, 0}, run(rows));
        assertArrayEquals(new float[] {0, 2, 9, 12, 0, 2, 3, 0, 13, 6, 3, 0}, run(model(-1, 1, 2, 6)));
        assertArrayEquals(new float[] {0, 2, 3, 0, 9, 12, 13, 6, 0, 2, 3, 0}, run(model(0, 3, 2, 2)));
    }

    @Test
    void aConstantAmongTheInputsOrShapesThatDisagreeAreRefused() {
        UnsupportedModelException u = assertThrows(UnsupportedModelException.class, () -> OnnxImporter.read(
                OnnxModels.create().input("x", 1, 2).output("y", 1, 4).weight("k", new float[] {1f, 2f}, 1, 2)
                        .node("Concat", "cat", new String[] {"x", "k"}, new String[] {"y"}, OnnxModels.intAttr("axis", 1))
                        .bytes(), "k.onnx", OnnxImporter.Options.DEFAULT));
        assertTrue(u.getMessage().contains("node 'cat' (Concat)") && u.getMessage().contains("a constant"), u.getMessage());
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.read(
                OnnxModels.create().input("x", 1, 2, 2).output("y", 1, 2, 3)
                        .node("Flatten", "f", new String[] {"x"}, new String[] {"flat"})
                        .node("Concat", "cat", new String[] {"x", "flat"}, new String[] {"y"}, OnnxModels.intAttr("axis", 2))
                        .bytes(), "s.onnx", OnnxImporter.Options.DEFAULT));
        assertTrue(e.getMessage().contains("concatenates input 1 'flat' of shape [1,4]"), e.getMessage());
    }
}
