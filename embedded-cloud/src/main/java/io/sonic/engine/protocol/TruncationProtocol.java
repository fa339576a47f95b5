package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.net.Messages;

/**
 * Brings a shared product with 2f fraction bits back to f fraction bits.
 *
 * <p><b>Local</b> (SecureML, the paper's variant): party 0 takes x₀ >> f, party 1 takes −((−x₁) >> f).
 * No communication. The result is ⌊x/2^f⌋ or one more, except with probability about
 * 2^(k+1−64) for |x| < 2^k, when it is off by 2^(64−f).
 *
 * <p><b>Exact</b> (dealer-assisted): with shares of a random r, of r >>> f and of MSB(r), the servers
 * open c = x + 2^62 + r (one round, 8 bytes per element each way) and take
 * (c >>> f) − (r >>> f) + (1 − MSB(c))·MSB(r)·2^(64−f) − 2^(62−f) (party 0 adds the public terms).
 * Because x + 2^62 lies in [0, 2^63), the wrap-around of c happens exactly when MSB(r) = 1 and
 * MSB(c) = 0, so the correction is exact and the result is ⌊x/2^f⌋ or one more, always
 * (for |x| < 2^62). Bytes: 16·n; 1 round.
 */
public final class TruncationProtocol {
    private static final long OFFSET = 1L << 62;

    private TruncationProtocol() {
    }

    /** The ideal functionality: floor division by 2^f. */
    public static long[] ideal(long[] x, int f) {
        long[] r = new long[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = x[i] >> f;
        }
        return r;
    }

    /** Exact truncation of n elements: 16·n bytes, 1 round; offline r >>> f and MSB(r) corrections. */
    public static Cost cost(int n) {
        return new Cost(16L * n, 1, 16L * n);
    }

    /** SecureML's local truncation (both suites' {@code LOCAL} mode): no communication. */
    public static long[] local(PartyContext ctx, long[] x) {
        int f = ctx.config().fractionBits();
        long[] r = new long[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = ctx.isZero() ? x[i] >> f : -((-x[i]) >> f);
        }
        return r;
    }

    /** The Sonic suite's exact truncation. */
    public static long[] truncate(PartyContext ctx, int layer, long[] x) {
        int f = ctx.config().fractionBits();
        var m = ctx.randomness().take(new Need.Truncs(layer, x.length, f));
        long[] rShare = m.r();
        long[] high = m.high();
        long[] msb = m.msb();
        long[] c = new long[x.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = x[i] + rShare[i] + (ctx.isZero() ? OFFSET : 0);
        }
        long[] peer = Messages.unpack(ctx.channel().exchange("c = x + 2^62 + r (exact truncation)", Messages.pack(c)), x.length)[0];
        long[] y = new long[x.length];
        long wrapUnit = 1L << (64 - f);
        for (int i = 0; i < y.length; i++) {
            long open = c[i] + peer[i];
            long notMsbC = 1 - (open >>> 63);
            y[i] = -high[i] + notMsbC * msb[i] * wrapUnit;
            if (ctx.isZero()) {
                y[i] += (open >>> f) - (OFFSET >> f);
            }
        }
        return y;
    }
}
