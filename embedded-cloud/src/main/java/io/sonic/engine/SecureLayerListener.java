package io.sonic.engine;

import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.model.layer.Layer;

import java.util.List;

/** Told when a server starts and finishes a layer, with that layer's protocol, traffic and time. */
public interface SecureLayerListener {
    SecureLayerListener NONE = new SecureLayerListener() {
    };

    default void started(int index, Layer layer, ProtocolId protocol) {
    }

    /** @param rounds what each of the layer's rounds opened, in order (their bytes add up to the traffic's) */
    default void finished(int index, Layer layer, ProtocolId protocol, Traffic traffic, List<Round> rounds,
                          long nanos) {
    }
}
