package io.sonic.engine.dealer;

import io.sonic.engine.crypto.Prg;

/**
 * Expands one party's seed into its share of each item, in plan order. The dealer runs the
 * expanders of both parties; each server runs its own, so seeds replace most of the traffic
 * (seed compression): only what is not random travels.
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

    int party() {
        return party;
    }

    Prg prg() {
        return prg;
    }

    byte[] maskSeed() {
        return maskSeed;
    }

    /** The party's random parts of an item (see {@link Kinds#expand}). */
    long[][] expand(Need<?> need) {
        return Kinds.expand(this, need);
    }
}
