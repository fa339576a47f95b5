package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.ReshapeLayer;
import io.sonic.model.layer.TransposeLayer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transpose of values computed from the input: a public permutation of the elements, in every evaluator. */
class TransposeTest {
    private static ModelGraph read(OnnxModels m) {
        return OnnxImporter.read(m.bytes(), "t.onnx", OnnxImporter.Options.DEFAULT);
    }

    @Test
    void channelsLastToChannelsFirstMovesEveryElementWhereNumpyWould() {
        // x [1,2,3,2] (N,H,W,C) → [1,2,2,3] (N,C,H,W), then a ReLU so that the transpose is not the output
        ModelGraph g = read(OnnxModels.create().input("x", 1, 2, 3, 2).output("y", 1, 2, 2, 3)
                .node("Transpose", "nchw", new String[] {"x"}, new String[] {"t"}, OnnxModels.ints("perm", 0, 3, 1, 2))
                .node("Relu", "r", new String[] {"t"}, new String[] {"y"}));
        assertInstanceOf(TransposeLayer.class, g.layers().get(0));
        float[] x = new float[12];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        // y[0,c,h,w] = x[0,h,w,c]: x's flat index is (h·3 + w)·2 + c
        float[] want = new float[12];
        for (int c = 0; c < 2; c++) {
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 3; w++) {
                    want[(c * 2 + h) * 3 + w] = x[(h * 3 + w) * 2 + c];
                }
            }
        }
        assertArrayEquals(want, new FloatEvaluator(g).run(x).values());
        double[] fixed = new FixedPointEvaluator(g, new FixedPoint(16)).runDecoded(x);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], fixed[i], 0.0, "fixed point, element " + i);
        }
    }

    @Test
    void withoutPermTheAxesAreReversedAndMovingOnlyUnitAxesIsAReshape() {
        ModelGraph g = read(OnnxModels.create().input("x", 1, 2, 3).output("y", 3, 2, 1)
                .node("Transpose", "rev", new String[] {"x"}, new String[] {"t"})
                .node("Relu", "r", new String[] {"t"}, new String[] {"y"}));
        assertArrayEquals(new int[] {3, 2, 1}, g.layers().get(0).outputShape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, new FloatEvaluator(g).run(new float[] {1, 2, 3, 4, 5, 6})
                .values());
        ModelGraph unit = read(OnnxModels.create().input("x", 1, 4, 1).output("y", 1, 1, 4)
                .node("Transpose", "t", new String[] {"x"}, new String[] {"t"}, OnnxModels.ints("perm", 0, 2, 1))
                .node("Relu", "r", new String[] {"t"}, new String[] {"y"}));
        List<Layer> ls = unit.layers();
        assertInstanceOf(ReshapeLayer.class, ls.get(0), "the values keep their order");
        assertEquals("Transpose", ls.get(0).sourceOp());
    }

    @Test
    void aPermThatIsNoPermutationIsRefusedNamingTheNode() {
        ModelException e = assertThrows(ModelException.class, () -> read(OnnxModels.create().input("x", 1, 2, 3)
                .output("y", 1, 2, 3)
                .node("Transpose", "bad", new String[] {"x"}, new String[] {"t"}, OnnxModels.ints("perm", 0, 1, 1))
                .node("Relu", "r", new String[] {"t"}, new String[] {"y"})));
        assertTrue(e.getMessage().contains("node 'bad'") && e.getMessage().contains("'perm' [0,1,1], which is not a"
                + " permutation of the 3 axes of its input [1,2,3]"), e.getMessage());
    }
}
