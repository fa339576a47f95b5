package io.sonic.engine.dealer;

import java.util.ArrayList;
import java.util.List;

/**
 * Correlated randomness made before the query, item by item in plan order (by the servers themselves, with
 * oblivious transfer): each item handed out once, only to a request equal to the planned one, and dropped
 * once taken.
 */
final class PreparedRandomness implements Randomness {
    private final List<Need<?>> plan;
    private final List<Material> items;
    private int next;

    PreparedRandomness(List<Need<?>> plan, List<? extends Material> items) {
        if (plan.size() != items.size()) {
            throw new IllegalArgumentException(items.size() + " items for a plan of " + plan.size());
        }
        this.plan = List.copyOf(plan);
        this.items = new ArrayList<>(items);
    }

    @Override
    public int remaining() {
        return plan.size() - next;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <M extends Material> M take(Need<M> need) {
        if (next >= plan.size()) {
            throw new IllegalStateException("no correlated randomness left for this query (layer " + need.layer() + ")");
        }
        Need<?> planned = plan.get(next);
        if (!planned.equals(need)) {
            throw new IllegalStateException("correlated randomness out of step: layer " + need.layer() + " asked for "
                    + need + ", the plan has " + planned);
        }
        Material m = items.set(next, null);
        next++;
        return (M) m;
    }
}
