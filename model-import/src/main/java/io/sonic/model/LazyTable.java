package io.sonic.model;

import java.util.function.Supplier;

/**
 * An index table built once, on first use, and read without a lock afterwards: the engine's threads (one
 * per sample of a batch, on both servers) all read a layer's tables on every product.
 */
public final class LazyTable {
    private volatile int[] table;

    /** The table, built with {@code build} by the first caller (the others wait for it, then never lock). */
    public int[] get(Supplier<int[]> build) {
        int[] built = table;
        return built != null ? built : buildOnce(build);
    }

    private synchronized int[] buildOnce(Supplier<int[]> build) {
        if (table == null) {
            table = build.get();
        }
        return table;
    }
}
