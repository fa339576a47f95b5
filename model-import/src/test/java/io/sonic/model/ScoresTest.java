package io.sonic.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A model's output as classes: first largest score wins; one value is a binary classifier's logit. */
class ScoresTest {
    @Test
    void severalScoresGiveTheFirstLargest() {
        assertEquals(2, Scores.label(new double[] {0.1, -3, 7, 7}));
        assertEquals(0, Scores.label(new float[] {5f, 5f, -1f}), "a tie goes to the lower class");
        assertEquals(1, Scores.label(new long[] {-5, -1, -9}), "signed ring values");
        assertEquals(3, Scores.classes(3));
        double[] p = Scores.probabilities(new double[] {1, 2, 3});
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-12);
        assertEquals(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), p[0], 1e-12);
    }

    @Test
    void oneLogitIsTwoClassesScoredZeroAndTheLogit() {
        assertEquals(2, Scores.classes(1));
        assertEquals(1, Scores.label(new double[] {0.001}));
        assertEquals(0, Scores.label(new double[] {0}), "σ(0) = 1/2 is not above one half");
        assertEquals(0, Scores.label(new float[] {-2f}));
        assertEquals(1, Scores.label(new long[] {1}));
        assertArrayEquals(new long[] {0, -7}, Scores.of(new long[] {-7}));
        for (double z : new double[] {-4, -0.5, 0, 0.25, 9}) {
            double s = 1 / (1 + Math.exp(-z));
            assertArrayEquals(new double[] {1 - s, s}, Scores.probabilities(new double[] {z}), 1e-12, "z = " + z);
        }
    }
}
