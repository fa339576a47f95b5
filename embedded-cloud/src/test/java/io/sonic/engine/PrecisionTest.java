package io.sonic.engine;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.MatMulLayer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the fixed-point encoding loses of a model's multipliers, and which fraction bits keep it within 1 %. */
class PrecisionTest {
    @Test
    void anAverageOverFourHundredSquaredValuesEncodesItsReciprocalAsZeroAtSixteenBits() {
        int[] in = {1, 1, 400, 400};
        ModelGraph g = new ModelGraph("gap", "tests", 13, "x", in, "y", new int[] {1, 1, 1, 1},
                List.of(new AvgPoolLayer("pool", "GlobalAveragePool", "x", "y", PoolGeometry.global(in))));
        List<Precision.Loss> losses = Precision.losses(g, FixedPoint.DEFAULT);
        assertEquals(1, losses.size());
        Precision.Loss l = losses.get(0);
        assertEquals(1.0, l.relativeError(), 1e-12, "round(2^16/160000) = 0");
        // round(2^20/160000) = 7 (2.4 % below), round(2^21/160000) = 13 (0.8 % below)
        assertEquals(21, l.fractionBitsNeeded());
        assertEquals("layer 0 'pool' (GlobalAveragePool): its reciprocal 1/160000 (the average's divisor) is encoded"
                + " as 0 at f = 16 (off by 100 %); f = 21 or more keeps it within 1 % (--fraction-bits)",
                l.text("--fraction-bits"));
        assertTrue(Precision.losses(g, new FixedPoint(21)).isEmpty());
        // the same pooling over 7x7 (a ResNet's) loses 0.04 %
        int[] small = {1, 1, 7, 7};
        assertTrue(Precision.losses(new ModelGraph("gap7", "tests", 13, "x", small, "y", new int[] {1, 1, 1, 1},
                List.of(new AvgPoolLayer("pool", "GlobalAveragePool", "x", "y", PoolGeometry.global(small)))),
                FixedPoint.DEFAULT).isEmpty());
    }

    @Test
    void weightsFarBelowOneUnitAreReportedAndNoShippedModelLosesAnything() {
        float[] w = new float[6];
        java.util.Arrays.fill(w, 1e-5f);
        ModelGraph g = new ModelGraph("tiny", "tests", 13, "x", new int[] {1, 3}, "y", new int[] {1, 2},
                List.of(new MatMulLayer("fc", "MatMul", "x", new int[] {1, 3}, "y", new FloatTensor(new int[] {3, 2}, w),
                        false, false, null)));
        Precision.Loss l = Precision.losses(g, FixedPoint.DEFAULT).get(0);
        // 1e-5·2^16 = 0.655 encodes as 1: 52.6 % too large
        assertEquals(0.526, l.relativeError(), 1e-3);
        assertTrue(l.text("x").startsWith("layer 0 'fc' (MatMul): its weights are off by 52.6 % at f = 16"), l.text("x"));
        for (String m : new String[] {"mnist-m1", "mnist-m2", "cifar-c1", "cifar-c2", "breast-cancer", "fashion-cnn"}) {
            SampleModels s = new SampleModels(m);
            assertTrue(Precision.losses(s.graph(), s.fixedPoint()).isEmpty(), m);
        }
    }
}
