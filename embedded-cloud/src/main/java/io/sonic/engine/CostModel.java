package io.sonic.engine;

import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.layer.LayerProtocols;
import io.sonic.engine.layer.Rescaling;
import io.sonic.engine.protocol.Suite;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.Layer;

import java.util.ArrayList;
import java.util.List;

/**
 * The documented cost formulas of every protocol (docs/protocols/*.md), per layer: online payload
 * bytes between the servers (both directions), rounds, and offline bytes the dealer sends. Each layer
 * kind's protocol states its own cost ({@link LayerProtocols}); the suite states its comparisons' and
 * truncation's. Tests hold the traffic meter to these numbers exactly.
 */
public final class CostModel {
    /** Cost of one layer; {@code online bytes} count both directions, offline bytes exclude the two seeds. */
    public record Cost(long onlineBytes, long rounds, long offlineBytes) {
        public static final Cost ZERO = new Cost(0, 0, 0);

        public Cost plus(Cost o) {
            return new Cost(onlineBytes + o.onlineBytes, rounds + o.rounds, offlineBytes + o.offlineBytes);
        }
    }

    private CostModel() {
    }

    /** Layer {@code index}'s cost: its protocol's, plus the truncation it ends with. */
    public static Cost of(ModelGraph g, int index, SecureConfig cfg) {
        return of(g, index, cfg, Rescaling.of(g, cfg));
    }

    private static Cost of(ModelGraph g, int index, SecureConfig cfg, Rescaling rescaling) {
        Layer l = g.layers().get(index);
        Cost c = LayerProtocols.of(l).cost(l, cfg);
        if (rescaling.truncatesAfter(index) && cfg.truncation() == SecureConfig.TruncationMode.EXACT) {
            c = c.plus(Suite.of(cfg).truncationCost(l.outputSize(), cfg.fractionBits()));
        }
        return c;
    }

    /** Exact truncation of n elements under the configuration's suite. */
    public static Cost truncation(int n, SecureConfig cfg) {
        return Suite.of(cfg).truncationCost(n, cfg.fractionBits());
    }

    /** ReLU on n elements under the configuration's suite. */
    public static Cost relu(int n, SecureConfig cfg) {
        return Suite.of(cfg).reluCost(n);
    }

    /** Secure argmax over n logits (OutputMode.LABEL) under the configuration's suite. */
    public static Cost argmax(int n, SecureConfig cfg) {
        return Suite.of(cfg).argmaxCost(n);
    }

    /** Per layer, plus a last entry for the secure argmax when the output is a label. */
    public static List<Cost> of(ModelGraph g, SecureConfig cfg) {
        Rescaling r = Rescaling.of(g, cfg);
        List<Cost> costs = new ArrayList<>();
        for (int i = 0; i < g.layers().size(); i++) {
            costs.add(of(g, i, cfg, r));
        }
        if (cfg.output() == SecureConfig.OutputMode.LABEL) {
            costs.add(argmax(io.sonic.model.Scores.classes(g.outputSize()), cfg));
        }
        return costs;
    }

    /** Once-per-model setup of the mask-reuse mode: 16·|W| bytes per layer with secret weights, 1 round each. */
    public static Cost maskSetup(ModelGraph g) {
        Cost c = Cost.ZERO;
        for (Layer l : g.layers()) {
            Bilinear op = LayerProtocols.bilinear(l);
            if (op != null) {
                c = c.plus(new Cost(16L * op.weightSize(), 1, 0));
            }
        }
        return c;
    }

    public static Cost total(ModelGraph g, SecureConfig cfg) {
        return of(g, cfg).stream().reduce(Cost.ZERO, Cost::plus);
    }
}
