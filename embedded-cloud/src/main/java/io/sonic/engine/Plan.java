package io.sonic.engine;

import io.sonic.engine.SecureConfig.TruncationMode;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.protocol.ArgmaxProtocol;
import io.sonic.engine.protocol.MaxPoolProtocol;
import io.sonic.engine.protocol.ReluProtocol;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.ReluLayer;

import java.util.ArrayList;
import java.util.List;

/**
 * The correlated randomness one query consumes, in the order the protocols consume it. Public: it
 * depends only on the model's structure and the configuration, never on weights or inputs.
 */
public final class Plan {
    private Plan() {
    }

    public static List<Need> of(ModelGraph graph, SecureConfig cfg) {
        List<Need> needs = new ArrayList<>();
        boolean exact = cfg.truncation() == TruncationMode.EXACT;
        boolean reuse = cfg.linear() == SecureConfig.LinearMode.MASK_REUSE;
        List<Layer> layers = graph.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Bilinear op = LinearOps.of(l);
            if (op != null) {
                needs.add(new Need.Triple(i, op, reuse));
                if (exact) {
                    needs.add(new Need.Truncs(i, op.outputSize(), cfg.fractionBits()));
                }
            } else if (l instanceof AvgPoolLayer a && exact) {
                needs.add(new Need.Truncs(i, a.outputSize(), cfg.fractionBits()));
            } else if (l instanceof ReluLayer r) {
                needs.addAll(ReluProtocol.needs(i, r.outputSize()));
            } else if (l instanceof MaxPoolLayer m) {
                needs.addAll(MaxPoolProtocol.needs(i, m.geometry()));
            }
        }
        if (cfg.output() == SecureConfig.OutputMode.LABEL) {
            needs.addAll(ArgmaxProtocol.needs(layers.size(), graph.outputSize()));
        }
        return needs;
    }
}
