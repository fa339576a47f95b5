package io.sonic.engine.dealer;

import java.util.List;

/**
 * A source that hands out the items of a fixed plan in order: each once, only to a request equal to the
 * planned item (kind, layer and every size), never past the end. Subclasses make or read the item itself.
 */
abstract class PlannedRandomness implements Randomness {
    private final List<Need<?>> plan;
    private int next;

    PlannedRandomness(List<Need<?>> plan) {
        this.plan = List.copyOf(plan);
    }

    /** Item {@code index} of the plan, which is {@code planned}; called once per index, in order. */
    abstract Material item(int index, Need<?> planned);

    @Override
    public final int remaining() {
        return plan.size() - next;
    }

    @Override
    @SuppressWarnings("unchecked")
    public final synchronized <M extends Material> M take(Need<M> need) {
        if (next >= plan.size()) {
            throw new IllegalStateException("no correlated randomness left for this query (layer " + need.layer() + ")");
        }
        Need<?> planned = plan.get(next);
        if (!planned.equals(need)) {
            throw new IllegalStateException("correlated randomness out of step: layer " + need.layer() + " asked for "
                    + need + ", the plan has " + planned);
        }
        Material m = item(next, planned);
        next++;
        return (M) m;
    }
}
