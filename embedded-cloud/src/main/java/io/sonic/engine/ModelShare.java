package io.sonic.engine;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.ring.RingTensor;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;

import java.util.HashMap;
import java.util.Map;

/**
 * One server's share of a model's weights: for each layer with parameters, its shares in the order
 * (weight at 2^f, bias at 2^2f), (bias at 2^f) for a bias addition, (scale at 2^f, shift at 2^2f) for
 * an affine layer. The graph structure is public and travels beside it. Immutable.
 */
public final class ModelShare {
    private final int party;
    private final int fractionBits;
    private final Map<Integer, SharedTensor[]> params;

    public ModelShare(int party, int fractionBits, Map<Integer, SharedTensor[]> params) {
        this.party = party;
        this.fractionBits = fractionBits;
        this.params = Map.copyOf(params);
    }

    public int party() {
        return party;
    }

    public int fractionBits() {
        return fractionBits;
    }

    /** The shares of layer {@code index}'s parameters, or an empty array. */
    public SharedTensor[] layer(int index) {
        return params.getOrDefault(index, new SharedTensor[0]).clone();
    }

    public Map<Integer, SharedTensor[]> all() {
        return params;
    }

    /** The model owner's split: encodes every parameter and shares it with a cryptographic PRG. */
    public static ModelShare[] split(ModelGraph graph, FixedPoint fp, Prg prg) {
        Map<Integer, SharedTensor[]> p0 = new HashMap<>();
        Map<Integer, SharedTensor[]> p1 = new HashMap<>();
        for (int i = 0; i < graph.layers().size(); i++) {
            RingTensor[] plain = encoded(graph.layers().get(i), fp);
            if (plain == null) {
                continue;
            }
            SharedTensor[] s0 = new SharedTensor[plain.length];
            SharedTensor[] s1 = new SharedTensor[plain.length];
            for (int k = 0; k < plain.length; k++) {
                if (plain[k] != null) {
                    SharedTensor[] s = SharedTensor.split(plain[k], prg);
                    s0[k] = s[0];
                    s1[k] = s[1];
                }
            }
            p0.put(i, s0);
            p1.put(i, s1);
        }
        return new ModelShare[] {new ModelShare(0, fp.fractionBits(), p0), new ModelShare(1, fp.fractionBits(), p1)};
    }

    /** A share of the right shapes with every value zero: for tracing what a query consumes, never for a query. */
    public static ModelShare zeros(ModelGraph graph, int party, FixedPoint fp) {
        Map<Integer, SharedTensor[]> p = new HashMap<>();
        for (int i = 0; i < graph.layers().size(); i++) {
            RingTensor[] plain = encoded(graph.layers().get(i), fp);
            if (plain != null) {
                SharedTensor[] z = new SharedTensor[plain.length];
                for (int k = 0; k < plain.length; k++) {
                    z[k] = plain[k] == null ? null : new SharedTensor(party, plain[k].shape(),
                            new long[plain[k].values().length]);
                }
                p.put(i, z);
            }
        }
        return new ModelShare(party, fp.fractionBits(), p);
    }

    /** A layer's parameters encoded in the ring (weight at 2^f, bias at 2^2f, ...), or null for none. */
    private static RingTensor[] encoded(Layer l, FixedPoint fp) {
        int f = fp.fractionBits();
        if (l instanceof MatMulLayer m) {
            return new RingTensor[] {new RingTensor(m.weight().shape(), fp.encode(m.weight().values())),
                    m.bias() == null ? null : new RingTensor(m.bias().shape(), fp.encodeAt(m.bias().values(), 2 * f))};
        } else if (l instanceof ConvLayer c) {
            return new RingTensor[] {new RingTensor(c.weight().shape(), fp.encode(c.weight().values())),
                    c.bias() == null ? null : new RingTensor(c.bias().shape(), fp.encodeAt(c.bias().values(), 2 * f))};
        } else if (l instanceof BiasAddLayer b) {
            return new RingTensor[] {new RingTensor(b.bias().shape(), fp.encode(b.bias().values()))};
        } else if (l instanceof AffineLayer a) {
            return new RingTensor[] {new RingTensor(a.scale().shape(), fp.encode(a.scale().values())),
                    new RingTensor(a.shift().shape(), fp.encodeAt(a.shift().values(), 2 * f))};
        }
        return null;
    }
}
