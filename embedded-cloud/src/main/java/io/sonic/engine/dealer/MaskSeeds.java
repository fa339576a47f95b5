package io.sonic.engine.dealer;

import io.sonic.engine.crypto.Prg;

/**
 * Seeds of the fixed weight masks A used by the mask-reuse linear mode: party p's share of layer
 * i's mask is stream i of seed p. The dealer holds both seeds (to compute each query's C = f(A, B));
 * each server holds its own.
 */
public record MaskSeeds(byte[] seed0, byte[] seed1) {
    private static final long STREAM_BASE = 1L << 32;

    public static MaskSeeds fresh() {
        return new MaskSeeds(Prg.newSeed(), Prg.newSeed());
    }

    public byte[] seed(int party) {
        return (party == 0 ? seed0 : seed1).clone();
    }

    /** Party p's share of the mask of layer {@code layer}: {@code size} values. */
    public static long[] maskShare(byte[] seed, int layer, int size) {
        return new Prg(seed, STREAM_BASE + layer).longs(size);
    }
}
