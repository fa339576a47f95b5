package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.fss.DcfKeys;
import io.sonic.engine.fss.FssGates;
import io.sonic.engine.net.Messages;

/**
 * Exact truncation with function secret sharing (the FSS suite, T3 of the FSS specification): per element
 * the dealer's key holds a random mask r, an f-bit DCF at low_f(r) and shares of E and Cst
 * ({@link FssGates}). Each server sends x_b + r_b in one message; from the public x̂ = x + r each computes
 * its share of ⌊x / 2^f⌋ locally, exactly (no off-by-one), for |x| &lt; 2^62.
 *
 * <p>Cost for n elements: 1 round, 16·n bytes (both directions); the dealer sends each server the DCF's
 * correction words, 8·(3f + 2) bytes per element (400 B for f = 16), and server 1 the corrections of E and
 * Cst, 16 bytes per element. A key per server is {@link FssGates#truncKeyBytes}(f) bytes (440 B for f = 16).
 */
public final class FssTruncationProtocol {
    private FssTruncationProtocol() {
    }

    public static Cost cost(int n, int f) {
        long w = DcfKeys.Common.wordsPerGate(f, 1);
        return new Cost(16L * n, 1, 8L * n * (2 * w + 2));
    }

    public static long[] truncate(PartyContext ctx, int layer, long[] x) {
        int f = ctx.config().fractionBits();
        FssGates.TruncKeys keys = ctx.randomness().take(new Need.FssTrunc(layer, x.length, f)).keys();
        long[] masked = new long[x.length];
        long[] r = keys.r();
        for (int i = 0; i < masked.length; i++) {
            masked[i] = x[i] + r[i];
        }
        long[] peer = Messages.unpack(ctx.channel().exchange("x̂ = x + r (FSS exact truncation)", Messages.pack(masked)),
                x.length)[0];
        long[] xHat = new long[x.length];
        for (int i = 0; i < xHat.length; i++) {
            xHat[i] = masked[i] + peer[i];
        }
        return FssGates.trunc(ctx.party(), keys, xHat);
    }
}
