package io.sonic.cli;

import io.sonic.engine.InferenceResult;
import io.sonic.engine.InputRange;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.MatMulLayer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check of each secure result against both plaintext references, and the verdict of a run. */
class ResultCheckTest {
    private static final float[] X = {0.5f, -0.25f, 1};

    private static ModelGraph graph() {
        FloatTensor w = new FloatTensor(new int[] {3, 5}, new float[] {0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.2f, 0.6f,
            -0.1f, 0.3f, 0.2f, -0.5f, 0.4f, 0.2f, -0.3f, 0.1f});
        FloatTensor b = new FloatTensor(new int[] {1, 5}, new float[] {0.1f, 0, -0.1f, 0.05f, 0});
        return new ModelGraph("tiny", "tests", 13, "x", new int[] {1, 3}, "y", new int[] {1, 5},
                List.of(new MatMulLayer("fc", "MatMul", "x", new int[] {1, 3}, "y", w, false, false, b)));
    }

    private static final ModelGraph G = graph();
    private static final FloatTensor PLAIN = new FloatEvaluator(G).run(X);

    /** One secure query of {@link #X} on {@link #G}. */
    private static InferenceResult secure(SecureConfig cfg) {
        try (SecureInference s = new SecureInference(G, cfg)) {
            return s.infer(X);
        }
    }

    /** The same result with output value {@code i} moved by {@code units} ring units (as a share wrap would). */
    private static InferenceResult moved(InferenceResult r, int i, long units, SecureConfig cfg) {
        long[] ring = r.outputRing().clone();
        ring[i] += units;
        return new InferenceResult(cfg.fixedPoint().decode(ring), null, ring, r.layers(), r.online(), r.wireBytes(),
                r.offlineBytes(), r.onlineNanos(), r.offlineNanos(), r.nanos(), r.pausedNanos(), r.link(),
                r.preprocessing());
    }

    @Test
    void aSecureResultAgreesWhenItsLabelIsTheFloatModelsAndEveryValueLiesWithinTheBound() {
        ResultCheck check = new ResultCheck(G, SecureConfig.DEFAULT);
        ResultCheck.Sample c = check.check(X, secure(SecureConfig.DEFAULT), PLAIN);
        assertTrue(check.agrees(c), check.describe(c));
        assertTrue(c.maxUnits() >= 0 && c.maxUnits() <= check.boundUnits());
        assertTrue(check.describe(c).startsWith("(agree), max |secure - fixed-point| "), check.describe(c));
        assertTrue(check.allAgree());
        assertEquals(List.of("labels agree with the float model on 1 of 1 samples"), check.verdict().subList(0, 1));
    }

    @Test
    void aWrappedValueFailsTheRunAndTheVerdictNamesLocalTruncation() {
        for (SecureConfig.TruncationMode mode : SecureConfig.TruncationMode.values()) {
            SecureConfig cfg = SecureConfig.DEFAULT.withTruncation(mode);
            ResultCheck check = new ResultCheck(G, cfg);
            InferenceResult r = secure(cfg);
            // a wrap of local truncation: off by 2^(64-f) in one value, the label unchanged
            int other = PLAIN.argmax() == 0 ? 1 : 0;
            ResultCheck.Sample c = check.check(X, moved(r, other, -(1L << 48), cfg), PLAIN);
            assertTrue(c.labelAgrees());
            assertFalse(check.withinBound(c));
            assertFalse(check.agrees(c), "a label that agrees is not enough");
            assertTrue(check.describe(c).startsWith("(DIFFER)") && check.describe(c).endsWith(": OUTSIDE THE BOUND"),
                    check.describe(c));
            check.check(X, r, PLAIN);
            assertEquals(1, check.agreeing());
            assertFalse(check.allAgree());
            String verdict = String.join("\n", check.verdict());
            assertTrue(verdict.contains("within the error bound") && verdict.contains("on 1 of 2 samples"), verdict);
            assertTrue(mode == SecureConfig.TruncationMode.LOCAL
                    ? verdict.contains("local truncation wraps now and then") && verdict.contains("--truncation exact")
                    : verdict.contains("this should not happen"), verdict);
        }
    }

    @Test
    void aLabelTheFixedPointReferenceSharesIsBlamedOnTheFractionBits() {
        ResultCheck check = new ResultCheck(G, SecureConfig.DEFAULT);
        FloatTensor plain = PLAIN;
        // a float model whose top score is elsewhere: secure and fixed-point agree with each other, not with it
        float[] swapped = new float[plain.size()];
        for (int i = 0; i < swapped.length; i++) {
            swapped[i] = plain.get(i);
        }
        int top = plain.argmax();
        int other = (top + 1) % swapped.length;
        swapped[other] = swapped[top] + 1;
        ResultCheck.Sample c = check.check(X, secure(SecureConfig.DEFAULT), new FloatTensor(new int[] {1, 5}, swapped));
        assertTrue(check.withinBound(c));
        assertEquals(top, c.fixedLabel());
        assertFalse(check.agrees(c));
        String verdict = String.join("\n", check.verdict());
        assertTrue(verdict.contains("the fixed-point reference gives that label too") && verdict.contains(
                "try more fraction bits"), verdict);
    }

    @Test
    void theRiskOfLocalTruncationIsStatedForTheRangeAndNoneForExact() {
        ModelGraph g = G;
        assertNull(new ResultCheck(g, SecureConfig.DEFAULT).truncationRisk(new InputRange(-1, 1)));
        ResultCheck local = new ResultCheck(g, SecureConfig.DEFAULT.withTruncation(SecureConfig.TruncationMode.LOCAL));
        String small = local.truncationRisk(new InputRange(-1, 1));
        assertTrue(small.startsWith("local truncation: a wrap") && small.contains("probability of up to"), small);
        // |x| < 2^k wraps with probability about 2^(k+1-64) per truncated value: 5 values below 1.7 at 2f = 32
        // fraction bits, k < 32.8, so at most 5·2^(-30.2) ≈ 4e-9
        double p = Double.parseDouble(small.replaceAll(".*up to ([0-9.e-]+) per inference.*", "$1"));
        assertTrue(p > 1e-10 && p < 5e-9, small);
        assertTrue(local.truncationRisk(new InputRange(-1e13, 1e13)).contains("up to 1 (it is all but certain)"));
    }
}
