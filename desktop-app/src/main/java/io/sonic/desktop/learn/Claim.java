package io.sonic.desktop.learn;

import io.sonic.engine.SecureConfig;

/**
 * A figure that a Learn page states about one run of mnist-m2, so that a test can hold it to a
 * measured run of the engine: a layer's (index into {@code InferenceResult.layers()}) or the whole
 * query's online bytes, rounds or offline bytes, the mask-reuse setup's bytes or rounds, or, without a
 * dealer, the bytes and rounds the servers exchange to make a query's randomness (a query after the link's
 * first, whose base OTs are once per link).
 */
public record Claim(Topic topic, String what, SecureConfig config, int layer, Measure measure, long value) {
    /** The whole query rather than one layer. */
    public static final int QUERY = -1;

    public enum Measure { ONLINE_BYTES, ROUNDS, OFFLINE_BYTES, SETUP_BYTES, SETUP_ROUNDS, BETWEEN_SERVERS_BYTES,
        BETWEEN_SERVERS_ROUNDS }
}
