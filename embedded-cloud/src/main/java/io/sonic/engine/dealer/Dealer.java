package io.sonic.engine.dealer;

import io.sonic.engine.crypto.Prg;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The dealer: input-independent correlated randomness for one query. It draws a fresh seed per
 * server; each server expands its own seed into the random parts of every item (seed compression), and
 * the dealer, expanding both, computes what cannot be random: for party 1 the corrections
 * (c₁ = f(A, B) − c₀ and the like), for both parties the correction words of FSS keys. The dealer sees
 * nothing private: no weight, input or output passes through it.
 *
 * <p>A deal is its two seeds (and the model's mask seeds); a party's payloads are computed from them item
 * by item when the party reads them ({@link #payloads}), so that neither the dealer nor a server ever
 * holds more than one item's keys at a time beyond what it has not yet consumed.
 */
public final class Dealer {
    private Dealer() {
    }

    /** One query's deal: the two seeds, the plan and the model's mask seeds (mask-reuse mode), or null. */
    public record Dealt(List<Need<?>> plan, byte[] seed0, byte[] seed1, MaskSeeds masks, int layers) {
        public Dealt {
            plan = List.copyOf(plan);
        }

        public byte[] seed(int party) {
            return (party == 0 ? seed0 : seed1).clone();
        }

        /** Party p's payloads, computed item by item as they are read (only what party p gets). */
        public Iterator<Payload> payloads(int party) {
            return Dealer.payloads(this, (need, m0, m1) -> Kinds.payload(need, party, m0, m1));
        }

        /** Both parties' payloads {party 0's, party 1's} item by item, each item's computed once for both. */
        public Iterator<Payload[]> payloadsOfBoth() {
            return Dealer.payloads(this, Kinds::payloads);
        }

        /** Bytes dealer → both servers per layer index (the last index is the output's argmax), seeds excluded. */
        public long[] offlineBytesPerLayer() {
            return Dealer.offlineBytesPerLayer(plan, layers);
        }

        /** Total bytes dealer → servers: two seeds plus all payloads. */
        public long offlineBytes() {
            return offlineBytesOf(plan);
        }
    }

    /** Bytes dealer → servers for a plan: two seeds plus every item's payloads to both parties. */
    public static long offlineBytesOf(List<Need<?>> plan) {
        long n = 2L * Prg.SEED_BYTES;
        for (Need<?> need : plan) {
            n += itemBytes(need);
        }
        return n;
    }

    /** Bytes the dealer sends both servers together for one item. */
    private static long itemBytes(Need<?> need) {
        return 8 * (Kinds.payloadLongs(need, 0) + Kinds.payloadLongs(need, 1));
    }

    /** Bytes dealer → both servers per layer index (the last index is the output's argmax), seeds excluded. */
    public static long[] offlineBytesPerLayer(List<Need<?>> plan, int layers) {
        long[] perLayer = new long[Math.max(layers, 1) + 1];
        for (Need<?> n : plan) {
            perLayer[n.layer()] += itemBytes(n);
        }
        return perLayer;
    }

    /** Arrays the dealer's payload of one item to party {@code party} has. */
    public static int payloadParts(Need<?> need, int party) {
        return Kinds.parts(need, party);
    }

    /** Longs the dealer sends party {@code party} for one item beyond its seed. */
    public static long payloadLongs(Need<?> need, int party) {
        return Kinds.payloadLongs(need, party);
    }

    /**
     * @param plan   the query's needs in order
     * @param masks  the model's mask seeds (mask-reuse mode), or null
     * @param layers number of layers (for per-layer offline accounting)
     */
    public static Dealt deal(List<Need<?>> plan, MaskSeeds masks, int layers) {
        return new Dealt(plan, Prg.newSeed(), Prg.newSeed(), masks, layers);
    }

    /** What the dealer computes of an item from both parties' expansions. */
    @FunctionalInterface
    private interface ItemMaker<T> {
        T make(Need<?> need, long[][] m0, long[][] m1);
    }

    private static <T> Iterator<T> payloads(Dealt d, ItemMaker<T> maker) {
        Expander e0 = new Expander(0, d.seed0, d.masks == null ? null : d.masks.seed0());
        Expander e1 = new Expander(1, d.seed1, d.masks == null ? null : d.masks.seed1());
        Iterator<Need<?>> needs = d.plan.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return needs.hasNext();
            }

            @Override
            public T next() {
                if (!needs.hasNext()) {
                    throw new NoSuchElementException();
                }
                Need<?> need = needs.next();
                return maker.make(need, e0.expand(need), e1.expand(need));
            }
        };
    }
}
