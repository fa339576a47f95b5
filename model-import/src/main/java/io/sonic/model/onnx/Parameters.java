package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ImportLimits;
import io.sonic.model.ModelException;
import io.sonic.model.Names;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.PadLayer;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The values a layer holds (weights, biases, scales, shifts, pad values) must be encodable in fixed
 * point: finite, and of magnitude below {@link ImportLimits#MAX_PARAMETER_MAGNITUDE}. Checked on the
 * constants a node reads and again on the final layers, whose parameters rewrites may have combined.
 */
final class Parameters {
    private Parameters() {
    }

    static void check(FloatTensor t, String what) {
        for (int i = 0; i < t.size(); i++) {
            check(t.get(i), what);
        }
    }

    static void check(float v, String what) {
        if (!Float.isFinite(v)) {
            throw new ModelException(what + " holds NaN or infinite values, which cannot be encoded in fixed point;"
                    + " check the trained parameters (a BatchNormalization with variance 0 and epsilon 0, say)");
        }
        if (Math.abs(v) >= ImportLimits.MAX_PARAMETER_MAGNITUDE) {
            throw new ModelException(what + " holds values of magnitude 2^31 or more, which cannot be encoded in"
                    + " fixed point (16 fraction bits in a 64-bit ring); check the trained parameters");
        }
    }

    /**
     * Checks every parameter of the final layers, naming the layer and the parameter; a tensor that
     * several layers share is checked once.
     */
    static void checkLayers(List<Layer> layers) {
        Set<FloatTensor> checked = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Layer l : layers) {
            String what = "layer " + Names.quote(l.name()) + " (" + l.sourceOp() + "): its ";
            if (l instanceof MatMulLayer m) {
                check(m.weight(), what + "weight", checked);
                check(m.bias(), what + "bias", checked);
            } else if (l instanceof ConvLayer c) {
                check(c.weight(), what + "weight", checked);
                check(c.bias(), what + "bias", checked);
            } else if (l instanceof BiasAddLayer b) {
                check(b.bias(), what + "bias", checked);
            } else if (l instanceof AffineLayer a) {
                check(a.scale(), what + "scale", checked);
                check(a.shift(), what + "shift", checked);
            } else if (l instanceof PadLayer p) {
                check(p.value(), what + "pad value");
            }
        }
    }

    private static void check(FloatTensor t, String what, Set<FloatTensor> checked) {
        if (t != null && checked.add(t)) {
            check(t, what);
        }
    }
}
