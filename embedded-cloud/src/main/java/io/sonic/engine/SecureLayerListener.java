package io.sonic.engine;

import io.sonic.engine.net.Traffic;
import io.sonic.model.layer.Layer;

/** Told when a server starts and finishes a layer, with that layer's traffic and time. */
public interface SecureLayerListener {
    SecureLayerListener NONE = new SecureLayerListener() {
    };

    default void started(int index, Layer layer, String protocol) {
    }

    default void finished(int index, Layer layer, String protocol, Traffic traffic, long nanos) {
    }
}
