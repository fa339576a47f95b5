package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;

/**
 * The seam where protocol suites differ: the comparison-based layers (ReLU, max pooling, the output's
 * argmax) and the exact truncation. Every other layer's protocol (Beaver products with secret weights,
 * local sums, reshapes) is the same under every suite. Each method states its cost as the suite's docs
 * page gives it; the traffic tests hold the meter to these figures.
 */
public interface Suite {
    /** The suite of a configuration. */
    static Suite of(SecureConfig cfg) {
        return switch (cfg.suite()) {
            case SONIC -> MsbSuite.INSTANCE;
            case FSS -> FssSuite.INSTANCE;
        };
    }

    ProtocolName relu();

    ProtocolName max();

    ProtocolName argmax();

    ProtocolName exactTruncation();

    /** Shares of ReLU(x) for every element. */
    long[] relu(PartyContext ctx, int layer, long[] x);

    /** Shares of the maximum of each candidate list (all lists reduced together, level by level). */
    long[] max(PartyContext ctx, int layer, long[][] candidates);

    /** A share of the index of the first maximum. */
    long argmax(PartyContext ctx, int layer, long[] x);

    /** Shares of x brought from 2f to f fraction bits, exactly (see {@link #exactTruncationError}). */
    long[] truncate(PartyContext ctx, int layer, long[] x);

    Cost reluCost(int n);

    /** Cost of reducing windows of these sizes to their maxima. */
    Cost maxCost(int[] windowSizes);

    Cost argmaxCost(int n);

    Cost truncationCost(int n, int fractionBits);

    /** Units of 2^-f the exact truncation may add above the floor the reference takes (0: exact floor). */
    int exactTruncationError();

    /**
     * True when a product's exact truncation may wait until after a ReLU or max pooling that is its only
     * reader: floor division commutes with both, so fewer elements are truncated and the result is the
     * same bit for bit.
     */
    boolean defersTruncation();
}
