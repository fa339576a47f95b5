package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;

/**
 * Secure ReLU(x) = x · DReLU(x): {@link MsbProtocol} for the bit, then {@link SelectProtocol} to
 * multiply x by it.
 *
 * <p>Cost for n elements, W = ⌈n/64⌉: rounds {@value MsbProtocol#ROUNDS} + 1 = 8 (= log2 ℓ + 2 for
 * ℓ = 64); bytes (both directions) 32·A·W + 16·W + 16·n with A = {@value MsbProtocol#ANDS_PER_LANE}
 * AND gates per element lane, i.e. (32·A + 16)/64 + 16 = 106.75 bytes = 854 bits per ReLU when n is
 * a multiple of 64.
 */
public final class ReluProtocol {
    private ReluProtocol() {
    }

    /** Online bytes and rounds for n elements, and the dealer's bytes (party 1's corrections). */
    public static Cost cost(int n) {
        long words = BitSlice.words(n);
        long offline = 8 * (MsbProtocol.ANDS_PER_LANE * words) + 8L * n * 2;
        return new Cost(bytes(n), MsbProtocol.ROUNDS + 1, offline);
    }

    /** Exact bytes both directions for n elements. */
    public static long bytes(int n) {
        long words = BitSlice.words(n);
        return 32L * MsbProtocol.ANDS_PER_LANE * words + 16 * words + 16L * n;
    }

    public static long ideal(long x) {
        return Math.max(x, 0);
    }

    public static long[] relu(PartyContext ctx, int layer, long[] x) {
        long[] d = MsbProtocol.drelu(ctx, layer, x);
        return SelectProtocol.multiplyByBit(ctx, layer, d, x)[0];
    }
}
