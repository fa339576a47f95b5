package io.sonic.engine.protocol;

import io.sonic.engine.dealer.Material;
import io.sonic.engine.net.Messages;

/**
 * A batch of AND gates on XOR-shared bit-sliced words, with AND triples (u, v, w = u∧v): each server
 * sends d_i = x_i ⊕ u_i and e_i = y_i ⊕ v_i for all gates in one message; then
 * z_i = [i = 0]·(d∧e) ⊕ (d∧v_i) ⊕ (e∧u_i) ⊕ w_i. One round; 16 bytes per word each way.
 */
final class AndGates {
    private AndGates() {
    }

    /** @param what the protocol's words for what the gates compute (it names the round) */
    static long[] and(PartyContext ctx, Material.Ands triples, long[] x, long[] y, String what) {
        int n = x.length;
        long[][] t = triples.take(n);
        long[] u = t[0];
        long[] v = t[1];
        long[] w = t[2];
        long[] d = new long[n];
        long[] e = new long[n];
        for (int i = 0; i < n; i++) {
            d[i] = x[i] ^ u[i];
            e[i] = y[i] ^ v[i];
        }
        long[][] peer = Messages.unpack(ctx.channel().exchange("masked bits d = x ⊕ u, e = y ⊕ v of " + what, Messages.pack(d, e)), n, n);
        long[] z = new long[n];
        boolean zero = ctx.isZero();
        for (int i = 0; i < n; i++) {
            long dd = d[i] ^ peer[0][i];
            long ee = e[i] ^ peer[1][i];
            z[i] = (zero ? dd & ee : 0) ^ (dd & v[i]) ^ (ee & u[i]) ^ w[i];
        }
        return z;
    }
}
