package io.sonic.engine.layer;

import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.protocol.ProtocolName;
import io.sonic.model.Shapes;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The registry: one {@link LayerProtocol} per kind of {@link Layer}. A layer kind without an entry has
 * no secure protocol; {@code LayerProtocolsTest} walks {@code Layer}'s permitted subclasses so that a new
 * kind cannot be added without its protocol.
 */
public final class LayerProtocols {
    private static final Map<Class<?>, LayerProtocol<?>> BY_KIND = Stream.<LayerProtocol<?>>of(
            new ProductLayer<>(MatMulLayer.class, ProtocolName.BEAVER_MATMUL,
                    m -> Bilinear.matmul(m.geometry(), m.weight().size(), Shapes.size(m.inputShape(0)),
                            m.weightOnLeft()), LayerProtocols::matmulGain),
            new ProductLayer<>(ConvLayer.class, ProtocolName.BEAVER_CONV,
                    c -> Bilinear.conv(c.geometry(), c.weight().size()), LayerProtocols::convGain),
            new ProductLayer<>(AffineLayer.class, ProtocolName.BEAVER_SCALE,
                    a -> Bilinear.channelScale(a.channels(), a.outputSize(), a.innerSize()),
                    LayerProtocols::affineGain),
            new ReluLayerProtocol(),
            new MaxPoolLayerProtocol(),
            new AvgPoolLayerProtocol(),
            LocalLayerProtocol.biasAdd(),
            LocalLayerProtocol.add(),
            LocalLayerProtocol.reshape(),
            LocalLayerProtocol.pad(),
            LocalLayerProtocol.transpose(),
            LocalLayerProtocol.concat()
    ).collect(Collectors.toUnmodifiableMap(LayerProtocol::kind, Function.identity()));

    private LayerProtocols() {
    }

    /** The protocol of a layer's kind, or empty when the kind has none. */
    @SuppressWarnings("unchecked")
    public static <L extends Layer> Optional<LayerProtocol<L>> find(L layer) {
        return Optional.ofNullable((LayerProtocol<L>) BY_KIND.get(layer.getClass()));
    }

    /** The protocol of a layer's kind; fails for a kind without one. */
    public static <L extends Layer> LayerProtocol<L> of(L layer) {
        return find(layer).orElseThrow(() -> new IllegalStateException("no secure protocol for " + layer.kind()));
    }

    /** The layer kinds with a protocol. */
    public static java.util.Set<Class<?>> kinds() {
        return BY_KIND.keySet();
    }

    /** The bilinear map of a layer with secret weights, or null. */
    public static Bilinear bilinear(Layer l) {
        return of(l).bilinear(l);
    }

    private static double matmulGain(MatMulLayer m, FixedPoint fp) {
        float[] w = m.weight().values();
        int[] s = m.weight().shape();
        // rows of the product: output j sums over the weight's column j (X·W) or row j (W·X)
        int rows = s[s.length - 2];
        int cols = s[s.length - 1];
        int batches = w.length / (rows * cols);
        double best = 0;
        for (int b = 0; b < batches; b++) {
            int outer = m.weightOnLeft() ? rows : cols;
            int inner = m.weightOnLeft() ? cols : rows;
            for (int o = 0; o < outer; o++) {
                double sum = 0;
                for (int k = 0; k < inner; k++) {
                    int idx = b * rows * cols + (m.weightOnLeft() ? o * cols + k : k * cols + o);
                    sum += Math.abs(fp.encode(w[idx]));
                }
                best = Math.max(best, sum);
            }
        }
        return Math.scalb(best, -fp.fractionBits());
    }

    private static double convGain(ConvLayer c, FixedPoint fp) {
        float[] w = c.weight().values();
        int m = c.geometry().outChannels();
        int per = w.length / m;
        double best = 0;
        for (int o = 0; o < m; o++) {
            double sum = 0;
            for (int k = 0; k < per; k++) {
                sum += Math.abs(fp.encode(w[o * per + k]));
            }
            best = Math.max(best, sum);
        }
        return Math.scalb(best, -fp.fractionBits());
    }

    private static double affineGain(AffineLayer a, FixedPoint fp) {
        double best = 0;
        for (float s : a.scale().values()) {
            best = Math.max(best, Math.abs(fp.encode(s)));
        }
        return Math.scalb(best, -fp.fractionBits());
    }
}
