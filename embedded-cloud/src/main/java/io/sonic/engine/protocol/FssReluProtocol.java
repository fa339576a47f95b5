package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.fss.DcfKeys;
import io.sonic.engine.fss.FssGates;
import io.sonic.engine.net.Messages;

/**
 * ReLU with function secret sharing (the FSS suite), and the select gate it is made of: for each element
 * the dealer's key hides a random mask r and a 63-bit DCF at r_L with payload (σ, σ·r, σ·r₁ … σ·r_J)
 * ({@link FssGates}). Each server sends x_b + r_b (and v_b + r_j,b for the selected values) in one
 * message; both add the two halves to the public x̂ = x + r and evaluate their keys at x̂ locally, which
 * gives shares of d = [x ≥ 0], of ReLU(x) = x·d and of each d·v_j.
 *
 * <p>Cost for n elements with J selected values each: 1 round, 16·(1 + J)·n bytes (both directions). The
 * dealer sends each server the keys' correction words, 8·W bytes per element with
 * W = 63·(2 + m) + 1 + m, m = J + 2 (2,040 B for ReLU), and server 1 the corrections of its mask shares,
 * 8·(2 + J) bytes per element; roots and the other shares come from the servers' seeds. A key per server is
 * {@link FssGates#RELU_KEY_BYTES} bytes for a ReLU.
 */
public final class FssReluProtocol {
    private FssReluProtocol() {
    }

    /** Online bytes both directions for n select gates with J extra values. */
    public static long bytes(int n, int extra) {
        return 16L * (1 + extra) * n;
    }

    /** Dealer bytes to both servers for n select gates with J extra values (seeds excluded). */
    public static long offlineBytes(int n, int extra) {
        long w = DcfKeys.Common.wordsPerGate(FssGates.SIGN_BITS, extra + 2);
        return 8L * n * (2 * w + 2 + extra);
    }

    public static Cost cost(int n) {
        return new Cost(bytes(n, 0), 1, offlineBytes(n, 0));
    }

    public static long[] relu(PartyContext ctx, int layer, long[] x) {
        return select(ctx, layer, x, new long[0][], "x̂ = x + r (ReLU)").relu();
    }

    /**
     * One round of select gates: ReLU(δ) and d·v_j for d = [δ ≥ 0].
     *
     * @param values J arrays of n shares each
     * @param what   what the round opens, in the protocol's words (it names the round)
     */
    static FssGates.SelectOut select(PartyContext ctx, int layer, long[] delta, long[][] values, String what) {
        int n = delta.length;
        int j = values.length;
        FssGates.SelectKeys keys = ctx.randomness().take(new Need.FssSelect(layer, n, j)).keys();
        long[] masked = new long[n * (1 + j)];
        long[] r = keys.r();
        long[] rx = keys.rExtra();
        for (int i = 0; i < n; i++) {
            masked[i] = delta[i] + r[i];
            for (int k = 0; k < j; k++) {
                masked[n + i * j + k] = values[k][i] + rx[i * j + k];
            }
        }
        long[] peer = Messages.unpack(ctx.channel().exchange(what, Messages.pack(masked)),
                masked.length)[0];
        long[] deltaHat = new long[n];
        long[] vHat = new long[n * j];
        for (int i = 0; i < n; i++) {
            deltaHat[i] = masked[i] + peer[i];
        }
        for (int q = 0; q < n * j; q++) {
            vHat[q] = masked[n + q] + peer[n + q];
        }
        return FssGates.select(ctx.party(), keys, deltaHat, vHat);
    }
}
