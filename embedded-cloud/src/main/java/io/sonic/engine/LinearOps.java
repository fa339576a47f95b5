package io.sonic.engine;

import io.sonic.engine.dealer.Bilinear;
import io.sonic.model.Shapes;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;

/** The bilinear map of a layer with secret weights, or null for layers without one. */
final class LinearOps {
    private LinearOps() {
    }

    static Bilinear of(Layer l) {
        if (l instanceof MatMulLayer m) {
            return Bilinear.matmul(m.geometry(), m.weight().size(), Shapes.size(m.inputShape(0)), m.weightOnLeft());
        } else if (l instanceof ConvLayer c) {
            return Bilinear.conv(c.geometry(), c.weight().size());
        } else if (l instanceof AffineLayer a) {
            return Bilinear.channelScale(a.channels(), a.outputSize(), a.innerSize());
        }
        return null;
    }
}
