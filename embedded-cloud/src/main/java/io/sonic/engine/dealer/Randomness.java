package io.sonic.engine.dealer;

import java.util.List;

/**
 * One server's correlated randomness for one query: its seed expanded in plan order, plus (party 1)
 * the dealer's corrections. Protocols ask for items in exactly the order of the plan; an item is
 * produced once, so nothing can be handed out twice, and asking out of step or past the end fails.
 */
public final class Randomness {
    private final int party;
    private final List<Need> plan;
    private final List<long[]> corrections;
    private final Expander expander;
    private int next;

    /**
     * @param corrections the dealer's corrections (party 1), ignored for party 0
     * @param maskSeed    this party's mask seed (mask-reuse mode), or null
     */
    public Randomness(int party, List<Need> plan, byte[] seed, List<long[]> corrections, byte[] maskSeed) {
        if (party == 1 && (corrections == null || corrections.size() != plan.size())) {
            throw new IllegalArgumentException("party 1 needs one correction per planned item");
        }
        this.party = party;
        this.plan = List.copyOf(plan);
        this.corrections = corrections;
        this.expander = new Expander(party, seed, maskSeed);
    }

    public static Randomness forParty(int party, List<Need> plan, Dealer.Dealt dealt, MaskSeeds masks) {
        return new Randomness(party, plan, party == 0 ? dealt.seed0() : dealt.seed1(),
                party == 1 ? dealt.corrections() : null, masks == null ? null : masks.seed(party));
    }

    public int remaining() {
        return plan.size() - next;
    }

    private long[][] nextItem(Class<? extends Need> kind, int layer) {
        if (next >= plan.size()) {
            throw new IllegalStateException("no correlated randomness left for this query (layer " + layer + ")");
        }
        Need need = plan.get(next);
        if (!kind.isInstance(need) || need.layer() != layer) {
            throw new IllegalStateException("correlated randomness out of step: layer " + layer + " asked for "
                    + kind.getSimpleName() + ", the plan has " + need.getClass().getSimpleName() + " of layer "
                    + need.layer());
        }
        long[][] own = expander.expand(need);
        long[] corr = party == 1 ? corrections.get(next) : null;
        if (party == 1) {
            corrections.set(next, null);
        }
        next++;
        return party == 0 ? own : merge(need, own, corr);
    }

    private static long[][] merge(Need need, long[][] own, long[] corr) {
        if (need instanceof Need.Triple || need instanceof Need.Ands) {
            own[2] = corr;
            return own;
        } else if (need instanceof Need.BitMults bm) {
            int n = bm.n();
            own[1] = java.util.Arrays.copyOfRange(corr, 0, n);
            own[3] = java.util.Arrays.copyOfRange(corr, n, corr.length);
            return own;
        } else {
            int n = corr.length / 2;
            own[1] = java.util.Arrays.copyOfRange(corr, 0, n);
            own[2] = java.util.Arrays.copyOfRange(corr, n, corr.length);
            return own;
        }
    }

    public Material.Triple triple(int layer) {
        long[][] m = nextItem(Need.Triple.class, layer);
        return new Material.Triple(m[0], m[1], m[2]);
    }

    public Material.Ands ands(int layer) {
        long[][] m = nextItem(Need.Ands.class, layer);
        return new Material.Ands(m[0], m[1], m[2]);
    }

    public Material.BitMults bitMults(int layer) {
        long[][] m = nextItem(Need.BitMults.class, layer);
        return new Material.BitMults(m[0], m[1], m[2], m[3]);
    }

    public Material.Truncs truncs(int layer) {
        long[][] m = nextItem(Need.Truncs.class, layer);
        return new Material.Truncs(m[0], m[1], m[2]);
    }
}
