package io.sonic.engine.layer;

import io.sonic.engine.protocol.PartyContext;
import io.sonic.engine.ring.SharedTensor;

/**
 * One server's view of one layer: its context, the layer's index, the shares of the layer's inputs (in
 * the layer's input order), of its parameters, and the opened E = W − A of its weights in mask-reuse mode
 * (else null).
 */
public record LayerStep(PartyContext ctx, int index, long[][] inputs, SharedTensor[] params, long[] openedMask) {
    public long[] input() {
        return inputs[0];
    }

    public long[] param(int i) {
        return params.length > i && params[i] != null ? params[i].values() : null;
    }

    public int[] paramShape(int i) {
        return params[i].shape();
    }
}
