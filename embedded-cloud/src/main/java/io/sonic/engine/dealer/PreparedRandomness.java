package io.sonic.engine.dealer;

import java.util.ArrayList;
import java.util.List;

/**
 * Correlated randomness made before the query, item by item in plan order (by the servers themselves, with
 * oblivious transfer): each item handed out once, only to a request equal to the planned one, and dropped
 * once taken.
 */
final class PreparedRandomness extends PlannedRandomness {
    private final List<Material> items;

    PreparedRandomness(List<Need<?>> plan, List<? extends Material> items) {
        super(plan);
        if (plan.size() != items.size()) {
            throw new IllegalArgumentException(items.size() + " items for a plan of " + plan.size());
        }
        this.items = new ArrayList<>(items);
    }

    @Override
    Material item(int index, Need<?> planned) {
        return items.set(index, null);
    }
}
