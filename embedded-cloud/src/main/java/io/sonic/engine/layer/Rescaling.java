package io.sonic.engine.layer;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.protocol.Suite;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.Layer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a query brings 2f-scaled products back to f fraction bits: public, from the graph and the
 * configuration only. A product is truncated right after its layer, except when the suite
 * {@linkplain Suite#defersTruncation defers} exact truncation and the product's only reader is a ReLU or
 * max pooling: then the truncation moves to the end of that reader (and on, through a chain of such
 * readers), where it is exact all the same and has fewer elements to truncate.
 */
public final class Rescaling {
    private final boolean[] truncatesAfter;

    private Rescaling(boolean[] truncatesAfter) {
        this.truncatesAfter = truncatesAfter;
    }

    public static Rescaling of(ModelGraph g, SecureConfig cfg) {
        List<Layer> layers = g.layers();
        Map<String, Integer> readers = new HashMap<>();
        Map<String, Layer> onlyReader = new HashMap<>();
        for (Layer l : layers) {
            for (String in : l.inputs()) {
                readers.merge(in, 1, Integer::sum);
                onlyReader.put(in, l);
            }
        }
        boolean defer = cfg.truncation() == SecureConfig.TruncationMode.EXACT && Suite.of(cfg).defersTruncation();
        Map<String, Boolean> doubled = new HashMap<>();
        boolean[] after = new boolean[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerProtocol<Layer> p = LayerProtocols.of(l);
            boolean inDoubled = doubled.getOrDefault(l.inputs().get(0), false);
            boolean outDoubled = p.doublesScale(l) || inDoubled && p.commutesWithTruncation(l);
            if (outDoubled) {
                Layer next = readers.getOrDefault(l.output(), 0) == 1 ? onlyReader.get(l.output()) : null;
                boolean wait = defer && next != null && !l.output().equals(g.outputName())
                        && LayerProtocols.of(next).commutesWithTruncation(next);
                after[i] = !wait;
                doubled.put(l.output(), wait);
            }
        }
        return new Rescaling(after);
    }

    /** True when layer {@code index} ends by truncating its output. */
    public boolean truncatesAfter(int index) {
        return truncatesAfter[index];
    }
}
