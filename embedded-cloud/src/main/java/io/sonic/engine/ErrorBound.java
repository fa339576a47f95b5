package io.sonic.engine;

import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;

import java.util.HashMap;
import java.util.Map;

/**
 * A bound, in units of 2^-f, on how far the secure output may lie from the fixed-point reference.
 * Each secure truncation returns ⌊y⌋ or ⌊y⌋ + 1 where the reference returns ⌊y⌋ (for local
 * truncation: when it does not wrap). An error b on a layer's input grows through a product layer with
 * encoded weights Ŵ to ⌈L·b⌉ + 1, L = max over outputs of Σ|Ŵ|/2^f (the ℓ1 norm of a weight row);
 * ReLU, max pooling, reshapes and padding do not enlarge it; a residual addition adds the two bounds.
 */
public final class ErrorBound {
    private ErrorBound() {
    }

    public static long units(ModelGraph g, FixedPoint fp) {
        Map<String, Long> bound = new HashMap<>();
        bound.put(g.inputName(), 0L);
        for (Layer l : g.layers()) {
            long in = bound.get(l.inputs().get(0));
            long out;
            double gain = gain(l, fp);
            if (gain >= 0) {
                out = (long) Math.ceil(gain * in) + 1;
            } else if (l instanceof AddLayer) {
                out = in + bound.get(l.inputs().get(1));
            } else {
                out = in;
            }
            bound.put(l.output(), out);
        }
        return bound.get(g.outputName());
    }

    /** L for a truncating layer, or -1 for a layer that does not truncate. */
    private static double gain(Layer l, FixedPoint fp) {
        if (l instanceof MatMulLayer m) {
            float[] w = m.weight().values();
            int[] s = m.weight().shape();
            // rows of the product: output j sums over the weight's column j (X·W) or row j (W·X)
            int rows = s[s.length - 2];
            int cols = s[s.length - 1];
            int batches = w.length / (rows * cols);
            double best = 0;
            for (int b = 0; b < batches; b++) {
                int outer = m.weightOnLeft() ? rows : cols;
                int inner = m.weightOnLeft() ? cols : rows;
                for (int o = 0; o < outer; o++) {
                    double sum = 0;
                    for (int k = 0; k < inner; k++) {
                        int idx = b * rows * cols + (m.weightOnLeft() ? o * cols + k : k * cols + o);
                        sum += Math.abs(fp.encode(w[idx]));
                    }
                    best = Math.max(best, sum);
                }
            }
            return Math.scalb(best, -fp.fractionBits());
        } else if (l instanceof ConvLayer c) {
            float[] w = c.weight().values();
            int m = c.geometry().outChannels();
            int per = w.length / m;
            double best = 0;
            for (int o = 0; o < m; o++) {
                double sum = 0;
                for (int k = 0; k < per; k++) {
                    sum += Math.abs(fp.encode(w[o * per + k]));
                }
                best = Math.max(best, sum);
            }
            return Math.scalb(best, -fp.fractionBits());
        } else if (l instanceof AffineLayer a) {
            double best = 0;
            for (float s : a.scale().values()) {
                best = Math.max(best, Math.abs(fp.encode(s)));
            }
            return Math.scalb(best, -fp.fractionBits());
        } else if (l instanceof AvgPoolLayer p) {
            int[] d = p.geometry().divisors();
            int[] table = p.geometry().windowTable();
            int taps = p.geometry().taps();
            double best = 0;
            for (int pos = 0; pos < d.length; pos++) {
                int valid = 0;
                for (int t = 0; t < taps; t++) {
                    valid += table[pos * taps + t] >= 0 ? 1 : 0;
                }
                best = Math.max(best, (double) valid * fp.reciprocal(d[pos]));
            }
            return Math.scalb(best, -fp.fractionBits());
        }
        return -1;
    }
}
