package io.sonic.engine;

import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.MaskSeeds;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.layer.LayerProtocol;
import io.sonic.engine.layer.LayerProtocols;
import io.sonic.engine.layer.LayerStep;
import io.sonic.engine.layer.Rescaling;
import io.sonic.engine.net.Channel;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.protocol.BeaverProtocol;
import io.sonic.engine.protocol.PartyContext;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.engine.protocol.Suite;
import io.sonic.engine.protocol.TruncationProtocol;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.Layer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One cloud server's side of secure inference: walks the model graph on its shares, layer by layer,
 * each layer by its kind's protocol ({@link LayerProtocols}), talking to the other server only through
 * its channel. Holds no plaintext weight, input or output; logs nothing.
 */
public final class SecureParty {
    private final int party;
    private final ModelGraph graph;
    private final ModelShare share;
    private final SecureConfig config;
    private final Rescaling rescaling;
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
        this.rescaling = Rescaling.of(graph, config);
    }

    public int party() {
        return party;
    }

    public boolean masksOpened() {
        return !openedMasks.isEmpty();
    }

    /** The protocols layer {@code index} of a graph runs under a configuration (shown in the GUI and reports). */
    public static ProtocolId protocol(ModelGraph g, int index, SecureConfig cfg) {
        return protocol(g.layers().get(index), Rescaling.of(g, cfg).truncatesAfter(index), cfg);
    }

    /** The protocols of every layer of a graph, in layer order. */
    public static List<ProtocolId> protocols(ModelGraph g, SecureConfig cfg) {
        Rescaling r = Rescaling.of(g, cfg);
        List<ProtocolId> all = new java.util.ArrayList<>(g.layers().size());
        for (int i = 0; i < g.layers().size(); i++) {
            all.add(protocol(g.layers().get(i), r.truncatesAfter(i), cfg));
        }
        return all;
    }

    /** The protocol of the output's secure argmax (OutputMode.LABEL). */
    public static ProtocolId argmaxProtocol(SecureConfig cfg) {
        return ProtocolId.of(Suite.of(cfg).argmax());
    }

    private static ProtocolId protocol(Layer l, boolean truncates, SecureConfig cfg) {
        ProtocolName main = LayerProtocols.of(l).name(l, cfg);
        ProtocolName trunc = !truncates ? null : cfg.truncation() == SecureConfig.TruncationMode.LOCAL
                ? ProtocolName.LOCAL_TRUNCATION : Suite.of(cfg).exactTruncation();
        return new ProtocolId(main, trunc);
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
    public void openMasks(Channel channel, byte[] maskSeed) {
        PartyContext ctx = new PartyContext(party, channel, null, config);
        List<Layer> layers = graph.layers();
        for (int i = 0; i < layers.size(); i++) {
            Bilinear op = LayerProtocols.bilinear(layers.get(i));
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
            boolean truncates = rescaling.truncatesAfter(i);
            ProtocolId protocol = protocol(l, truncates, config);
            try (MeteredChannel.Scope scope = channel.scope("layer " + i)) {
                listener.started(i, l, protocol);
                long start = System.nanoTime();
                long[][] inputs = l.inputs().stream().map(values::get).toArray(long[][]::new);
                LayerStep step = new LayerStep(ctx, i, inputs, share.layer(i), openedMasks.get(i));
                long[] y = LayerProtocols.of(l).evaluate(step, l);
                if (truncates) {
                    y = config.truncation() == SecureConfig.TruncationMode.LOCAL ? TruncationProtocol.local(ctx, y)
                            : ctx.suite().truncate(ctx, i, y);
                }
                values.put(l.output(), y);
                long nanos = System.nanoTime() - start;
                listener.finished(i, l, protocol, scope.traffic(), scope.rounds(), nanos);
            }
        }
        long[] out = values.get(graph.outputName());
        if (config.output() == SecureConfig.OutputMode.LABEL) {
            int index = layers.size();
            ProtocolId protocol = argmaxProtocol(config);
            try (MeteredChannel.Scope scope = channel.scope("output")) {
                listener.started(index, null, protocol);
                long start = System.nanoTime();
                long label = ctx.suite().argmax(ctx, index, io.sonic.model.Scores.of(out));
                listener.finished(index, null, protocol, scope.traffic(), scope.rounds(), System.nanoTime() - start);
                return new SharedTensor(party, new int[] {1}, new long[] {label});
            }
        }
        return new SharedTensor(party, graph.outputShape(), out);
    }

    private boolean hasLinear() {
        return graph.layers().stream().anyMatch(l -> LayerProtocols.bilinear(l) != null);
    }
}
