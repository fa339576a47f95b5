package io.sonic.engine.protocol;

import io.sonic.engine.dealer.Need;
import io.sonic.engine.net.Messages;

/**
 * Multiplies shared values by a shared bit d (XOR-shared, bit-sliced): bit-to-arithmetic conversion
 * fused with the product, in one round. The dealer supplies a random bit t shared both ways, and for
 * each value a mask a with shares of a·t. Each server sends e_i = d_i ⊕ t_i and δ_i = v_i − a_i; with
 * e = d ⊕ t and δ public, v·t = δ·t + a·t and v·d = e·v + (1 − 2e)·v·t, all local.
 *
 * <p>Bytes for n bits and k values per bit: 16·(⌈n/64⌉ + k·n) (both directions); 1 round.
 */
public final class SelectProtocol {
    private SelectProtocol() {
    }

    /**
     * @param d      bit-sliced XOR share of n bits
     * @param values k arrays of n additive shares
     * @return k arrays of n additive shares of d·v
     */
    public static long[][] multiplyByBit(PartyContext ctx, int layer, long[] d, long[]... values) {
        int n = values[0].length;
        int k = values.length;
        int words = BitSlice.words(n);
        var m = ctx.randomness().take(new Need.BitMults(layer, n, k));
        long[] tBool = m.tBool();
        long[] tArith = m.tArith();
        long[] a = m.a();
        long[] at = m.at();
        long[] e = new long[words];
        for (int w = 0; w < words; w++) {
            e[w] = d[w] ^ tBool[w];
        }
        if (n % 64 != 0) {
            e[words - 1] &= (1L << (n % 64)) - 1;
        }
        long[] delta = new long[k * n];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                delta[j * n + i] = values[j][i] - a[j * n + i];
            }
        }
        long[][] peer = Messages.unpack(ctx.channel().exchange("e = d ⊕ t (the bit, masked) and δ = v − a (the values, masked)",
                Messages.pack(e, delta)), words, k * n);
        long[][] out = new long[k][n];
        for (int i = 0; i < n; i++) {
            long eb = BitSlice.bit(e, i) ^ BitSlice.bit(peer[0], i);
            for (int j = 0; j < k; j++) {
                int idx = j * n + i;
                long dOpen = delta[idx] + peer[1][idx];
                long vt = dOpen * tArith[i] + at[idx];
                out[j][i] = eb * values[j][i] + (1 - 2 * eb) * vt;
            }
        }
        return out;
    }
}
