package io.sonic.model.eval;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Names;
import io.sonic.model.Shapes;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The float reference: evaluates a model graph in single precision (sums of products accumulate in
 * double). It is what the secure result is ultimately compared with, and it is itself checked
 * against ONNX Runtime and ONNX's backend test data. Thread-safe.
 */
public final class FloatEvaluator {
    private final ModelGraph graph;
    private final Map<Layer, float[][]> params = new HashMap<>();

    public FloatEvaluator(ModelGraph graph) {
        this.graph = graph;
        for (Layer l : graph.layers()) {
            if (l instanceof MatMulLayer m) {
                params.put(l, new float[][] {m.weight().values(), m.bias() == null ? null : m.bias().values()});
            } else if (l instanceof ConvLayer c) {
                params.put(l, new float[][] {c.weight().values(), c.bias() == null ? null : c.bias().values()});
            } else if (l instanceof BiasAddLayer b) {
                params.put(l, new float[][] {b.bias().values()});
            } else if (l instanceof AffineLayer a) {
                params.put(l, new float[][] {a.scale().values(), a.shift().values()});
            }
        }
    }

    public ModelGraph graph() {
        return graph;
    }

    /** Evaluates one input given as its flattened values (row-major, the model's input shape). */
    public FloatTensor run(float[] input) {
        return run(input, LayerListener.NONE);
    }

    public FloatTensor run(float[] input, LayerListener listener) {
        if (input.length != graph.inputSize()) {
            throw new ModelException("input has " + input.length + " values, but model input " + Names.quote(graph.inputName())
                    + " of shape " + Shapes.format(graph.inputShape()) + " needs " + graph.inputSize());
        }
        Map<String, float[]> values = new HashMap<>();
        values.put(graph.inputName(), input.clone());
        List<Layer> layers = graph.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long start = System.nanoTime();
            values.put(l.output(), evaluate(l, values));
            listener.layerDone(i, l, System.nanoTime() - start);
        }
        return new FloatTensor(graph.outputShape(), values.get(graph.outputName()));
    }

    private float[] evaluate(Layer l, Map<String, float[]> values) {
        float[] x = values.get(l.inputs().get(0));
        float[][] p = params.get(l);
        if (l instanceof MatMulLayer m) {
            return matmul(m, x, p[0], p[1]);
        } else if (l instanceof ConvLayer c) {
            return conv(c.geometry(), x, p[0], p[1]);
        } else if (l instanceof ReluLayer) {
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.max(x[i], 0f);
            }
            return y;
        } else if (l instanceof MaxPoolLayer mp) {
            return maxPool(mp.geometry(), x);
        } else if (l instanceof AvgPoolLayer ap) {
            return avgPool(ap.geometry(), x);
        } else if (l instanceof BiasAddLayer b) {
            return add(x, l.inputShape(0), p[0], b.bias().shape(), l.outputShape());
        } else if (l instanceof AddLayer) {
            return add(x, l.inputShape(0), values.get(l.inputs().get(1)), l.inputShape(1), l.outputShape());
        } else if (l instanceof AffineLayer a) {
            int inner = a.innerSize();
            int ch = a.channels();
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                int c = (i / inner) % ch;
                y[i] = x[i] * p[0][c] + p[1][c];
            }
            return y;
        } else if (l instanceof ReshapeLayer) {
            return x;
        } else if (l instanceof ConcatLayer cat) {
            return cat.join(l.inputs().stream().map(values::get).toList(), new float[Shapes.size(l.outputShape())]);
        } else if (l instanceof TransposeLayer t) {
            return gather(t.sourceTable(), x, 0f);
        } else if (l instanceof PadLayer pad) {
            return gather(pad.sourceTable(), x, pad.value());
        }
        throw new IllegalStateException("no float kernel for " + l.kind());
    }

    /** Output k is x[t[k]], or {@code fill} where t[k] &lt; 0 (the float twin of {@code RingKernels.gather}). */
    private static float[] gather(int[] t, float[] x, float fill) {
        float[] y = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            y[i] = t[i] < 0 ? fill : x[t[i]];
        }
        return y;
    }

    private static float[] matmul(MatMulLayer m, float[] x, float[] w, float[] bias) {
        MatMulGeometry g = m.geometry();
        float[] a = m.weightOnLeft() ? w : x;
        float[] b = m.weightOnLeft() ? x : w;
        float[] y = new float[g.batches() * g.m() * g.n()];
        int pos = 0;
        for (int batch = 0; batch < g.batches(); batch++) {
            for (int i = 0; i < g.m(); i++) {
                for (int j = 0; j < g.n(); j++) {
                    double acc = 0;
                    for (int k = 0; k < g.k(); k++) {
                        acc += (double) a[g.aIndex(batch, i, k)] * b[g.bIndex(batch, k, j)];
                    }
                    y[pos++] = (float) acc;
                }
            }
        }
        if (bias != null) {
            int[] out = m.outputShape();
            int[] idx = Shapes.broadcastIndex(out, m.bias().shape());
            for (int i = 0; i < y.length; i++) {
                y[i] += bias[idx[i]];
            }
        }
        return y;
    }

    private static float[] conv(ConvGeometry g, float[] x, float[] w, float[] bias) {
        int[] table = g.patchTable();
        int len = g.patchLength();
        int positions = g.outputPositions();
        int groups = g.group();
        int outPerGroup = g.outChannels() / groups;
        int inPerGroup = g.inChannels() / groups;
        int plane = g.inputPlane();
        float[] y = new float[g.batch() * g.outChannels() * positions];
        for (int n = 0; n < g.batch(); n++) {
            for (int grp = 0; grp < groups; grp++) {
                int base = (n * g.inChannels() + grp * inPerGroup) * plane;
                for (int mo = 0; mo < outPerGroup; mo++) {
                    int m = grp * outPerGroup + mo;
                    int wBase = m * len;
                    int yBase = (n * g.outChannels() + m) * positions;
                    for (int p = 0; p < positions; p++) {
                        double acc = bias == null ? 0 : bias[m];
                        int t = p * len;
                        for (int j = 0; j < len; j++) {
                            int idx = table[t + j];
                            if (idx >= 0) {
                                acc += (double) w[wBase + j] * x[base + idx];
                            }
                        }
                        y[yBase + p] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    private static float[] maxPool(PoolGeometry g, float[] x) {
        int[] table = g.windowTable();
        int taps = g.taps();
        int outPlane = g.outputPlane();
        float[] y = new float[g.planes() * outPlane];
        for (int q = 0; q < g.planes(); q++) {
            int base = q * g.inputPlane();
            for (int p = 0; p < outPlane; p++) {
                float best = Float.NEGATIVE_INFINITY;
                for (int t = 0; t < taps; t++) {
                    int idx = table[p * taps + t];
                    if (idx >= 0) {
                        best = Math.max(best, x[base + idx]);
                    }
                }
                y[q * outPlane + p] = best;
            }
        }
        return y;
    }

    private static float[] avgPool(PoolGeometry g, float[] x) {
        int[] table = g.windowTable();
        int[] divisors = g.divisors();
        int taps = g.taps();
        int outPlane = g.outputPlane();
        float[] y = new float[g.planes() * outPlane];
        for (int q = 0; q < g.planes(); q++) {
            int base = q * g.inputPlane();
            for (int p = 0; p < outPlane; p++) {
                double sum = 0;
                for (int t = 0; t < taps; t++) {
                    int idx = table[p * taps + t];
                    if (idx >= 0) {
                        sum += x[base + idx];
                    }
                }
                y[q * outPlane + p] = (float) (sum / divisors[p]);
            }
        }
        return y;
    }

    private static float[] add(float[] a, int[] aShape, float[] b, int[] bShape, int[] out) {
        int[] ia = Shapes.broadcastIndex(out, aShape);
        int[] ib = Shapes.broadcastIndex(out, bShape);
        float[] y = new float[ia.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = a[ia[i]] + b[ib[i]];
        }
        return y;
    }
}
