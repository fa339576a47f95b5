package io.sonic.desktop.learn;

import io.sonic.engine.CostModel;
import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.SecureConfig.OutputMode;
import io.sonic.engine.SecureConfig.TruncationMode;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.protocol.ArgmaxProtocol;
import io.sonic.engine.protocol.MaxPoolProtocol;
import io.sonic.engine.protocol.MsbProtocol;
import io.sonic.engine.protocol.ReluProtocol;
import io.sonic.model.Shapes;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;

import java.util.List;

/**
 * Every cost the Learn pages state, taken from the engine: the protocol constants
 * ({@link MsbProtocol#ROUNDS}, {@link MsbProtocol#ANDS_PER_LANE}), the byte formulas
 * ({@link ReluProtocol#bytes}, {@link ArgmaxProtocol#bytes}, {@link MaxPoolProtocol#pairsPerLevel}) and
 * {@link CostModel} on the structure of mnist-m2. Nothing here is typed in but the sizes of the examples.
 */
public final class Figures {
    /** Ring bits ℓ of the engine (a Java long). */
    public static final int RING_BITS = Long.SIZE;
    /** Bytes of one ring element on the wire. */
    public static final int ELEMENT_BYTES = Long.BYTES;
    /** The size of the ReLU example layer. */
    public static final int RELU_EXAMPLE = 1024;
    /** The number of logits of the argmax example (the ten digits of MNIST). */
    public static final int LOGITS = 10;

    public static final SecureConfig DEFAULT = SecureConfig.DEFAULT;
    public static final SecureConfig LOCAL = DEFAULT.withTruncation(TruncationMode.LOCAL);
    public static final SecureConfig MASK_REUSE = DEFAULT.withLinear(LinearMode.MASK_REUSE);
    public static final SecureConfig LABEL = DEFAULT.withOutput(OutputMode.LABEL);
    public static final SecureConfig FSS = DEFAULT.withSuite(SecureConfig.Suite.FSS);
    /** No dealer: the servers make the randomness with oblivious transfer. */
    public static final SecureConfig OT = DEFAULT.withPreprocessing(SecureConfig.Preprocessing.OT);

    private Figures() {
    }

    public static int fractionBits() {
        return DEFAULT.fractionBits();
    }

    /** Rounds of the MSB extraction: 1 for the generates plus one per tree level. */
    public static int msbRounds() {
        return MsbProtocol.ROUNDS;
    }

    /** Levels of the carry tree over bits 0…62. */
    public static int treeLevels() {
        return MsbProtocol.ROUNDS - 1;
    }

    /** Rounds of a ReLU (and of one max-pooling or argmax level): the MSB rounds plus the select. */
    public static long reluRounds() {
        return CostModel.relu(RELU_EXAMPLE, DEFAULT).rounds();
    }

    /** AND gates per element of the MSB extraction. */
    public static int gates() {
        return MsbProtocol.ANDS_PER_LANE;
    }

    /** Bit-sliced words for n elements. */
    public static long words(int n) {
        return (n + 63) / 64;
    }

    public static long reluBytes(int n) {
        return ReluProtocol.bytes(n);
    }

    public static long reluOffline(int n) {
        return CostModel.relu(n, DEFAULT).offlineBytes();
    }

    /** Bits per ReLU when 64 divides n (854). */
    public static double bitsPerRelu() {
        return ReluProtocol.bytes(64) * 8.0 / 64;
    }

    /** The paper's published ReLU cost (SoK of PPML frameworks): 20ℓ − 16 bits. */
    public static int publishedReluBits() {
        return 20 * RING_BITS - 16;
    }

    /** log2 ℓ + 2, the published round count. */
    public static int publishedReluRounds() {
        return Integer.numberOfTrailingZeros(RING_BITS) + 2;
    }

    /** Exact truncation: bytes per element (both directions), rounds, offline bytes per element. */
    public static Cost truncation(int n) {
        return CostModel.truncation(n, DEFAULT);
    }

    /** Exact truncation of n elements under a configuration's suite. */
    public static Cost truncationOf(int n, SecureConfig cfg) {
        return CostModel.truncation(n, cfg);
    }

    public static long truncationBytesPerElement() {
        return CostModel.truncation(1, DEFAULT).onlineBytes();
    }

    public static long truncationOfflinePerElement() {
        return CostModel.truncation(1, DEFAULT).offlineBytes();
    }

    /** Pairs per level of the max tree of one window of k values. */
    public static int[] pairsPerLevel(int k) {
        return MaxPoolProtocol.pairsPerLevel(new int[] {k});
    }

    public static long argmaxBytes(int n) {
        return ArgmaxProtocol.bytes(n);
    }

    public static Cost argmax(int n) {
        return CostModel.argmax(n, DEFAULT);
    }

    // ---- mnist-m2, priced by CostModel on its structure

    public static Layer m2(int index) {
        return M2Structure.layer(index);
    }

    public static Cost m2(int index, SecureConfig cfg) {
        return CostModel.of(M2Structure.graph(), index, cfg);
    }

    public static Cost m2Total(SecureConfig cfg) {
        return CostModel.total(M2Structure.graph(), cfg);
    }

    public static Cost m2Setup() {
        return CostModel.maskSetup(M2Structure.graph());
    }

    /** Offline bytes of one query as the dealer sends them: the corrections plus two seeds. */
    public static long m2Offline(SecureConfig cfg) {
        return m2Total(cfg).offlineBytes() + 2L * Prg.SEED_BYTES;
    }

    /** Without a dealer: the bytes both servers send each other to make one M2 query's randomness. */
    public static long m2BetweenServers() {
        var plan = io.sonic.engine.Plan.of(M2Structure.graph(), OT);
        return io.sonic.engine.ot.OtPreprocessing.bytesSent(plan, 0) + io.sonic.engine.ot.OtPreprocessing.bytesSent(plan, 1);
    }

    /** Without a dealer: the rounds of one M2 query's oblivious transfers. */
    public static long m2BetweenServersRounds() {
        return io.sonic.engine.ot.OtPreprocessing.rounds(io.sonic.engine.Plan.of(M2Structure.graph(), OT));
    }

    /** The base OTs of a link, once: bytes both ways. */
    public static long baseOtBytes() {
        return 2 * io.sonic.engine.ot.OtSession.SETUP_BYTES_EACH_WAY;
    }

    /** Without a dealer: the bytes both servers send each other for one M2 layer's randomness. */
    public static long m2BetweenServers(int layer) {
        var plan = io.sonic.engine.Plan.of(M2Structure.graph(), OT);
        return io.sonic.engine.ot.OtPreprocessing.bytesPerLayer(plan, M2Structure.graph().layers().size())[layer];
    }

    public static int seedBytes() {
        return Prg.SEED_BYTES;
    }

    /** Weights |W| of a product layer. */
    public static int weights(Layer l) {
        if (l instanceof ConvLayer c) {
            return c.weight().size();
        } else if (l instanceof MatMulLayer m) {
            return m.weight().size();
        }
        throw new IllegalArgumentException(l + " has no weights");
    }

    /** Inputs |X| of a layer. */
    public static int inputs(Layer l) {
        return Shapes.size(l.inputShape(0));
    }

    /** Values truncated in one query: the outputs of every product layer. */
    public static List<Integer> m2Truncated() {
        return M2Structure.graph().layers().stream().filter(l -> l instanceof ConvLayer || l instanceof MatMulLayer)
                .map(Layer::outputSize).toList();
    }

    /** Pairs per level of an M2 pooling layer. */
    public static int[] m2PoolPairs(int index) {
        return MaxPoolProtocol.pairsPerLevelOf(((MaxPoolLayer) M2Structure.layer(index)).geometry());
    }
}
