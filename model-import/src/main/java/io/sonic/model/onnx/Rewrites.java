package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.Shapes;
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
 * Graph rewrites after conversion: a bias addition or an inference-mode BatchNormalization that
 * directly follows a Conv or a matrix product (and is its only reader) is folded into that layer's
 * weights and bias; layers that do not contribute to the output are dropped.
 */
final class Rewrites {
    private Rewrites() {
    }

    static List<Layer> apply(List<Layer> layers, String output) {
        List<Layer> current = new ArrayList<>(layers);
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<String, Integer> readers = readers(current);
            Map<String, Integer> producer = new HashMap<>();
            for (int i = 0; i < current.size(); i++) {
                producer.put(current.get(i).output(), i);
            }
            for (int i = 0; i < current.size(); i++) {
                Layer next = current.get(i);
                if (!(next instanceof BiasAddLayer) && !(next instanceof AffineLayer)) {
                    continue;
                }
                String in = next.inputs().get(0);
                Integer p = producer.get(in);
                if (p == null || readers.getOrDefault(in, 0) != 1 || in.equals(output)) {
                    continue;
                }
                Layer merged = merge(current.get(p), next);
                if (merged != null) {
                    current.set(p, merged);
                    current.remove(i);
                    changed = true;
                    break;
                }
            }
        }
        return live(current, output);
    }

    private static Map<String, Integer> readers(List<Layer> layers) {
        Map<String, Integer> r = new HashMap<>();
        for (Layer l : layers) {
            for (String in : l.inputs()) {
                r.merge(in, 1, Integer::sum);
            }
        }
        return r;
    }

    private static Layer merge(Layer prev, Layer next) {
        String op = prev.sourceOp() + "+" + next.sourceOp();
        if (prev instanceof ConvLayer conv) {
            int m = conv.geometry().outChannels();
            float[] perChannelBias = conv.bias() == null ? new float[m] : conv.bias().values();
            if (next instanceof BiasAddLayer add) {
                float[] b = perChannel(add.bias(), conv.outputShape());
                if (b == null) {
                    return null;
                }
                for (int i = 0; i < m; i++) {
                    perChannelBias[i] += b[i];
                }
                return conv.with(op, next.output(), conv.weight(), new FloatTensor(new int[] {m}, perChannelBias));
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
                if (!Arrays.equals(Shapes.broadcast(out, add.bias().shape()), out)) {
                    return null;
                }
                FloatTensor bias = mm.bias() == null ? add.bias() : sum(mm.bias(), add.bias());
                return mm.with(op, next.output(), mm.weight(), bias);
            }
            AffineLayer bn = (AffineLayer) next;
            // only a per-column scale (channel axis 1 of a 2-D output) can move into the weight's columns
            if (out.length != 2 || mm.weightOnLeft()) {
                return null;
            }
            int n = out[1];
            float[] s = bn.scale().values();
            float[] t = bn.shift().values();
            float[] w = mm.weight().values();
            for (int e = 0; e < w.length; e++) {
                w[e] *= s[e % n];
            }
            FloatTensor oldBias = mm.bias() == null ? FloatTensor.zeros(n) : mm.bias();
            int[] biasShape = Shapes.broadcast(oldBias.shape(), new int[] {n});
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

    /** The bias as one value per channel of a conv output, or null if it varies otherwise. */
    private static float[] perChannel(FloatTensor bias, int[] outShape) {
        int[] b = Shapes.broadcast(outShape, bias.shape());
        if (!Arrays.equals(b, outShape)) {
            return null;
        }
        int[] s = bias.shape();
        int rank = outShape.length;
        int offset = rank - s.length;
        for (int i = 0; i < s.length; i++) {
            if (i + offset != 1 && s[i] != 1) {
                return null;
            }
        }
        int m = outShape[1];
        float[] r = new float[m];
        boolean hasChannelAxis = offset <= 1 && s[1 - offset] == m;
        for (int c = 0; c < m; c++) {
            r[c] = bias.get(hasChannelAxis ? c : 0);
        }
        return r;
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
