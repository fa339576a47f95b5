package io.sonic.engine.layer;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.Layer;

/**
 * Everything the engine knows about one layer kind, in one place: how the two servers evaluate it on
 * shares, which protocol that is, what it costs under a configuration, and how much it can enlarge an
 * error on its input. {@link LayerProtocols} holds one per kind of {@link Layer}.
 *
 * <p>A layer whose output carries 2f fraction bits ({@link #doublesScale}) does not truncate itself: the
 * engine truncates at the place {@link Rescaling} chooses, with the suite's protocol, and adds that
 * protocol's name and cost.
 */
public interface LayerProtocol<L extends Layer> {
    Class<L> kind();

    /** The layer's own protocol (without the truncation the engine may add after it). */
    ProtocolName name(L layer, SecureConfig cfg);

    /** One server's step: its output shares from its input and parameter shares. */
    long[] evaluate(LayerStep step, L layer);

    /** Online bytes (both directions), rounds and dealer bytes of the layer's own protocol. */
    Cost cost(L layer, SecureConfig cfg);

    /** True when the output has 2f fraction bits (a product with secret weights, or a sum times 1/k). */
    default boolean doublesScale(L layer) {
        return false;
    }

    /** True when the layer may read a 2f-scaled input and pass it on at 2f (floor division commutes with it). */
    default boolean commutesWithTruncation(L layer) {
        return false;
    }

    /** The bilinear map of a layer with secret weights (for its Beaver triple), or null. */
    default Bilinear bilinear(L layer) {
        return null;
    }

    /**
     * The bound, in units of 2^-f, on the error of the layer's output (before any truncation error is
     * added) given the bounds on its inputs: products scale it by the ℓ1 norm of a weight row.
     */
    long errorOut(L layer, FixedPoint fp, long[] inputBounds);
}
