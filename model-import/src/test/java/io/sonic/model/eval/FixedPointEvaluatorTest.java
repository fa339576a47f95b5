package io.sonic.model.eval;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.onnx.OnnxImporter;
import io.sonic.model.onnx.OnnxModels;
import io.sonic.model.samples.SampleModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixedPointEvaluatorTest {

    private static ModelGraph read(OnnxModels m) {
        return OnnxImporter.read(m.bytes(), "t.onnx", OnnxImporter.Options.DEFAULT);
    }

    @Test
    void encodingRoundsAndTruncationFloors() {
        FixedPoint fp = new FixedPoint(16);
        assertEquals(98304L, fp.encode(1.5));
        assertEquals(-98304L, fp.encode(-1.5));
        assertEquals(1L, fp.encode(1.0 / 65536 * 0.6));
        assertEquals(-2L, fp.truncate(-65537L), "arithmetic shift floors towards -infinity");
        assertEquals(1L, fp.truncate(65537L));
        assertEquals(21845L, fp.reciprocal(3));
        assertEquals(0.375, fp.decode(24576L));
        assertThrows(ArithmeticException.class, () -> fp.encode(1e30));
        assertThrows(IllegalArgumentException.class, () -> new FixedPoint(0));
    }

    @Test
    void gemmIsSumOfEncodedProductsPlusBiasAtTwiceTheFractionBitsThenTruncated() {
        ModelGraph g = read(OnnxModels.create().input("x", 1, 2).output("y", 1, 1)
                .weight("W", new float[] {0.5f, -0.25f}, 1, 2).weight("b", new float[] {0.125f}, 1)
                .node("Gemm", "fc", new String[] {"x", "W", "b"}, new String[] {"y"}, OnnxModels.intAttr("transB", 1)));
        FixedPoint fp = new FixedPoint(16);
        FixedPointEvaluator e = new FixedPointEvaluator(g, fp);
        long[] y = e.run(fp.encode(new float[] {1.5f, 2.0f}), LayerListener.NONE);
        long expected = (fp.encode(0.5) * fp.encode(1.5) + fp.encode(-0.25) * fp.encode(2.0)
                + FixedPoint.encodeAt(0.125, 32)) >> 16;
        assertArrayEquals(new long[] {expected}, y);
        assertEquals(0.375, fp.decode(y[0]));
    }

    @Test
    void negativeResultsTruncateTowardsMinusInfinityAndReluUsesTheSign() {
        // y = relu(x * 0.3) on x = -1, 1: the product -0.3·2^32 is not a multiple of 2^16
        ModelGraph g = read(OnnxModels.create().input("x", 2, 1).output("y", 2, 1)
                .weight("W", new float[] {0.3f}, 1, 1)
                .node("MatMul", "mm", new String[] {"x", "W"}, new String[] {"h"})
                .node("Relu", "r", new String[] {"h"}, new String[] {"y"}));
        FixedPoint fp = new FixedPoint(16);
        FixedPointEvaluator e = new FixedPointEvaluator(g, fp);
        long w = fp.encode(0.3f);
        long[] h = new long[2];
        long[] y = e.run(fp.encode(new float[] {-1f, 1f}), (i, layer, nanos) -> { });
        h[0] = Math.floorDiv(-fp.encode(1.0) * w, 1L << 16);
        h[1] = Math.floorDiv(fp.encode(1.0) * w, 1L << 16);
        assertTrue(h[0] < 0);
        assertArrayEquals(new long[] {0, h[1]}, y);
    }

    @Test
    void averagePoolingMultipliesTheWindowSumByTheRoundedReciprocal() {
        ModelGraph g = read(OnnxModels.create().input("x", 1, 1, 1, 3).output("y", 1, 1, 1, 1)
                .node("GlobalAveragePool", "gap", new String[] {"x"}, new String[] {"y"}));
        FixedPoint fp = new FixedPoint(12);
        long[] x = {fp.encode(1.0), fp.encode(2.0), fp.encode(4.0)};
        long[] y = new FixedPointEvaluator(g, fp).run(x, LayerListener.NONE);
        assertArrayEquals(new long[] {((x[0] + x[1] + x[2]) * Math.round(4096.0 / 3)) >> 12}, y);
    }

    static List<SampleModels> models() {
        return SampleModels.all();
    }

    /**
     * The fixed-point reference stays close to the float model and predicts the same label. The
     * random-weight networks (C1, C2) have near-ties between their logits; there a different label is
     * accepted only where the float margin between the two top logits is within the rounding error.
     */
    @ParameterizedTest
    @MethodSource("models")
    void fixedPointTracksTheFloatModelOnEveryShippedInput(SampleModels m) {
        ModelGraph g = OnnxImporter.read(m.onnx());
        FloatEvaluator f = new FloatEvaluator(g);
        boolean trained = !m.card().get("randomWeights").asBoolean();
        for (int bits : new int[] {12, 16}) {
            FixedPointEvaluator e = new FixedPointEvaluator(g, new FixedPoint(bits));
            double worst = 0;
            for (float[] x : m.inputs()) {
                FloatTensor want = f.run(x);
                double[] got = e.runDecoded(x);
                int best = 0;
                double sampleError = 0;
                for (int i = 0; i < got.length; i++) {
                    double err = Math.abs(got[i] - want.get(i));
                    sampleError = Math.max(sampleError, err);
                    worst = Math.max(worst, err / Math.max(1, Math.abs(want.get(i))));
                    if (got[i] > got[best]) {
                        best = i;
                    }
                }
                int label = want.argmax();
                if (best != label) {
                    double margin = want.get(label) - want.get(best);
                    assertTrue(!trained && margin <= 2 * sampleError, m + " f=" + bits + ": label " + best
                            + " instead of " + label + " with a float margin of " + margin);
                }
            }
            assertTrue(worst < (bits == 16 ? 2e-3 : 3e-2), m + " f=" + bits + ": relative error " + worst);
        }
    }

}
