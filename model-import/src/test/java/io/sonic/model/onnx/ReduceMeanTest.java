package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.proto.OnnxProto.AttributeProto;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ReduceMean as a global average pooling over the reduced axes, in both opset forms, any axes. */
class ReduceMeanTest {
    /** x [1,2,2,3] holding 1…12: x[0,a,b,c] = 1 + 6a + 3b + c. */
    private static final float[] X = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static ModelGraph model(long opset, long[] axesInput, int[] outShape, AttributeProto... attrs) {
        OnnxModels m = OnnxModels.create().opset(opset).input("x", 1, 2, 2, 3);
        long[] dims = new long[outShape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = outShape[i];
        }
        m.output("y", dims);
        String[] in = {"x"};
        if (axesInput != null) {
            m.intWeight("axes", axesInput);
            in = new String[] {"x", "axes"};
        }
        m.node("ReduceMean", "mean", in, new String[] {"y"}, attrs);
        return OnnxImporter.read(m.bytes(), "m.onnx", OnnxImporter.Options.DEFAULT);
    }

    /** The public divisor d is applied as round(2^f / d) / 2^f: a relative error of about d·2^-(f+1). */
    private static float[] run(ModelGraph g) {
        return OnnxModels.runBoth(g, X, 1e-3);
    }

    @Test
    void overTheSpatialAxesItIsTheMeanOfEachChannel() {
        ModelGraph g = model(13, null, new int[] {1, 2}, OnnxModels.ints("axes", 2, 3), OnnxModels.intAttr("keepdims", 0));
        assertArrayEquals(new float[] {3.5f, 9.5f}, run(g));
        ModelGraph kept = model(13, null, new int[] {1, 2, 1, 1}, OnnxModels.ints("axes", -1, -2));
        assertArrayEquals(new int[] {1, 2, 1, 1}, kept.outputShape());
        assertArrayEquals(new float[] {3.5f, 9.5f}, run(kept));
    }

    @Test
    void overLeadingAxesTheKeptOnesMoveFirst() {
        // channels-last reading: axes 1 and 2 reduced, axis 3 (3 values) kept
        ModelGraph g = model(13, null, new int[] {1, 3}, OnnxModels.ints("axes", 1, 2), OnnxModels.intAttr("keepdims", 0));
        assertArrayEquals(new float[] {5.5f, 6.5f, 7.5f}, run(g));
        ModelGraph middle = model(13, null, new int[] {1, 2, 1, 3}, OnnxModels.ints("axes", 2));
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f, 8.5f, 9.5f, 10.5f}, run(middle));
    }

    @Test
    void withoutAxesEverythingIsAveragedAndOpset18TakesThemAsAnInput() {
        assertArrayEquals(new float[] {6.5f}, run(model(13, null, new int[] {1, 1, 1, 1})));
        assertArrayEquals(new float[] {3.5f, 9.5f}, run(model(18, new long[] {2, 3}, new int[] {1, 2},
                OnnxModels.intAttr("keepdims", 0))));
        ModelGraph noop = model(18, null, new int[] {1, 2, 2, 3}, OnnxModels.intAttr("noop_with_empty_axes", 1));
        assertArrayEquals(X, new FloatEvaluator(noop).run(X).values());
    }

    @Test
    void repeatedOrOutOfRangeAxesAreRefused() {
        ModelException e = assertThrows(ModelException.class,
                () -> model(13, null, new int[] {1, 2}, OnnxModels.ints("axes", 2, -2)));
        assertTrue(e.getMessage().contains("is given twice"), e.getMessage());
        e = assertThrows(ModelException.class, () -> model(13, null, new int[] {1, 2}, OnnxModels.ints("axes", 4)));
        assertTrue(e.getMessage().contains("out of range for a tensor of rank 4"), e.getMessage());
    }
}
