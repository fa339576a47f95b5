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
        int at = triples.claim(n);
        long[] u = triples.u();
        long[] v = triples.v();
        long[] w = triples.w();
        // the message is d (words 0…n−1) then e (words n…2n−1), written in place
        byte[] mine = Messages.allocate(2 * n);
        for (int i = 0; i < n; i++) {
            Messages.put(mine, i, x[i] ^ u[at + i]);
            Messages.put(mine, n + i, y[i] ^ v[at + i]);
        }
        byte[] peer = ctx.channel().exchange("masked bits d = x ⊕ u, e = y ⊕ v of " + what, mine);
        Messages.requireLongs(peer, 2 * n);
        long[] z = new long[n];
        long both = ctx.isZero() ? -1L : 0L;
        for (int i = 0; i < n; i++) {
            long dd = Messages.get(mine, i) ^ Messages.get(peer, i);
            long ee = Messages.get(mine, n + i) ^ Messages.get(peer, n + i);
            z[i] = (both & dd & ee) ^ (dd & v[at + i]) ^ (ee & u[at + i]) ^ w[at + i];
        }
        return z;
    }
}
