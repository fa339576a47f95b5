package io.sonic.engine;

import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.SecureConfig.TruncationMode;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.protocol.ArgmaxProtocol;
import io.sonic.engine.protocol.MaxPoolProtocol;
import io.sonic.engine.protocol.MsbProtocol;
import io.sonic.engine.protocol.ReluProtocol;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.ReluLayer;

import java.util.ArrayList;
import java.util.List;

/**
 * The documented cost formulas of every protocol (docs/protocols/*.md), per layer: online payload
 * bytes between the servers (both directions), rounds, and offline bytes of dealer corrections.
 * Tests hold the traffic meter to these numbers exactly.
 */
public final class CostModel {
    /** Cost of one layer; {@code online bytes} count both directions, offline bytes exclude the two seeds. */
    public record Cost(long onlineBytes, long rounds, long offlineBytes) {
        public Cost plus(Cost o) {
            return new Cost(onlineBytes + o.onlineBytes, rounds + o.rounds, offlineBytes + o.offlineBytes);
        }
    }

    private CostModel() {
    }

    public static Cost of(Layer l, SecureConfig cfg) {
        boolean exact = cfg.truncation() == TruncationMode.EXACT;
        Bilinear op = LinearOps.of(l);
        if (op != null) {
            long open = cfg.linear() == LinearMode.FAITHFUL ? op.weightSize() + op.inputSize() : op.inputSize();
            Cost c = new Cost(16 * open, 1, 8L * op.outputSize());
            return exact ? c.plus(truncation(op.outputSize())) : c;
        } else if (l instanceof AvgPoolLayer a) {
            return exact ? truncation(a.outputSize()) : new Cost(0, 0, 0);
        } else if (l instanceof ReluLayer r) {
            return relu(r.outputSize());
        } else if (l instanceof MaxPoolLayer m) {
            Cost c = new Cost(0, 0, 0);
            for (int pairs : MaxPoolProtocol.pairsPerLevelOf(m.geometry())) {
                c = c.plus(relu(pairs));
            }
            return c;
        }
        return new Cost(0, 0, 0);
    }

    /** Exact truncation of n elements: 16·n bytes, 1 round; offline r >>> f and MSB(r) corrections. */
    public static Cost truncation(int n) {
        return new Cost(16L * n, 1, 16L * n);
    }

    /** ReLU (or one max level) on n elements. */
    public static Cost relu(int n) {
        long words = (n + 63) / 64;
        long offline = 8 * (MsbProtocol.ANDS_PER_LANE * words) + 8L * n * 2;
        return new Cost(ReluProtocol.bytes(n), MsbProtocol.ROUNDS + 1, offline);
    }

    /** Secure argmax over n logits (OutputMode.LABEL). */
    public static Cost argmax(int n) {
        long offline = 0;
        long rounds = 0;
        for (int pairs : MaxPoolProtocol.pairsPerLevel(new int[] {n})) {
            long words = (pairs + 63) / 64;
            offline += 8 * (MsbProtocol.ANDS_PER_LANE * words) + 8L * pairs * 3;
            rounds += MsbProtocol.ROUNDS + 1;
        }
        return new Cost(ArgmaxProtocol.bytes(n), rounds, offline);
    }

    /** Per layer, plus a last entry for the secure argmax when the output is a label. */
    public static List<Cost> of(ModelGraph g, SecureConfig cfg) {
        List<Cost> costs = new ArrayList<>();
        for (Layer l : g.layers()) {
            costs.add(of(l, cfg));
        }
        if (cfg.output() == SecureConfig.OutputMode.LABEL) {
            costs.add(argmax(g.outputSize()));
        }
        return costs;
    }

    /** Once-per-model setup of the mask-reuse mode: 16·|W| bytes per layer with secret weights, 1 round each. */
    public static Cost maskSetup(ModelGraph g) {
        Cost c = new Cost(0, 0, 0);
        for (Layer l : g.layers()) {
            Bilinear op = LinearOps.of(l);
            if (op != null) {
                c = c.plus(new Cost(16L * op.weightSize(), 1, 0));
            }
        }
        return c;
    }

    public static Cost total(ModelGraph g, SecureConfig cfg) {
        return of(g, cfg).stream().reduce(new Cost(0, 0, 0), Cost::plus);
    }
}
