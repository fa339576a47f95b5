package io.sonic.engine;

import io.sonic.model.layer.Layer;

import java.util.Optional;

/**
 * Which secure protocol evaluates a layer. Empty means no two-server protocol exists for the layer
 * yet, so the model can be evaluated in plaintext only.
 */
public final class SecureSupport {
    private SecureSupport() {
    }

    public static Optional<String> protocolFor(Layer layer) {
        return Optional.empty();
    }
}
