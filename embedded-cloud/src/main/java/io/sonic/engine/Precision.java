package io.sonic.engine;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What the fixed-point encoding at f fraction bits loses of a model's multipliers: the weights of a product
 * layer, the scale of an affine layer (relative error of the encoded tensor in the ℓ2 norm), and the public
 * reciprocal 1/d of an average pooling (its worst divisor). A layer whose multipliers lose more than
 * {@link #TOLERANCE} computes a visibly different function from the float model (an average over 400×400
 * values at f = 16 encodes 1/160000 as 0): the secure result still equals the fixed-point reference, but both
 * are off. Biases and shifts are only added, so they lose at most 2^-(f+1) each and are not listed.
 */
public final class Precision {
    /** The relative error above which a layer's multipliers are reported. */
    public static final double TOLERANCE = 0.01;

    /**
     * One layer that loses too much: which of its constants, their relative error at {@code fractionBits}, and the
     * fewest fraction bits (up to {@link FixedPoint#MAX_FRACTION_BITS}) that keep it within the tolerance, or -1 if
     * none does.
     */
    public record Loss(int index, String name, String op, String what, double relativeError, int fractionBits,
                       int fractionBitsNeeded) {
        /** One line for a user: what is lost and what to do ({@code how}: where the fraction bits are set). */
        public String text(String how) {
            String off = relativeError >= 1 ? "encoded as 0 at f = " + fractionBits + " (off by 100 %)"
                    : String.format(Locale.ROOT, "off by %.1f %% at f = %d", 100 * relativeError, fractionBits);
            return "layer " + index + " '" + name + "' (" + op + "): " + what + (what.startsWith("its weights")
                    || what.startsWith("its scales") || what.startsWith("the reciprocals") ? " are " : " is ")
                    + off + (fractionBitsNeeded < 0
                    ? "; no number of fraction bits keeps it within 1 %: rescale the model"
                    : "; f = " + fractionBitsNeeded + " or more keeps it within 1 % (" + how + ")");
        }
    }

    private Precision() {
    }

    /** The layers of {@code g} whose multipliers lose more than {@link #TOLERANCE} at {@code fp}, in layer order. */
    public static List<Loss> losses(ModelGraph g, FixedPoint fp) {
        List<Loss> out = new ArrayList<>();
        List<Layer> layers = g.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String what;
            java.util.function.IntToDoubleFunction error;
            if (l instanceof AvgPoolLayer a) {
                TreeSet<Integer> divisors = new TreeSet<>();
                for (int d : a.geometry().divisors()) {
                    divisors.add(d);
                }
                what = divisors.size() == 1 ? "its reciprocal 1/" + divisors.first() + " (the average's divisor)"
                        : "the reciprocals of its divisors " + divisors.first() + " to " + divisors.last();
                error = f -> reciprocalError(divisors, f);
            } else if (l instanceof AffineLayer a) {
                what = a.scale().size() == 1 ? "its scale " + a.scale().get(0) : "its scales";
                error = f -> tensorError(a.scale(), f);
            } else if (l instanceof MatMulLayer m) {
                what = "its weights";
                error = f -> tensorError(m.weight(), f);
            } else if (l instanceof ConvLayer c) {
                what = "its weights";
                error = f -> tensorError(c.weight(), f);
            } else {
                continue;
            }
            double e = error.applyAsDouble(fp.fractionBits());
            if (e > TOLERANCE) {
                int needed = -1;
                for (int f = fp.fractionBits() + 1; f <= FixedPoint.MAX_FRACTION_BITS; f++) {
                    if (error.applyAsDouble(f) <= TOLERANCE) {
                        needed = f;
                        break;
                    }
                }
                out.add(new Loss(i, l.name(), l.sourceOp(), what, e, fp.fractionBits(), needed));
            }
        }
        return out;
    }

    /** The worst relative error of round(2^f/d)/2^f against 1/d. */
    static double reciprocalError(Iterable<Integer> divisors, int f) {
        FixedPoint fp = new FixedPoint(f);
        double worst = 0;
        for (int d : divisors) {
            worst = Math.max(worst, Math.abs(Math.scalb((double) fp.reciprocal(d), -f) * d - 1));
        }
        return worst;
    }

    /** ‖enc(t) − t‖₂ / ‖t‖₂ for the encoding at f (0 for an all-zero tensor). */
    static double tensorError(FloatTensor t, int f) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.get(i);
            double d;
            try {
                d = Math.scalb((double) FixedPoint.encodeAt(v, f), -f) - v;
            } catch (ArithmeticException tooLarge) {
                return Double.POSITIVE_INFINITY;
            }
            diff += d * d;
            norm += v * v;
        }
        return norm == 0 ? 0 : Math.sqrt(diff / norm);
    }
}
