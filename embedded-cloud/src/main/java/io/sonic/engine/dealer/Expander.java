package io.sonic.engine.dealer;

import io.sonic.engine.crypto.Prg;

/**
 * Expands one party's seed into its share of each item, in plan order. The dealer runs the
 * expanders of both parties; each server runs its own, so seeds replace most of the traffic
 * (seed compression): only party 1's non-random parts (the corrections) travel.
 */
final class Expander {
    private final int party;
    private final Prg prg;
    private final byte[] maskSeed;

    Expander(int party, byte[] seed, byte[] maskSeed) {
        this.party = party;
        this.prg = new Prg(seed);
        this.maskSeed = maskSeed;
    }

    /**
     * The party's random parts of an item; for party 0 also its "derived" parts (c, w, tArith, at,
     * high, msb), which for party 1 come from corrections instead.
     */
    long[][] expand(Need need) {
        boolean p0 = party == 0;
        if (need instanceof Need.Triple t) {
            long[] a = t.maskReuse() ? MaskSeeds.maskShare(maskSeed, t.layer(), t.op().weightSize())
                    : prg.longs(t.op().weightSize());
            long[] b = prg.longs(t.op().inputSize());
            long[] c = p0 ? prg.longs(t.op().outputSize()) : null;
            return new long[][] {a, b, c};
        } else if (need instanceof Need.Ands n) {
            long[] u = prg.longs(n.words());
            long[] v = prg.longs(n.words());
            long[] w = p0 ? prg.longs(n.words()) : null;
            return new long[][] {u, v, w};
        } else if (need instanceof Need.BitMults m) {
            int words = (m.n() + 63) / 64;
            long[] tBool = prg.bitWords(words, m.n());
            long[] a = prg.longs(m.n() * m.values());
            long[] tArith = p0 ? prg.longs(m.n()) : null;
            long[] at = p0 ? prg.longs(m.n() * m.values()) : null;
            return new long[][] {tBool, tArith, a, at};
        } else if (need instanceof Need.Truncs tr) {
            long[] r = prg.longs(tr.n());
            long[] high = p0 ? prg.longs(tr.n()) : null;
            long[] msb = p0 ? prg.longs(tr.n()) : null;
            return new long[][] {r, high, msb};
        }
        throw new IllegalArgumentException("unknown need " + need);
    }
}
