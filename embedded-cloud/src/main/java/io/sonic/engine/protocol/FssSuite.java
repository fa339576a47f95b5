package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;

/**
 * The FSS suite: every comparison is one round of the dealer's function-secret-sharing keys
 * ({@link FssReluProtocol}, {@link FssMaxPoolProtocol}, {@link FssArgmaxProtocol}) and the exact truncation
 * is one round with one small DCF key ({@link FssTruncationProtocol}), exact floor division, so it may wait
 * until after a ReLU or max pooling. Linear layers are the Beaver products both suites share.
 */
public final class FssSuite implements Suite {
    public static final FssSuite INSTANCE = new FssSuite();

    private FssSuite() {
    }

    @Override
    public ProtocolName relu() {
        return ProtocolName.FSS_RELU;
    }

    @Override
    public ProtocolName max() {
        return ProtocolName.FSS_MAX;
    }

    @Override
    public ProtocolName argmax() {
        return ProtocolName.FSS_ARGMAX;
    }

    @Override
    public ProtocolName exactTruncation() {
        return ProtocolName.FSS_TRUNCATION;
    }

    @Override
    public long[] relu(PartyContext ctx, int layer, long[] x) {
        return FssReluProtocol.relu(ctx, layer, x);
    }

    @Override
    public long[] max(PartyContext ctx, int layer, long[][] candidates) {
        return FssMaxPoolProtocol.tree(ctx, layer, candidates);
    }

    @Override
    public long argmax(PartyContext ctx, int layer, long[] x) {
        return FssArgmaxProtocol.argmax(ctx, layer, x);
    }

    @Override
    public long[] truncate(PartyContext ctx, int layer, long[] x) {
        return FssTruncationProtocol.truncate(ctx, layer, x);
    }

    @Override
    public Cost reluCost(int n) {
        return FssReluProtocol.cost(n);
    }

    @Override
    public Cost maxCost(int[] windowSizes) {
        return FssMaxPoolProtocol.cost(windowSizes);
    }

    @Override
    public Cost argmaxCost(int n) {
        return FssArgmaxProtocol.cost(n);
    }

    @Override
    public Cost truncationCost(int n, int fractionBits) {
        return FssTruncationProtocol.cost(n, fractionBits);
    }

    @Override
    public int exactTruncationError() {
        return 0;
    }

    @Override
    public boolean defersTruncation() {
        return true;
    }
}
