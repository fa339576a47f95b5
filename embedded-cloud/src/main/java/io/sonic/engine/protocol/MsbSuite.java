package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;

/**
 * The Sonic suite, as the paper: comparisons by the bit-decomposition MSB protocol ({@link MsbProtocol},
 * log₂ℓ + 1 rounds) and a select round, the dealer-assisted exact truncation of
 * {@link TruncationProtocol} right after each product.
 */
public final class MsbSuite implements Suite {
    public static final MsbSuite INSTANCE = new MsbSuite();

    private MsbSuite() {
    }

    @Override
    public ProtocolName relu() {
        return ProtocolName.MSB_RELU;
    }

    @Override
    public ProtocolName max() {
        return ProtocolName.MSB_MAX;
    }

    @Override
    public ProtocolName argmax() {
        return ProtocolName.MSB_ARGMAX;
    }

    @Override
    public ProtocolName exactTruncation() {
        return ProtocolName.MSB_TRUNCATION;
    }

    @Override
    public long[] relu(PartyContext ctx, int layer, long[] x) {
        return ReluProtocol.relu(ctx, layer, x);
    }

    @Override
    public long[] max(PartyContext ctx, int layer, long[][] candidates) {
        return MaxPoolProtocol.tree(ctx, layer, candidates);
    }

    @Override
    public long argmax(PartyContext ctx, int layer, long[] x) {
        return ArgmaxProtocol.argmax(ctx, layer, x);
    }

    @Override
    public long[] truncate(PartyContext ctx, int layer, long[] x) {
        return TruncationProtocol.truncate(ctx, layer, x);
    }

    @Override
    public Cost reluCost(int n) {
        return ReluProtocol.cost(n);
    }

    @Override
    public Cost maxCost(int[] windowSizes) {
        Cost c = Cost.ZERO;
        for (int pairs : MaxPoolProtocol.pairsPerLevel(windowSizes)) {
            c = c.plus(ReluProtocol.cost(pairs));
        }
        return c;
    }

    @Override
    public Cost argmaxCost(int n) {
        return ArgmaxProtocol.cost(n);
    }

    @Override
    public Cost truncationCost(int n, int fractionBits) {
        return TruncationProtocol.cost(n);
    }

    @Override
    public int exactTruncationError() {
        return 1;
    }

    @Override
    public boolean defersTruncation() {
        return false;
    }
}
