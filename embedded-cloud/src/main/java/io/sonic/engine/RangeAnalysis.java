package io.sonic.engine;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.MatMulGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConcatLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.layer.ReshapeLayer;
import io.sonic.model.layer.TransposeLayer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which inputs a model can take without any value inside the network leaving what the protocols can
 * hold. Interval arithmetic over the ring values the secure engine computes: every input element lies
 * in the encoded {@link InputRange}; each layer maps the intervals of its inputs to an interval per
 * output element with the encoded weights (products and their bias before truncation at 2f fraction
 * bits, everything else at f), and every truncation may return one more than the exact floor, as the
 * secure truncations do. A range is <em>safe</em> when no value, before or after a truncation, can
 * reach 2^62 in magnitude: the exact truncation needs |x| < 2^62 (it opens x + 2^62 + r), the MSB of a
 * ReLU needs |x| < 2^63, and max pooling and argmax compare differences of two such values. The
 * bounds are rigorous (worst case over every input in the range), so a safe range can never give a
 * silently wrong result; they are loose for deep networks, where a range may be refused that real data
 * never comes near (use fewer fraction bits then).
 */
public final class RangeAnalysis {
    /** The largest magnitude allowed anywhere, in ring units (2^62, less a margin for double rounding). */
    public static final double LIMIT = 0x1p62 * (1 - 0x1p-20);

    /** The largest magnitude one layer can produce (pre-truncation for product layers), in ring units. */
    public record LayerBound(int index, String name, String op, double maxUnits, boolean truncating) {
        /** How many bits below 2^62 the layer stays (negative: it can overflow). */
        public double headroomBits() {
            return 62 - Math.log(Math.max(maxUnits, 1)) / Math.log(2);
        }
    }

    /** The bounds of every layer for one range; {@code worst} is the layer closest to the limit. */
    public record Result(InputRange range, int fractionBits, List<LayerBound> layers, LayerBound worst) {
        public boolean safe() {
            return worst == null || worst.maxUnits() < LIMIT;
        }

        /** Why the range is unsafe, naming the layer and what to do; null when safe. */
        public String problem() {
            if (safe()) {
                return null;
            }
            return "with inputs in " + range + " and " + fractionBits + " fraction bits, layer " + worst.index() + " '"
                    + worst.name() + "' (" + worst.op() + ") can reach 2^" + String.format(Locale.ROOT, "%.1f",
                    Math.log(worst.maxUnits()) / Math.log(2)) + " in the ring, above the 2^62 the protocols hold;"
                    + " give a narrower input range or fewer fraction bits";
        }
    }

    private RangeAnalysis() {
    }

    /** The bounds of every layer for inputs in {@code range}. */
    public static Result analyse(ModelGraph g, FixedPoint fp, InputRange range) {
        Map<String, double[][]> iv = new HashMap<>();
        double lo = encode(fp, range.min(), "the input range's minimum");
        double hi = encode(fp, range.max(), "the input range's maximum");
        double[][] in = new double[2][g.inputSize()];
        java.util.Arrays.fill(in[0], lo);
        java.util.Arrays.fill(in[1], hi);
        iv.put(g.inputName(), in);
        List<LayerBound> bounds = new ArrayList<>();
        LayerBound worst = null;
        List<Layer> layers = g.layers();
        double scale = Math.scalb(1.0, -fp.fractionBits());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            double[][] x = iv.get(l.inputs().get(0));
            double[][] pre = product(l, x, fp);
            double[][] out;
            boolean truncating = pre != null;
            double max;
            if (truncating) {
                widen(pre);
                max = maxAbs(pre);
                out = new double[2][pre[0].length];
                for (int k = 0; k < out[0].length; k++) {
                    out[0][k] = Math.floor(pre[0][k] * scale);
                    out[1][k] = Math.floor(pre[1][k] * scale) + 1;
                }
                max = Math.max(max, maxAbs(out));
            } else {
                out = local(l, x, iv, fp);
                max = maxAbs(out);
            }
            iv.put(l.output(), out);
            LayerBound b = new LayerBound(i, l.name(), l.sourceOp(), max, truncating);
            bounds.add(b);
            if (worst == null || !(b.maxUnits() <= worst.maxUnits())) {
                worst = b;
            }
        }
        return new Result(range, fp.fractionBits(), List.copyOf(bounds), worst);
    }

    /** Refuses a model with a weight, bias, scale, shift or pad value that does not encode at f, naming the layer. */
    public static void requireEncodable(ModelGraph g, FixedPoint fp) {
        int f = fp.fractionBits();
        for (Layer l : g.layers()) {
            if (l instanceof MatMulLayer m) {
                encodeAll(fp, m.weight().values(), f, l, "weight");
                if (m.bias() != null) {
                    encodeAll(fp, m.bias().values(), 2 * f, l, "bias");
                }
            } else if (l instanceof ConvLayer c) {
                encodeAll(fp, c.weight().values(), f, l, "weight");
                if (c.bias() != null) {
                    encodeAll(fp, c.bias().values(), 2 * f, l, "bias");
                }
            } else if (l instanceof AffineLayer a) {
                encodeAll(fp, a.scale().values(), f, l, "scale");
                encodeAll(fp, a.shift().values(), 2 * f, l, "shift");
            } else if (l instanceof BiasAddLayer b) {
                encodeAll(fp, b.bias().values(), f, l, "bias");
            } else if (l instanceof PadLayer p) {
                encodeAll(fp, new float[] {p.value()}, f, l, "pad value");
            }
        }
    }

    /** Refuses an unsafe range with a message naming the layer. */
    public static Result requireSafe(ModelGraph g, FixedPoint fp, InputRange range) {
        Result r = analyse(g, fp, range);
        if (!r.safe()) {
            InputRange largest = largestSymmetric(g, fp);
            throw new ModelException(r.problem() + (largest == null ? "" : " (the largest safe symmetric range at"
                    + " this f is " + largest + ")"));
        }
        return r;
    }

    /**
     * The conservative default when the owner states no range: the largest symmetric range [-m, m] that
     * is safe, with m rounded down to two significant digits; null when not even [-2^-f, 2^-f] is.
     */
    public static InputRange largestSymmetric(ModelGraph g, FixedPoint fp) {
        double unit = Math.scalb(1.0, -fp.fractionBits());
        if (!safe(g, fp, unit)) {
            return null;
        }
        double ok = unit;
        double bad = Double.NaN;
        for (int step = 0; step < 200; step++) {
            double next = ok * 16;
            if (next > 0x1p60 || !safe(g, fp, next)) {
                bad = Math.min(next, 0x1p60);
                break;
            }
            ok = next;
        }
        if (Double.isNaN(bad)) {
            return InputRange.symmetric(round2(ok));
        }
        for (int step = 0; step < 12 && bad / ok > 1.01; step++) {
            double mid = Math.sqrt(ok * bad);
            if (safe(g, fp, mid)) {
                ok = mid;
            } else {
                bad = mid;
            }
        }
        return InputRange.symmetric(round2(ok));
    }

    private static boolean safe(ModelGraph g, FixedPoint fp, double m) {
        try {
            return analyse(g, fp, InputRange.symmetric(m)).safe();
        } catch (ModelException e) {
            return false;
        }
    }

    /** m rounded down to two significant digits (at least the smallest positive value kept). */
    static double round2(double m) {
        double p = Math.pow(10, Math.floor(Math.log10(m)) - 1);
        double r = Math.floor(m / p) * p;
        return r > 0 && r <= m ? r : m;
    }

    private static double encode(FixedPoint fp, double v, String what) {
        try {
            return fp.encode(v);
        } catch (ArithmeticException e) {
            throw new ModelException(what + " " + v + " does not fit the fixed-point ring with " + fp.fractionBits()
                    + " fraction bits");
        }
    }

    private static double[] encodeAll(FixedPoint fp, float[] v, int bits, Layer l, String what) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new ModelException("layer '" + l.name() + "' (" + l.sourceOp() + ") has a " + what
                        + " that is not a finite number; it cannot be encoded in fixed point");
            }
            try {
                r[i] = FixedPoint.encodeAt(v[i], bits);
            } catch (ArithmeticException e) {
                throw new ModelException("layer '" + l.name() + "' (" + l.sourceOp() + ") has a " + what + " too"
                        + " large for the fixed-point ring with " + fp.fractionBits() + " fraction bits; use fewer"
                        + " fraction bits");
            }
        }
        return r;
    }

    /** The pre-truncation interval of a product layer (at 2f), or null for a layer without one. */
    private static double[][] product(Layer l, double[][] x, FixedPoint fp) {
        int f = fp.fractionBits();
        if (l instanceof MatMulLayer m) {
            double[] w = encodeAll(fp, m.weight().values(), f, l, "weight");
            double[][] z = matmul(m.geometry(), w, x, m.weightOnLeft());
            if (m.bias() != null) {
                double[] b = encodeAll(fp, m.bias().values(), 2 * f, l, "bias");
                int[] idx = Shapes.broadcastIndex(m.outputShape(), m.bias().shape());
                for (int k = 0; k < idx.length; k++) {
                    z[0][k] += b[idx[k]];
                    z[1][k] += b[idx[k]];
                }
            }
            return z;
        } else if (l instanceof ConvLayer c) {
            double[] w = encodeAll(fp, c.weight().values(), f, l, "weight");
            double[] b = c.bias() == null ? null : encodeAll(fp, c.bias().values(), 2 * f, l, "bias");
            return conv(c.geometry(), w, b, x);
        } else if (l instanceof AffineLayer a) {
            double[] s = encodeAll(fp, a.scale().values(), f, l, "scale");
            double[] t = encodeAll(fp, a.shift().values(), 2 * f, l, "shift");
            int inner = a.innerSize();
            int n = x[0].length;
            double[][] z = new double[2][n];
            for (int k = 0; k < n; k++) {
                int c = (k / inner) % s.length;
                double p = s[c] * x[0][k];
                double q = s[c] * x[1][k];
                z[0][k] = Math.min(p, q) + t[c];
                z[1][k] = Math.max(p, q) + t[c];
            }
            return z;
        } else if (l instanceof AvgPoolLayer a) {
            PoolGeometry g = a.geometry();
            int[] d = g.divisors();
            int[] table = g.windowTable();
            int taps = g.taps();
            int outPlane = g.outputPlane();
            double[][] z = new double[2][g.planes() * outPlane];
            for (int q = 0; q < g.planes(); q++) {
                int base = q * g.inputPlane();
                for (int p = 0; p < outPlane; p++) {
                    double r = fp.reciprocal(d[p]);
                    double sl = 0;
                    double sh = 0;
                    for (int t = 0; t < taps; t++) {
                        int idx = table[p * taps + t];
                        if (idx >= 0) {
                            sl += x[0][base + idx];
                            sh += x[1][base + idx];
                        }
                    }
                    z[0][q * outPlane + p] = sl * r;
                    z[1][q * outPlane + p] = sh * r;
                }
            }
            return z;
        }
        return null;
    }

    private static double[][] matmul(MatMulGeometry g, double[] w, double[][] x, boolean weightOnLeft) {
        int n = g.batches() * g.m() * g.n();
        double[][] z = new double[2][n];
        int pos = 0;
        for (int batch = 0; batch < g.batches(); batch++) {
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double lo = 0;
                    double hi = 0;
                    for (int k = 0; k < g.k(); k++) {
                        int a = g.aIndex(batch, i, k);
                        int b = g.bIndex(batch, k, j);
                        double wk = weightOnLeft ? w[a] : w[b];
                        int xi = weightOnLeft ? b : a;
                        double p = wk * x[0][xi];
                        double q = wk * x[1][xi];
                        lo += Math.min(p, q);
                        hi += Math.max(p, q);
                    }
                    z[0][pos] = lo;
                    z[1][pos++] = hi;
                }
            }
        }
        return z;
    }

    private static double[][] conv(ConvGeometry g, double[] w, double[] bias, double[][] x) {
        int[] table = g.patchTable();
        int len = g.patchLength();
        int positions = g.outputPositions();
        int groups = g.group();
        int outPerGroup = g.outChannels() / groups;
        int inPerGroup = g.inChannels() / groups;
        int plane = g.inputPlane();
        double[][] z = new double[2][g.batch() * g.outChannels() * positions];
        for (int n = 0; n < g.batch(); n++) {
            for (int grp = 0; grp < groups; grp++) {
                int base = (n * g.inChannels() + grp * inPerGroup) * plane;
                for (int mo = 0; mo < outPerGroup; mo++) {
                    int m = grp * outPerGroup + mo;
                    int wBase = m * len;
                    int zBase = (n * g.outChannels() + m) * positions;
                    for (int p = 0; p < positions; p++) {
                        double lo = bias == null ? 0 : bias[m];
                        double hi = lo;
                        int t = p * len;
                        for (int j = 0; j < len; j++) {
                            int idx = table[t + j];
                            if (idx >= 0) {
                                double a = w[wBase + j] * x[0][base + idx];
                                double b = w[wBase + j] * x[1][base + idx];
                                lo += Math.min(a, b);
                                hi += Math.max(a, b);
                            }
                        }
                        z[0][zBase + p] = lo;
                        z[1][zBase + p] = hi;
                    }
                }
            }
        }
        return z;
    }

    /** Layers that do not truncate: their output interval at f fraction bits. */
    private static double[][] local(Layer l, double[][] x, Map<String, double[][]> iv, FixedPoint fp) {
        if (l instanceof ReluLayer) {
            double[][] y = new double[2][x[0].length];
            for (int k = 0; k < y[0].length; k++) {
                y[0][k] = Math.max(x[0][k], 0);
                y[1][k] = Math.max(x[1][k], 0);
            }
            return y;
        } else if (l instanceof MaxPoolLayer mp) {
            PoolGeometry g = mp.geometry();
            int[] table = g.windowTable();
            int taps = g.taps();
            int outPlane = g.outputPlane();
            double[][] y = new double[2][g.planes() * outPlane];
            for (int q = 0; q < g.planes(); q++) {
                int base = q * g.inputPlane();
                for (int p = 0; p < outPlane; p++) {
                    double lo = Double.NEGATIVE_INFINITY;
                    double hi = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < taps; t++) {
                        int idx = table[p * taps + t];
                        if (idx >= 0) {
                            lo = Math.max(lo, x[0][base + idx]);
                            hi = Math.max(hi, x[1][base + idx]);
                        }
                    }
                    y[0][q * outPlane + p] = lo;
                    y[1][q * outPlane + p] = hi;
                }
            }
            return y;
        } else if (l instanceof BiasAddLayer b) {
            double[] v = encodeAll(fp, b.bias().values(), fp.fractionBits(), l, "bias");
            return add(x, l.inputShape(0), new double[][] {v, v}, b.bias().shape(), l.outputShape());
        } else if (l instanceof AddLayer) {
            return add(x, l.inputShape(0), iv.get(l.inputs().get(1)), l.inputShape(1), l.outputShape());
        } else if (l instanceof ReshapeLayer) {
            return x;
        } else if (l instanceof ConcatLayer cat) {
            int n = io.sonic.model.Shapes.size(l.outputShape());
            return new double[][] {cat.join(l.inputs().stream().map(in -> iv.get(in)[0]).toList(), new double[n]),
                    cat.join(l.inputs().stream().map(in -> iv.get(in)[1]).toList(), new double[n])};
        } else if (l instanceof TransposeLayer t) {
            return gather(t.sourceTable(), x, 0);
        } else if (l instanceof PadLayer pad) {
            return gather(pad.sourceTable(), x,
                    encodeAll(fp, new float[] {pad.value()}, fp.fractionBits(), l, "pad value")[0]);
        }
        throw new IllegalStateException("no range rule for layer kind " + l.kind());
    }

    /** Bounds of output k: those of input element t[k], or exactly {@code fill} where t[k] &lt; 0. */
    private static double[][] gather(int[] t, double[][] x, double fill) {
        double[][] y = new double[2][t.length];
        for (int k = 0; k < t.length; k++) {
            y[0][k] = t[k] < 0 ? fill : x[0][t[k]];
            y[1][k] = t[k] < 0 ? fill : x[1][t[k]];
        }
        return y;
    }

    private static double[][] add(double[][] a, int[] aShape, double[][] b, int[] bShape, int[] out) {
        int[] ia = Shapes.broadcastIndex(out, aShape);
        int[] ib = Shapes.broadcastIndex(out, bShape);
        double[][] y = new double[2][ia.length];
        for (int k = 0; k < ia.length; k++) {
            y[0][k] = a[0][ia[k]] + b[0][ib[k]];
            y[1][k] = a[1][ia[k]] + b[1][ib[k]];
        }
        return y;
    }

    /**
     * Widens product intervals by a relative 2^-30 and one unit: sums in double precision may round below
     * the exact ring sum, and a bound must never be below it.
     */
    private static void widen(double[][] z) {
        for (int k = 0; k < z[0].length; k++) {
            z[0][k] -= Math.abs(z[0][k]) * 0x1p-30 + 1;
            z[1][k] += Math.abs(z[1][k]) * 0x1p-30 + 1;
        }
    }

    private static double maxAbs(double[][] v) {
        double m = 0;
        for (double[] a : v) {
            for (double x : a) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }
}
