package io.sonic.model.onnx;

import io.sonic.model.ModelGraph;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slice of values computed from the input with steps of 1: a crop, read as negative padding. */
class SliceTest {
    /** x [1,3,4] holding 1…12 → ReLU → Slice (opset 13: starts, ends, axes, steps as constant inputs). */
    private static ModelGraph model(long[] starts, long[] ends, long[] axes, long[] steps, long... outDims) {
        OnnxModels m = OnnxModels.create().input("x", 1, 3, 4).output("y", outDims)
                .intWeight("starts", starts).intWeight("ends", ends).intWeight("axes", axes);
        String[] in = {"r", "starts", "ends", "axes"};
        if (steps != null) {
            m.intWeight("steps", steps);
            in = new String[] {"r", "starts", "ends", "axes", "steps"};
        }
        m.node("Relu", "relu", new String[] {"x"}, new String[] {"r"}).node("Slice", "crop", in, new String[] {"y"});
        return OnnxImporter.read(m.bytes(), "s.onnx", OnnxImporter.Options.DEFAULT);
    }

    private static final float[] X = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static float[] run(ModelGraph g) {
        return OnnxModels.runBoth(g, X, 0.0);
    }

    @Test
    void aCropKeepsTheRunOfIndicesOnEachAxis() {
        ModelGraph g = model(new long[] {1, 1}, new long[] {-1, 3}, new long[] {1, 2}, null, 1, 1, 2);
        assertInstanceOf(PadLayer.class, g.layers().get(1));
        assertArrayEquals(new float[] {6, 7}, run(g), "row 1, columns 1 and 2");
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, run(model(new long[] {0}, new long[] {2}, new long[] {-1},
                new long[] {1}, 1, 3, 2)), "x[..., :2]");
        assertArrayEquals(new float[] {9, 10, 11, 12}, run(model(new long[] {-1}, new long[] {Long.MAX_VALUE},
                new long[] {1}, null, 1, 1, 4)), "the last row, an end past the axis clamped");
    }

    @Test
    void theAttributeFormOfOpset9IsReadToo() {
        AttributeProto[] attrs = {OnnxModels.ints("starts", 0, 1), OnnxModels.ints("ends", 2, 4),
                OnnxModels.ints("axes", 1, 2)};
        ModelGraph g = OnnxImporter.read(OnnxModels.create().opset(9).input("x", 1, 3, 4).output("y", 1, 2, 3)
                .node("Relu", "relu", new String[] {"x"}, new String[] {"r"})
                .node("Slice", "crop", new String[] {"r"}, new String[] {"y"}, attrs).bytes(), "s.onnx",
                OnnxImporter.Options.DEFAULT);
        assertArrayEquals(new float[] {2, 3, 4, 6, 7, 8}, run(g));
    }

    @Test
    void otherStepsAndEmptySlicesAreRefused() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> model(new long[] {0},
                new long[] {4}, new long[] {2}, new long[] {2}, 1, 3, 2));
        assertTrue(e.getMessage().contains("node 'crop' (Slice)") && e.getMessage().contains("steps [1,1,2]"),
                e.getMessage());
        e = assertThrows(UnsupportedModelException.class, () -> model(new long[] {3}, new long[] {1}, new long[] {2},
                null, 1, 3, 0));
        assertTrue(e.getMessage().contains("keeps nothing of axis 2"), e.getMessage());
    }
}
