package io.sonic.model.eval;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Names;
import io.sonic.model.Shapes;
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
 * The ideal functionality of the secure engine: the model evaluated in the ring Z_2^64 with exactly
 * the encoding and the exact (floor) truncation that the secure protocols approximate.
 * <ul>
 * <li>products (MatMul, Conv, per-channel affine): {@code (Σ w·x + b·2^f) >> f} with w, x at 2^f
 * and the bias at 2^2f;</li>
 * <li>bias and residual additions: plain ring addition at 2^f;</li>
 * <li>ReLU and max pooling: exact on the signed values;</li>
 * <li>average pooling: {@code (Σ x · round(2^f / divisor)) >> f}, the divisor being public.</li>
 * </ul>
 * Thread-safe.
 */
public final class FixedPointEvaluator {
    private final ModelGraph graph;
    private final FixedPoint fp;
    private final Map<Layer, long[][]> params = new HashMap<>();

    public FixedPointEvaluator(ModelGraph graph, FixedPoint fp) {
        this.graph = graph;
        this.fp = fp;
        for (Layer l : graph.layers()) {
            try {
                long[][] p = encode(l, fp);
                if (p != null) {
                    params.put(l, p);
                }
            } catch (ArithmeticException e) {
                throw new ModelException("layer " + Names.quote(l.name()) + " (" + l.sourceOp() + ") has parameters that cannot be"
                        + " encoded in fixed point with " + fp.fractionBits() + " fraction bits (" + e.getMessage()
                        + "); use fewer fraction bits");
            }
        }
    }

    private static long[][] encode(Layer l, FixedPoint fp) {
        int f = fp.fractionBits();
        if (l instanceof MatMulLayer m) {
            return new long[][] {fp.encode(m.weight().values()),
                    m.bias() == null ? null : fp.encodeAt(m.bias().values(), 2 * f)};
        } else if (l instanceof ConvLayer c) {
            return new long[][] {fp.encode(c.weight().values()),
                    c.bias() == null ? null : fp.encodeAt(c.bias().values(), 2 * f)};
        } else if (l instanceof BiasAddLayer b) {
            return new long[][] {fp.encode(b.bias().values())};
        } else if (l instanceof AffineLayer a) {
            return new long[][] {fp.encode(a.scale().values()), fp.encodeAt(a.shift().values(), 2 * f)};
        } else if (l instanceof AvgPoolLayer ap) {
            int[] d = ap.geometry().divisors();
            long[] r = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                r[i] = fp.reciprocal(d[i]);
            }
            return new long[][] {r};
        } else if (l instanceof PadLayer pad) {
            return new long[][] {{fp.encode(pad.value())}};
        }
        return null;
    }

    public FixedPoint fixedPoint() {
        return fp;
    }

    public ModelGraph graph() {
        return graph;
    }

    /** Encodes a float input, evaluates, returns the decoded output. */
    public double[] runDecoded(float[] input) {
        return fp.decode(run(encodeInput(input), LayerListener.NONE));
    }

    public long[] encodeInput(float[] input) {
        if (input.length != graph.inputSize()) {
            throw new ModelException("input has " + input.length + " values, but model input " + Names.quote(graph.inputName())
                    + " of shape " + Shapes.format(graph.inputShape()) + " needs " + graph.inputSize());
        }
        for (int i = 0; i < input.length; i++) {
            if (!Float.isFinite(input[i]) || Math.abs(Math.scalb((double) input[i], fp.fractionBits())) >= 0x1p62) {
                throw new ModelException("input value " + (i + 1) + " cannot be encoded in fixed point with "
                        + fp.fractionBits() + " fraction bits (it is not finite or too large)");
            }
        }
        return fp.encode(input);
    }

    /** Observes the values just before each truncation (at 2f fraction bits), per layer index. */
    @FunctionalInterface
    public interface TruncationObserver {
        TruncationObserver NONE = (index, values) -> { };

        void beforeTruncation(int layerIndex, long[] values);
    }

    public long[] run(long[] input, LayerListener listener) {
        return run(input, listener, TruncationObserver.NONE);
    }

    public long[] run(long[] input, LayerListener listener, TruncationObserver observer) {
        if (input.length != graph.inputSize()) {
            throw new ModelException("input has " + input.length + " values, but model input " + Names.quote(graph.inputName())
                    + " of shape " + Shapes.format(graph.inputShape()) + " needs " + graph.inputSize());
        }
        Map<String, long[]> values = new HashMap<>();
        values.put(graph.inputName(), input.clone());
        List<Layer> layers = graph.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long start = System.nanoTime();
            int index = i;
            values.put(l.output(), evaluate(l, values, y -> observer.beforeTruncation(index, y)));
            listener.layerDone(i, l, System.nanoTime() - start);
        }
        return values.get(graph.outputName());
    }

    private long[] evaluate(Layer l, Map<String, long[]> values, java.util.function.Consumer<long[]> seen) {
        long[] x = values.get(l.inputs().get(0));
        long[][] p = params.get(l);
        if (l instanceof MatMulLayer m) {
            long[] y = m.weightOnLeft() ? RingKernels.matmul(m.geometry(), p[0], x)
                    : RingKernels.matmul(m.geometry(), x, p[0]);
            return truncate(p[1] == null ? y : RingKernels.addBias(m, y, p[1], m.bias().shape()), seen);
        } else if (l instanceof ConvLayer c) {
            long[] y = RingKernels.conv(c.geometry(), p[0], x);
            return truncate(p[1] == null ? y : RingKernels.addBias(c, y, p[1], null), seen);
        } else if (l instanceof ReluLayer) {
            long[] y = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = Math.max(x[i], 0L);
            }
            return y;
        } else if (l instanceof MaxPoolLayer mp) {
            return RingKernels.windowMax(mp.geometry(), x);
        } else if (l instanceof AvgPoolLayer ap) {
            return truncate(RingKernels.windowSums(ap.geometry(), x, p[0]), seen);
        } else if (l instanceof BiasAddLayer b) {
            return RingKernels.add(x, l.inputShape(0), p[0], b.bias().shape(), l.outputShape());
        } else if (l instanceof AddLayer) {
            return RingKernels.add(x, l.inputShape(0), values.get(l.inputs().get(1)), l.inputShape(1),
                    l.outputShape());
        } else if (l instanceof AffineLayer a) {
            return truncate(RingKernels.addBias(a, RingKernels.channelScale(p[0], x, a.innerSize()), p[1], null), seen);
        } else if (l instanceof ReshapeLayer) {
            return x;
        } else if (l instanceof TransposeLayer t) {
            return RingKernels.gather(t.sourceTable(), x, 0);
        } else if (l instanceof ConcatLayer cat) {
            return cat.join(l.inputs().stream().map(values::get).toList(), new long[Shapes.size(l.outputShape())]);
        } else if (l instanceof PadLayer pad) {
            return RingKernels.gather(pad.sourceTable(), x, p[0][0]);
        }
        throw new IllegalStateException("no fixed-point kernel for " + l.kind());
    }

    private long[] truncate(long[] y, java.util.function.Consumer<long[]> seen) {
        seen.accept(y);
        for (int i = 0; i < y.length; i++) {
            y[i] = fp.truncate(y[i]);
        }
        return y;
    }
}
