package io.sonic.model;

/**
 * How a model's output reads as classes, in one place: its class scores, the label and the class
 * probabilities. An output of several values holds one score (logit) per class. An output of one value z is
 * a binary classifier's logit (trained with a sigmoid): its classes are 0 and 1 with scores (0, z), so that
 * the label is 1 exactly when z &gt; 0 (σ(z) &gt; 1/2) and the probabilities are (1 − σ(z), σ(z)).
 */
public final class Scores {
    private Scores() {
    }

    /** How many classes an output of {@code outputs} values tells apart. */
    public static int classes(int outputs) {
        return outputs == 1 ? 2 : outputs;
    }

    /** The class scores of an output: the output itself, or (0, z) for a single value z. */
    public static long[] of(long[] output) {
        return output.length == 1 ? new long[] {0, output[0]} : output;
    }

    /** The label: the index of the first largest score. */
    public static int label(long[] output) {
        long[] s = of(output);
        int best = 0;
        for (int i = 1; i < s.length; i++) {
            if (s[i] > s[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The label: the index of the first largest score. */
    public static int label(double[] output) {
        double[] s = of(output);
        int best = 0;
        for (int i = 1; i < s.length; i++) {
            if (s[i] > s[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The label: the index of the first largest score. */
    public static int label(float[] output) {
        return label(doubles(output));
    }

    /** The class probabilities: the softmax of the scores. */
    public static double[] probabilities(double[] output) {
        double[] z = of(output);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] e = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    /** The class probabilities: the softmax of the scores. */
    public static double[] probabilities(float[] output) {
        return probabilities(doubles(output));
    }

    private static double[] of(double[] output) {
        return output.length == 1 ? new double[] {0, output[0]} : output;
    }

    private static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
