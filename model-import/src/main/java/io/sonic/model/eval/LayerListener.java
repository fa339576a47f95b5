package io.sonic.model.eval;

import io.sonic.model.layer.Layer;

/** Told after each layer of an evaluation, with that layer's index and the time it took. */
@FunctionalInterface
public interface LayerListener {
    LayerListener NONE = (index, layer, nanos) -> { };

    void layerDone(int index, Layer layer, long nanos);
}
