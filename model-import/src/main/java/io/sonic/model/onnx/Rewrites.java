package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.Shapes;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.MatMulGeometry;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Graph rewrites after conversion, each exact up to float rounding:
 * <ul>
 * <li>backward: a bias addition or a per-channel affine layer (an inference-mode BatchNormalization)
 * that directly follows a Conv or a matrix product, and is its only reader, is folded into that
 * layer's weights and bias;</li>
 * <li>forward: a bias addition or an affine layer (input normalisation, a scale factor) whose only
 * reader is a matrix product (a scale along the contracted axis, any shift) or a convolution (a scale
 * per input channel; a shift only when the convolution has no padding, since zero padding of the
 * normalised value is not zero in the original one) is folded into that layer's weights and bias;</li>
 * <li>layers that do not contribute to the output are dropped.</li>
 * </ul>
 * Each pass is linear in the number of layers; the weights it creates are paid from the import's
 * budget, and a fold the budget cannot pay for is simply not made.
 */
final class Rewrites {
    private Rewrites() {
    }

    static List<Layer> apply(List<Layer> layers, String output, ImportBudget budget) {
        Layer[] current = layers.toArray(new Layer[0]);
        Map<String, Integer> readers = new HashMap<>();
        for (Layer l : current) {
            for (String in : l.inputs()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        foldBackward(current, readers, output, budget);
        foldForward(current, readers, output, budget);
        List<Layer> remaining = new ArrayList<>();
        for (Layer l : current) {
            if (l != null) {
                remaining.add(l);
            }
        }
        return live(remaining, output);
    }

    private static boolean foldable(Layer l) {
        return l instanceof BiasAddLayer || l instanceof AffineLayer;
    }

    private static void foldBackward(Layer[] current, Map<String, Integer> readers, String output, ImportBudget budget) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < current.length; i++) {
            Layer next = current[i];
            if (foldable(next)) {
                String in = next.inputs().get(0);
                Integer p = producer.get(in);
                if (p != null && readers.getOrDefault(in, 0) == 1 && !in.equals(output)) {
                    Layer merged = backward(current[p], next, budget);
                    if (merged != null) {
                        current[p] = merged;
                        current[i] = null;
                        producer.put(next.output(), p);
                        continue;
                    }
                }
            }
            producer.put(next.output(), i);
        }
    }

    private static void foldForward(Layer[] current, Map<String, Integer> readers, String output, ImportBudget budget) {
        Map<String, Integer> reader = new HashMap<>();
        for (int i = 0; i < current.length; i++) {
            if (current[i] != null) {
                for (String in : current[i].inputs()) {
                    reader.put(in, i);
                }
            }
        }
        for (int i = current.length - 1; i >= 0; i--) {
            Layer prev = current[i];
            if (!foldable(prev) || readers.getOrDefault(prev.output(), 0) != 1 || prev.output().equals(output)) {
                continue;
            }
            Integer q = reader.get(prev.output());
            if (q == null || current[q] == null) {
                continue;
            }
            Layer merged = forward(prev, current[q], budget);
            if (merged != null) {
                current[q] = merged;
                current[i] = null;
                reader.put(prev.inputs().get(0), q);
            }
        }
    }

    // ------------------------------------------------------------------ backward

    private static Layer backward(Layer prev, Layer next, ImportBudget budget) {
        String op = prev.sourceOp() + "+" + next.sourceOp();
        if (prev instanceof ConvLayer conv) {
            int m = conv.geometry().outChannels();
            if (!budget.tryAllocate(2L * m)) {
                return null;
            }
            float[] perChannelBias = conv.bias() == null ? new float[m] : conv.bias().values();
            if (next instanceof BiasAddLayer add) {
                float[] b = PerChannel.values(add.bias(), conv.outputShape());
                if (b == null) {
                    return null;
                }
                for (int i = 0; i < m; i++) {
                    perChannelBias[i] += b[i];
                }
                return conv.with(op, next.output(), conv.weight(), new FloatTensor(new int[] {m}, perChannelBias));
            }
            if (!budget.tryAllocate((long) conv.weight().size() + m)) {
                return null;
            }
            AffineLayer bn = (AffineLayer) next;
            float[] s = bn.scale().values();
            float[] t = bn.shift().values();
            float[] w = conv.weight().values();
            int per = w.length / m;
            for (int o = 0; o < m; o++) {
                for (int j = 0; j < per; j++) {
                    w[o * per + j] *= s[o];
                }
                perChannelBias[o] = perChannelBias[o] * s[o] + t[o];
            }
            return conv.with(op, next.output(), new FloatTensor(conv.weight().shape(), w),
                    new FloatTensor(new int[] {m}, perChannelBias));
        }
        if (prev instanceof MatMulLayer mm) {
            int[] out = mm.outputShape();
            if (next instanceof BiasAddLayer add) {
                if (add.bias().rank() > out.length || !Arrays.equals(Shapes.broadcast(out, add.bias().shape()), out)) {
                    return null;
                }
                if (mm.bias() == null) {
                    return mm.with(op, next.output(), mm.weight(), add.bias());
                }
                int[] shape = Shapes.broadcast(mm.bias().shape(), add.bias().shape());
                if (!budget.tryAllocate(Shapes.size(shape))) {
                    return null;
                }
                return mm.with(op, next.output(), mm.weight(), sum(mm.bias(), add.bias()));
            }
            AffineLayer bn = (AffineLayer) next;
            // only a per-column scale (channel axis 1 of a 2-D output) can move into the weight's columns
            if (out.length != 2 || mm.weightOnLeft() || mm.weight().rank() < 2) {
                return null;
            }
            int n = out[1];
            FloatTensor oldBias = mm.bias() == null ? FloatTensor.zeros(n) : mm.bias();
            int[] biasShape = Shapes.broadcast(oldBias.shape(), new int[] {n});
            if (!budget.tryAllocate((long) mm.weight().size() + Shapes.size(biasShape))) {
                return null;
            }
            float[] s = bn.scale().values();
            float[] t = bn.shift().values();
            float[] w = mm.weight().values();
            for (int e = 0; e < w.length; e++) {
                w[e] *= s[e % n];
            }
            int[] idx = Shapes.broadcastIndex(biasShape, oldBias.shape());
            float[] b = new float[Shapes.size(biasShape)];
            for (int e = 0; e < b.length; e++) {
                int col = e % n;
                b[e] = oldBias.get(idx[e]) * s[col] + t[col];
            }
            return mm.with(op, next.output(), new FloatTensor(mm.weight().shape(), w), new FloatTensor(biasShape, b));
        }
        return null;
    }

    private static FloatTensor sum(FloatTensor a, FloatTensor b) {
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        int[] ia = Shapes.broadcastIndex(shape, a.shape());
        int[] ib = Shapes.broadcastIndex(shape, b.shape());
        float[] v = new float[ia.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(ia[i]) + b.get(ib[i]);
        }
        return new FloatTensor(shape, v);
    }

    // ------------------------------------------------------------------ forward

    private static Layer forward(Layer prev, Layer next, ImportBudget budget) {
        int[] in = prev.inputShape(0);
        if (!Arrays.equals(in, prev.outputShape())) {
            return null;
        }
        String op = prev.sourceOp() + "+" + next.sourceOp();
        if (next instanceof MatMulLayer mm) {
            return forwardIntoMatMul(prev, mm, in, op, budget);
        }
        if (next instanceof ConvLayer conv) {
            return forwardIntoConv(prev, conv, in, op, budget);
        }
        return null;
    }

    /** (x·s + t)·W + b = x·(diag(s)·W) + (t·W + b), s along the contracted axis of x. */
    private static Layer forwardIntoMatMul(Layer prev, MatMulLayer mm, int[] in, String op, ImportBudget budget) {
        FloatTensor w = mm.weight();
        float[] scale = null;
        float[] shift;
        if (prev instanceof AffineLayer a) {
            scale = a.scale().values();
            if (!uniform(scale) && contractedAxis(in.length, mm.weightOnLeft(), mm.transposeInput()) != 1) {
                return null;
            }
            shift = broadcastPerChannel(a.shift().values(), in, a.innerSize(), budget);
        } else {
            FloatTensor b = ((BiasAddLayer) prev).bias();
            if (!budget.tryAllocate(Shapes.size(in))) {
                return null;
            }
            shift = new float[Shapes.size(in)];
            int[] idx = Shapes.broadcastIndex(in, b.shape());
            for (int i = 0; i < shift.length; i++) {
                shift[i] = b.get(idx[i]);
            }
        }
        if (shift == null) {
            return null;
        }
        FloatTensor bias = mm.bias();
        if (!allZero(shift)) {
            MatMulGeometry g = mm.geometry();
            if (!budget.tryWork(mm.multiplyAccumulates()) || !budget.tryAllocate(2L * Shapes.size(mm.outputShape()))) {
                return null;
            }
            float[] tw = product(g, mm.weightOnLeft(), w.values(), shift);
            float[] total = tw;
            int[] out = mm.outputShape();
            if (bias != null) {
                int[] idx = Shapes.broadcastIndex(out, bias.shape());
                for (int i = 0; i < total.length; i++) {
                    total[i] += bias.get(idx[i]);
                }
            }
            bias = compact(new FloatTensor(out, total));
        }
        if (scale != null) {
            if (!budget.tryAllocate(w.size())) {
                return null;
            }
            int axis = w.rank() == 1 ? 0 : mm.weightOnLeft() ? w.rank() - 1 : w.rank() - 2;
            w = uniform(scale) ? scaleAlong(w, axis, new float[] {scale[0]}) : scaleAlong(w, axis, scale);
        }
        return new MatMulLayer(mm.name(), op, prev.inputs().get(0), in, mm.output(), w, mm.weightOnLeft(),
                mm.transposeInput(), bias);
    }

    /** conv(x·s + t) = conv_{W·s}(x) + Σ W·t, the shift only without padding. */
    private static Layer forwardIntoConv(Layer prev, ConvLayer conv, int[] in, String op, ImportBudget budget) {
        ConvGeometry g = conv.geometry();
        int channels = g.inChannels();
        float[] scale = null;
        float[] shift;
        if (prev instanceof AffineLayer a) {
            scale = a.scale().values();
            shift = a.shift().values();
        } else {
            FloatTensor b = ((BiasAddLayer) prev).bias();
            if (!PerChannel.applies(b.shape(), in) || !budget.tryAllocate(channels)) {
                return null;
            }
            shift = PerChannel.values(b, in);
        }
        boolean padded = Arrays.stream(g.windows().pads()).anyMatch(p -> p != 0);
        if (!allZero(shift) && padded) {
            return null;
        }
        int m = g.outChannels();
        if (!budget.tryAllocate((long) conv.weight().size() + m) || !budget.tryWork(conv.weight().size())) {
            return null;
        }
        float[] w = conv.weight().values();
        float[] bias = conv.bias() == null ? new float[m] : conv.bias().values();
        int perGroupIn = channels / g.group();
        int perGroupOut = m / g.group();
        int taps = w.length / (m * perGroupIn);
        for (int o = 0; o < m; o++) {
            int group = o / perGroupOut;
            double acc = bias[o];
            for (int j = 0; j < perGroupIn; j++) {
                int ch = group * perGroupIn + j;
                int base = (o * perGroupIn + j) * taps;
                for (int k = 0; k < taps; k++) {
                    acc += (double) w[base + k] * shift[ch];
                    if (scale != null) {
                        w[base + k] *= scale[ch];
                    }
                }
            }
            bias[o] = (float) acc;
        }
        FloatTensor newBias = conv.bias() == null && allZero(shift) ? null : new FloatTensor(new int[] {m}, bias);
        return new ConvLayer(conv.name(), op, prev.inputs().get(0), conv.output(),
                new FloatTensor(conv.weight().shape(), w), newBias, g);
    }

    /** The axis of the activation that a product layer sums over. */
    private static int contractedAxis(int rank, boolean weightOnLeft, boolean transposeInput) {
        if (rank == 1) {
            return 0;
        }
        return weightOnLeft == transposeInput ? rank - 1 : rank - 2;
    }

    /** A per-channel vector written out over a whole activation, or null if the budget refuses. */
    private static float[] broadcastPerChannel(float[] perChannel, int[] shape, int inner, ImportBudget budget) {
        int n = Shapes.size(shape);
        if (allZero(perChannel)) {
            return new float[0];
        }
        if (!budget.tryAllocate(n)) {
            return null;
        }
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = perChannel[(i / inner) % perChannel.length];
        }
        return r;
    }

    /** The product of the layer's weight with {@code x} in place of its input, as the float evaluator computes it. */
    private static float[] product(MatMulGeometry g, boolean weightOnLeft, float[] w, float[] x) {
        float[] a = weightOnLeft ? w : x;
        float[] b = weightOnLeft ? x : w;
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
        return y;
    }

    /** w with every element multiplied by s[its index along {@code axis}], or by s[0] when s has one value. */
    private static FloatTensor scaleAlong(FloatTensor w, int axis, float[] s) {
        int[] shape = w.shape();
        int stride = Shapes.strides(shape)[axis];
        float[] v = w.values();
        for (int e = 0; e < v.length; e++) {
            v[e] *= s.length == 1 ? s[0] : s[(e / stride) % shape[axis]];
        }
        return new FloatTensor(shape, v);
    }

    /** The tensor with every axis along which it does not vary reduced to size 1. */
    private static FloatTensor compact(FloatTensor t) {
        int[] shape = t.shape();
        float[] v = t.values();
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] == 1) {
                continue;
            }
            int stride = Shapes.strides(shape)[axis];
            int block = stride * shape[axis];
            boolean constant = true;
            for (int e = 0; e < v.length && constant; e++) {
                constant = v[e] == v[(e / block) * block + e % stride];
            }
            if (constant) {
                float[] r = new float[v.length / shape[axis]];
                for (int o = 0, p = 0; o < v.length; o += block) {
                    System.arraycopy(v, o, r, p, stride);
                    p += stride;
                }
                v = r;
                shape[axis] = 1;
            }
        }
        return new FloatTensor(shape, v);
    }

    private static boolean uniform(float[] v) {
        for (float x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(float[] v) {
        for (float x : v) {
            if (x != 0f) {
                return false;
            }
        }
        return true;
    }

    private static List<Layer> live(List<Layer> layers, String output) {
        Set<String> needed = new HashSet<>();
        needed.add(output);
        boolean[] keep = new boolean[layers.size()];
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            if (needed.contains(l.output())) {
                keep[i] = true;
                needed.addAll(l.inputs());
            }
        }
        List<Layer> result = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (keep[i]) {
                result.add(layers.get(i));
            }
        }
        return result;
    }
}
