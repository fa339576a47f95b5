package io.sonic.engine;

import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.layer.ReshapeLayer;

import java.util.Optional;

/** Which secure protocol evaluates a layer under the default configuration. */
public final class SecureSupport {
    private SecureSupport() {
    }

    public static Optional<String> protocolFor(Layer layer) {
        boolean supported = layer instanceof MatMulLayer || layer instanceof ConvLayer || layer instanceof AffineLayer
                || layer instanceof ReluLayer || layer instanceof MaxPoolLayer || layer instanceof AvgPoolLayer
                || layer instanceof BiasAddLayer || layer instanceof AddLayer || layer instanceof ReshapeLayer
                || layer instanceof PadLayer;
        return supported ? Optional.of(SecureParty.protocolName(layer, SecureConfig.DEFAULT)) : Optional.empty();
    }
}
