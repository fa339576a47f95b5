package io.sonic.engine;

import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.layer.LayerProtocols;
import io.sonic.engine.protocol.Traced;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The correlated randomness one query consumes, in the order the protocols consume it. It is
 * <em>traced</em>: one party's protocol code runs on zero shares against a recording source and a peer
 * that echoes zeros, so the plan is whatever the protocols ask for and cannot drift from them. Public:
 * it depends only on the model's structure and the configuration, never on weights or inputs. Plans are
 * kept per graph and configuration.
 */
public final class Plan {
    private static final Map<ModelGraph, Map<String, List<Need<?>>>> CACHE = new WeakHashMap<>();

    private Plan() {
    }

    public static List<Need<?>> of(ModelGraph graph, SecureConfig cfg) {
        String key = cfg.protocolOnly().text();
        synchronized (CACHE) {
            List<Need<?>> p = CACHE.getOrDefault(graph, Map.of()).get(key);
            if (p != null) {
                return p;
            }
        }
        List<Need<?>> plan = trace(graph, cfg);
        synchronized (CACHE) {
            CACHE.computeIfAbsent(graph, g -> new HashMap<>()).put(key, plan);
        }
        return plan;
    }

    private static List<Need<?>> trace(ModelGraph graph, SecureConfig cfg) {
        SecureParty p = new SecureParty(0, graph, ModelShare.zeros(graph, 0, cfg.fixedPoint()), cfg);
        if (cfg.linear() == SecureConfig.LinearMode.MASK_REUSE) {
            Map<Integer, long[]> masks = new HashMap<>();
            for (int i = 0; i < graph.layers().size(); i++) {
                Bilinear op = LayerProtocols.bilinear(graph.layers().get(i));
                if (op != null) {
                    masks.put(i, new long[op.weightSize()]);
                }
            }
            p.useOpenedMasks(masks);
        }
        SharedTensor zeros = new SharedTensor(0, graph.inputShape(), new long[graph.inputSize()]);
        return Traced.plan(cfg, ctx -> p.run(zeros, new io.sonic.engine.net.MeteredChannel(ctx.channel()), ctx.randomness(), SecureLayerListener.NONE));
    }
}
