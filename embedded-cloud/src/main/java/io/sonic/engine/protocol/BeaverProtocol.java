package io.sonic.engine.protocol;

import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.net.Messages;

/**
 * Secure product f(W, X) of a secret weight W and a secret activation X with a Beaver triple
 * (A, B, C = f(A, B)) shaped for the operation (matrix product, convolution, channel scale).
 *
 * <p>Message flow, one round: each server sends its shares of E = W − A and F = X − B (faithful
 * mode), or only of F when E was opened once for the model (mask-reuse mode). Then locally
 * Z_i = f(E, B_i + [i = 0]·F) + f(A_i, F) + C_i, and Z_0 + Z_1 = f(W, X).
 *
 * <p>Bytes (both directions): faithful 16·(|W| + |X|), mask-reuse 16·|X|; 1 round; 1 message each way.
 * Setup of mask-reuse, once per model: 16·|W| bytes, 1 round.
 */
public final class BeaverProtocol {
    private BeaverProtocol() {
    }

    /** The ideal functionality: the plaintext product the protocol's output shares sum to. */
    public static long[] ideal(Bilinear op, long[] w, long[] x) {
        return op.apply(w, x);
    }

    /**
     * @param maskedWeight E = W − A opened at setup (mask-reuse mode), or null to open it now
     */
    public static long[] multiply(PartyContext ctx, int layer, Bilinear op, long[] w, long[] x, long[] maskedWeight) {
        var t = ctx.randomness().take(new Need.Triple(layer, op, maskedWeight != null));
        long[] a = t.a();
        long[] b = t.b();
        long[] c = t.c();
        long[] f = new long[x.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = x[i] - b[i];
        }
        long[] e;
        long[] fOpen;
        if (maskedWeight == null) {
            long[] eShare = new long[w.length];
            for (int i = 0; i < eShare.length; i++) {
                eShare[i] = w[i] - a[i];
            }
            long[][] peer = Messages.unpack(ctx.channel().exchange("E = W − A and F = X − B", Messages.pack(eShare, f)), w.length, x.length);
            e = add(eShare, peer[0]);
            fOpen = add(f, peer[1]);
        } else {
            long[][] peer = Messages.unpack(ctx.channel().exchange("F = X − B (E = W − A was opened once per model)", Messages.pack(f)), x.length);
            e = maskedWeight;
            fOpen = add(f, peer[0]);
        }
        long[] bPlus = b;
        if (ctx.isZero()) {
            bPlus = add(b, fOpen);
        }
        long[] z = op.apply(e, bPlus);
        long[] af = op.apply(a, fOpen);
        for (int i = 0; i < z.length; i++) {
            z[i] += af[i] + c[i];
        }
        return z;
    }

    /** Mask-reuse setup: opens E = W − A for a layer whose mask share is {@code maskShare}. */
    public static long[] openMaskedWeight(PartyContext ctx, long[] w, long[] maskShare) {
        long[] eShare = new long[w.length];
        for (int i = 0; i < eShare.length; i++) {
            eShare[i] = w[i] - maskShare[i];
        }
        long[][] peer = Messages.unpack(ctx.channel().exchange("E = W − A, once per model", Messages.pack(eShare)), w.length);
        return add(eShare, peer[0]);
    }

    static long[] add(long[] x, long[] y) {
        long[] r = new long[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = x[i] + y[i];
        }
        return r;
    }
}
