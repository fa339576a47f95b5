package io.sonic.engine;

import io.sonic.engine.layer.LayerProtocol;
import io.sonic.engine.layer.LayerProtocols;
import io.sonic.engine.protocol.Suite;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.Layer;

import java.util.HashMap;
import java.util.Map;

/**
 * A bound, in units of 2^-f, on how far the secure output may lie from the fixed-point reference.
 * Each layer kind states how it carries an error on its inputs ({@link LayerProtocol#errorOut}: a product
 * with encoded weights Ŵ scales it by L = max over outputs of Σ|Ŵ|/2^f, ReLU, max pooling, reshapes and
 * padding keep it, a residual addition adds the two bounds); each truncation of a product then adds its
 * own error: one unit for the Sonic suite's exact truncation (⌊y⌋ or ⌊y⌋ + 1) and for local truncation
 * when it does not wrap, none for the FSS suite's exact floor. Truncating after a ReLU or max pooling
 * instead of before changes nothing (floor division commutes with both).
 */
public final class ErrorBound {
    private ErrorBound() {
    }

    public static long units(ModelGraph g, SecureConfig cfg) {
        int truncationError = cfg.truncation() == SecureConfig.TruncationMode.LOCAL ? 1
                : Suite.of(cfg).exactTruncationError();
        Map<String, Long> bound = new HashMap<>();
        bound.put(g.inputName(), 0L);
        for (Layer l : g.layers()) {
            LayerProtocol<Layer> p = LayerProtocols.of(l);
            long[] in = l.inputs().stream().mapToLong(bound::get).toArray();
            long out = p.errorOut(l, cfg.fixedPoint(), in);
            bound.put(l.output(), p.doublesScale(l) ? out + truncationError : out);
        }
        return bound.get(g.outputName());
    }
}
