package io.sonic.engine;

import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.MaskSeeds;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.protocol.ArgmaxProtocol;
import io.sonic.engine.protocol.BeaverProtocol;
import io.sonic.engine.protocol.MaxPoolProtocol;
import io.sonic.engine.protocol.PartyContext;
import io.sonic.engine.protocol.ReluProtocol;
import io.sonic.engine.protocol.TruncationProtocol;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.RingKernels;
import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.layer.ReshapeLayer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One cloud server's side of secure inference: walks the model graph on its shares, layer by layer,
 * one protocol per layer kind, talking to the other server only through its channel. Holds no
 * plaintext weight, input or output; logs nothing.
 */
public final class SecureParty {
    private final int party;
    private final ModelGraph graph;
    private final ModelShare share;
    private final SecureConfig config;
    private final Map<Integer, long[]> openedMasks = new HashMap<>();

    public SecureParty(int party, ModelGraph graph, ModelShare share, SecureConfig config) {
        if (share.party() != party || share.fractionBits() != config.fractionBits()) {
            throw new IllegalArgumentException("model share of party " + share.party() + " with f = "
                    + share.fractionBits() + " does not fit party " + party + " with f = " + config.fractionBits());
        }
        this.party = party;
        this.graph = graph;
        this.share = share;
        this.config = config;
    }

    public int party() {
        return party;
    }

    public boolean masksOpened() {
        return !openedMasks.isEmpty();
    }

    /** The protocol that evaluates a layer (shown in the GUI and in reports). */
    public static String protocolName(Layer l, SecureConfig cfg) {
        String trunc = cfg.truncation() == SecureConfig.TruncationMode.EXACT ? " + exact truncation"
                : " + local truncation";
        if (l instanceof MatMulLayer) {
            return "Beaver matmul" + trunc;
        } else if (l instanceof ConvLayer) {
            return "Beaver conv" + trunc;
        } else if (l instanceof AffineLayer) {
            return "Beaver scale" + trunc;
        } else if (l instanceof ReluLayer) {
            return "MSB ReLU";
        } else if (l instanceof MaxPoolLayer) {
            return "secure max";
        } else if (l instanceof AvgPoolLayer) {
            return "local sum" + trunc;
        }
        return "local";
    }

    /** The opened E = W − A per layer after {@link #openMasks} (mask-reuse mode), to keep for later queries. */
    public Map<Integer, long[]> openedMasks() {
        return Map.copyOf(openedMasks);
    }

    /** Uses masks opened earlier for the same model and mask seeds. */
    public void useOpenedMasks(Map<Integer, long[]> opened) {
        openedMasks.clear();
        openedMasks.putAll(opened);
    }

    /** Mask-reuse setup, once per model: opens E = W − A for every layer with secret weights. */
    public void openMasks(MeteredChannel channel, byte[] maskSeed) {
        channel.scope("setup");
        PartyContext ctx = new PartyContext(party, channel, null, config);
        List<Layer> layers = graph.layers();
        for (int i = 0; i < layers.size(); i++) {
            Bilinear op = LinearOps.of(layers.get(i));
            if (op != null) {
                long[] w = share.layer(i)[0].values();
                openedMasks.put(i, BeaverProtocol.openMaskedWeight(ctx, w, MaskSeeds.maskShare(maskSeed, i, w.length)));
            }
        }
    }

    /**
     * Runs one query on this server's input share; returns its share of the output (the logits, or
     * with OutputMode.LABEL a one-element share of the label).
     */
    public SharedTensor run(SharedTensor input, MeteredChannel channel, Randomness randomness,
                            SecureLayerListener listener) {
        if (config.linear() == LinearMode.MASK_REUSE && openedMasks.isEmpty() && hasLinear()) {
            throw new IllegalStateException("mask-reuse mode needs openMasks() once per model before queries");
        }
        PartyContext ctx = new PartyContext(party, channel, randomness, config);
        Map<String, long[]> values = new HashMap<>();
        values.put(graph.inputName(), input.values());
        List<Layer> layers = graph.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String protocol = protocolName(l, config);
            channel.scope("layer " + i);
            listener.started(i, l, protocol);
            Traffic before = channel.of("layer " + i);
            long start = System.nanoTime();
            values.put(l.output(), evaluate(ctx, i, l, values));
            long nanos = System.nanoTime() - start;
            listener.finished(i, l, protocol, channel.of("layer " + i).minus(before), channel.rounds("layer " + i),
                    nanos);
        }
        long[] out = values.get(graph.outputName());
        if (config.output() == SecureConfig.OutputMode.LABEL) {
            int index = layers.size();
            channel.scope("output");
            listener.started(index, null, "secure argmax");
            long start = System.nanoTime();
            long label = ArgmaxProtocol.argmax(ctx, index, out);
            listener.finished(index, null, "secure argmax", channel.of("output"), channel.rounds("output"),
                    System.nanoTime() - start);
            return new SharedTensor(party, new int[] {1}, new long[] {label});
        }
        return new SharedTensor(party, graph.outputShape(), out);
    }

    private boolean hasLinear() {
        return graph.layers().stream().anyMatch(l -> LinearOps.of(l) != null);
    }

    private long[] evaluate(PartyContext ctx, int i, Layer l, Map<String, long[]> values) {
        long[] x = values.get(l.inputs().get(0));
        SharedTensor[] p = share.layer(i);
        boolean zero = party == 0;
        Bilinear op = LinearOps.of(l);
        if (op != null) {
            long[] z = BeaverProtocol.multiply(ctx, i, op, p[0].values(), x, openedMasks.get(i));
            if (p.length > 1 && p[1] != null) {
                // the bias share is at 2^2f, added before truncation like the reference does
                RingKernels.addBias(l, z, p[1].values(), p[1].shape());
            }
            return TruncationProtocol.truncate(ctx, i, z);
        } else if (l instanceof ReluLayer) {
            return ReluProtocol.relu(ctx, i, x);
        } else if (l instanceof MaxPoolLayer m) {
            return MaxPoolProtocol.maxPool(ctx, i, m.geometry(), x);
        } else if (l instanceof AvgPoolLayer a) {
            int[] d = a.geometry().divisors();
            long[] mult = new long[d.length];
            FixedPoint fp = config.fixedPoint();
            for (int k = 0; k < d.length; k++) {
                mult[k] = fp.reciprocal(d[k]);
            }
            return TruncationProtocol.truncate(ctx, i, RingKernels.windowSums(a.geometry(), x, mult));
        } else if (l instanceof BiasAddLayer b) {
            return RingKernels.add(x, l.inputShape(0), p[0].values(), b.bias().shape(), l.outputShape());
        } else if (l instanceof AddLayer) {
            return RingKernels.add(x, l.inputShape(0), values.get(l.inputs().get(1)), l.inputShape(1),
                    l.outputShape());
        } else if (l instanceof ReshapeLayer) {
            return x;
        } else if (l instanceof PadLayer pad) {
            return RingKernels.gather(pad.sourceTable(), x, zero ? config.fixedPoint().encode(pad.value()) : 0);
        }
        throw new IllegalStateException("no secure protocol for " + l.kind());
    }
}
