package io.sonic.engine;

import io.sonic.model.ModelException;

import java.util.Locale;

/**
 * The public range every input value must lie in, the same for every element of the input tensor.
 * The model owner states it at upload (from the model card, a calibration set or the conservative
 * default of {@link RangeAnalysis}), having checked that no value inside the network can then exceed
 * what the ring holds; the user's client refuses anything outside it before sharing, so that no input
 * can give a silently wrong result.
 */
public record InputRange(double min, double max) {

    public InputRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new ModelException("an input range needs two finite bounds with min <= max, got [" + min + ", "
                    + max + "]");
        }
    }

    /** Symmetric range [-m, m]. */
    public static InputRange symmetric(double m) {
        return new InputRange(-m, m);
    }

    /** Parses "MIN:MAX" (or "MIN,MAX"). */
    public static InputRange parse(String text) {
        String[] p = text.trim().split("\\s*[:,]\\s*");
        if (p.length != 2) {
            throw new ModelException("'" + text + "' is not an input range; write it as MIN:MAX, e.g. 0:1");
        }
        try {
            return new InputRange(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
        } catch (NumberFormatException e) {
            throw new ModelException("'" + text + "' is not an input range; write it as MIN:MAX, e.g. 0:1");
        }
    }

    /** The smallest range holding every value of the samples. */
    public static InputRange covering(Iterable<float[]> samples) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float[] x : samples) {
            for (float v : x) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            throw new ModelException("no values to take an input range from");
        }
        return new InputRange(lo, hi);
    }

    public boolean contains(double v) {
        return v >= min && v <= max;
    }

    /** The index of the first value outside the range (NaN included), or -1. */
    public int firstOutside(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!contains(x[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses an input with a value outside the range. {@code row} is the 1-based sample number in
     * messages (0 when there is only one input).
     */
    public void check(float[] x, int row) {
        check(x, row > 0 ? "row " + row : "the input");
    }

    /** Refuses an input with a value outside the range; {@code where} names the sample ("data.csv sample 3"). */
    public void check(float[] x, String where) {
        int i = firstOutside(x);
        if (i >= 0) {
            throw new ModelException(where + ", value " + (i + 1) + " (" + format(Double.parseDouble(Float.toString(x[i])))
                    + ") is outside the model's input"
                    + " range " + this + "; Sonic refuses it because a value outside the range could overflow the"
                    + " fixed-point ring and give a silently wrong result");
        }
    }

    @Override
    public String toString() {
        return "[" + format(min) + ", " + format(max) + "]";
    }

    /** The range as MIN:MAX, as {@link #parse} reads it. */
    public String text() {
        return format(min) + ":" + format(max);
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }
}
