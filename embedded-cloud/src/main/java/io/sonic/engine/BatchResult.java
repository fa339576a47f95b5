package io.sonic.engine;

import io.sonic.engine.net.Traffic;

import java.util.List;

/**
 * A batch of queries run together: each sample's own result (its traffic per layer as if it ran alone, its
 * output), and what the batch cost: the link's traffic as server 0 saw it (every round carried all the
 * samples, so its rounds are one query's), the online time of the whole batch, the dealer's bytes and time
 * for all samples, and the whole time.
 */
public record BatchResult(List<InferenceResult> samples, Traffic online, long onlineNanos, long offlineBytes,
                          long offlineNanos, long nanos) {
    public BatchResult {
        samples = List.copyOf(samples);
    }

    public int size() {
        return samples.size();
    }

    /** Queries per second of the batch's online phase. */
    public double perSecond() {
        return samples.size() / (onlineNanos / 1e9);
    }
}
