package io.sonic.engine;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.LayerListener;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.ReluLayer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The input-range analysis: its bounds hold for every input in the range, and it refuses what could overflow. */
class RangeAnalysisTest {

    /** The float nearest to v that lies in the range (a float input is checked exactly against it). */
    static float inside(double v, InputRange r) {
        float f = (float) v;
        if (f > r.max()) {
            f = Math.nextDown(f);
        } else if (f < r.min()) {
            f = Math.nextUp(f);
        }
        assertTrue(r.contains(f));
        return f;
    }

    /** Inputs at the corners and inside of a range: all minimum, all maximum, alternating, and seeded random. */
    static List<float[]> probes(int n, InputRange r, long seed) {
        Random rnd = new Random(seed);
        List<float[]> l = new ArrayList<>();
        float[] lo = new float[n];
        float[] hi = new float[n];
        float[] alt = new float[n];
        for (int i = 0; i < n; i++) {
            lo[i] = inside(r.min(), r);
            hi[i] = inside(r.max(), r);
            alt[i] = inside(i % 2 == 0 ? r.min() : r.max(), r);
        }
        l.add(lo);
        l.add(hi);
        l.add(alt);
        for (int k = 0; k < 6; k++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = inside(k % 2 == 0 ? (rnd.nextBoolean() ? r.min() : r.max())
                        : r.min() + rnd.nextDouble() * (r.max() - r.min()), r);
            }
            l.add(x);
        }
        return l;
    }

    /** Every value the fixed-point reference meets before a truncation stays within the layer's bound. */
    static void boundsHold(ModelGraph g, FixedPoint fp, InputRange r, List<float[]> inputs) {
        RangeAnalysis.Result res = RangeAnalysis.analyse(g, fp, r);
        FixedPointEvaluator e = new FixedPointEvaluator(g, fp);
        for (float[] x : inputs) {
            e.run(e.encodeInput(x), LayerListener.NONE, (index, values) -> {
                double bound = res.layers().get(index).maxUnits();
                for (long v : values) {
                    assertTrue(Math.abs((double) v) <= bound, g.name() + " layer " + index + ": " + v
                            + " beyond the bound " + bound);
                }
            });
        }
    }

    @Test
    void theCardRangesAreSafeAndTheirBoundsHoldOnTheShippedAndExtremeInputs() {
        for (SampleModels m : SampleModels.ALL) {
            ModelGraph g = m.graph();
            FixedPoint fp = m.fixedPoint();
            RangeAnalysis.Result r = RangeAnalysis.requireSafe(g, fp, m.inputRange());
            assertTrue(r.safe(), m + ": " + r.problem());
            List<float[]> inputs = new ArrayList<>(m.inputs().subList(0, 5));
            inputs.addAll(probes(g.inputSize(), m.inputRange(), 7));
            boundsHold(g, fp, m.inputRange(), inputs);
            System.out.printf("%s f=%d range %s: worst layer %s, %.1f bits of headroom%n", m, fp.fractionBits(),
                    m.inputRange(), r.worst().name(), r.worst().headroomBits());
        }
    }

    @Test
    void aRangeThatCanOverflowIsRefusedWithTheLayerNamed() {
        SampleModels c2 = new SampleModels("cifar-c2");
        ModelException e = assertThrows(ModelException.class,
                () -> RangeAnalysis.requireSafe(c2.graph(), FixedPoint.DEFAULT, c2.inputRange()));
        assertTrue(e.getMessage().contains("16 fraction bits") && e.getMessage().contains("layer ")
                && e.getMessage().contains("fewer fraction bits") && e.getMessage().contains("largest safe"),
                e.getMessage());
        SampleModels bc = new SampleModels("breast-cancer");
        assertThrows(ModelException.class,
                () -> RangeAnalysis.requireSafe(bc.graph(), FixedPoint.DEFAULT, InputRange.symmetric(1e14)));
    }

    @Test
    void theConservativeDefaultIsSafeAndNotFarFromTheLimit() {
        for (String name : new String[] {"breast-cancer", "mnist-m2"}) {
            SampleModels m = new SampleModels(name);
            ModelGraph g = m.graph();
            InputRange r = RangeAnalysis.largestSymmetric(g, FixedPoint.DEFAULT);
            assertNotNull(r);
            assertTrue(RangeAnalysis.analyse(g, FixedPoint.DEFAULT, r).safe(), name + " " + r);
            assertTrue(!RangeAnalysis.analyse(g, FixedPoint.DEFAULT, InputRange.symmetric(r.max() * 1.25)).safe(),
                    name + ": 1.25 x " + r + " should already be unsafe");
            boundsHold(g, FixedPoint.DEFAULT, r, probes(g.inputSize(), r, 3));
        }
    }

    /** Random two-layer networks of random size and weight scale: the bounds hold at the range's corners. */
    @Test
    void boundsHoldOnRandomNetworks() {
        Random rnd = new Random(11);
        for (int t = 0; t < 40; t++) {
            int n = 1 + rnd.nextInt(12);
            int h = 1 + rnd.nextInt(12);
            int o = 1 + rnd.nextInt(4);
            double scale = Math.pow(10, rnd.nextInt(5) - 2);
            MatMulLayer a = new MatMulLayer("fc1", "Gemm", "x", new int[] {1, n}, "h", tensor(rnd, scale, n, h), false,
                    false, tensor(rnd, scale, 1, h));
            ReluLayer relu = new ReluLayer("relu", "Relu", "h", new int[] {1, h}, "r");
            MatMulLayer b = new MatMulLayer("fc2", "Gemm", "r", new int[] {1, h}, "y", tensor(rnd, scale, h, o), false,
                    false, tensor(rnd, scale, 1, o));
            List<Layer> layers = List.of(a, relu, b);
            ModelGraph g = new ModelGraph("random" + t, "test", 13, "x", new int[] {1, n}, "y", new int[] {1, o}, layers);
            FixedPoint fp = new FixedPoint(8 + rnd.nextInt(9));
            InputRange r = RangeAnalysis.largestSymmetric(g, fp);
            if (r == null) {
                continue;
            }
            boundsHold(g, fp, r, probes(n, r, t));
            InputRange narrow = new InputRange(-r.max() / 3, r.max() / 7);
            boundsHold(g, fp, narrow, probes(n, narrow, t + 100));
        }
    }

    @Test
    void inputsOutsideTheRangeAreRefusedWithRowColumnAndRangeNamed() {
        InputRange r = new InputRange(-5, 15);
        float[] x = new float[30];
        x[4] = 1e14f;
        ModelException e = assertThrows(ModelException.class, () -> r.check(x, 3));
        assertEquals("row 3, value 5 (100000000000000) is outside the model's input range [-5, 15]; Sonic refuses it"
                + " because a value outside the range could overflow the fixed-point ring and give a silently wrong"
                + " result", e.getMessage());
        x[4] = Float.NaN;
        assertThrows(ModelException.class, () -> r.check(x, 1));
        x[4] = 15;
        r.check(x, 1);
        assertEquals(new InputRange(0, 1), InputRange.parse("0:1"));
        assertEquals(new InputRange(-2.5, 3), InputRange.parse(" -2.5 , 3 "));
        assertThrows(ModelException.class, () -> InputRange.parse("1:0"));
        assertThrows(ModelException.class, () -> InputRange.parse("abc"));
    }

    private static FloatTensor tensor(Random rnd, double scale, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return new FloatTensor(shape, v);
    }
}
