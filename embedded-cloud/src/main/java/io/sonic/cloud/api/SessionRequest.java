package io.sonic.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sonic.engine.SecureConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/sessions}: opens a session on one server. {@code sessionId} (a UUID) and
 * {@code modelId} are required; {@code suite} (sonic, fss), {@code linear} (faithful, mask-reuse),
 * {@code truncation} (exact, local) and {@code output} (logits, label) default to sonic, faithful, exact,
 * logits, and {@code link} (loopback, lan, wan or {@code latency=20ms,bandwidth=100mbit[,jitter=2ms]}: the
 * network simulated between the servers) to the server's own (the names and values of
 * {@link SecureConfig#fields}); {@code step} (classroom step mode: the
 * server pauses before each layer until {@code POST .../continue}) defaults to false; {@code batch} (1 to
 * {@link #MAX_BATCH}, default 1) is how many queries the session runs together, every round carrying all;
 * {@code preprocessing} (dealer, ot) who makes the queries' correlated randomness: the dealer (default) or the
 * two servers themselves with oblivious transfer (Sonic suite only).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionRequest(String sessionId, String modelId, String suite, String linear, String truncation,
                             String output, String link, Boolean step, Integer batch, String preprocessing) {
    /** The most queries one session runs together. */
    public static final int MAX_BATCH = 256;

    /**
     * The header that carries a session request, as JSON in ASCII, when {@code POST /v1/sessions} has the input
     * share as its body (opening and input in one request).
     */
    public static final String HEADER = "Sonic-Session";

    /** A request for this configuration (its fraction bits are the model's). */
    public static SessionRequest of(String sessionId, String modelId, SecureConfig cfg, boolean step) {
        return of(sessionId, modelId, cfg, step, 1);
    }

    /** A request for a batch of {@code batch} queries (1: one query, the field left out). */
    public static SessionRequest of(String sessionId, String modelId, SecureConfig cfg, boolean step, int batch) {
        Map<String, String> f = cfg.fields();
        // no simulated link asked: the server's own applies (serve --link)
        return new SessionRequest(sessionId, modelId, f.get(SecureConfig.SUITE), f.get(SecureConfig.LINEAR),
                f.get(SecureConfig.TRUNCATION), f.get(SecureConfig.OUTPUT),
                cfg.link().simulated() ? f.get(SecureConfig.LINK) : null, step, batch == 1 ? null : batch,
                cfg.preprocessing() == SecureConfig.Preprocessing.DEALER ? null : f.get(SecureConfig.PREPROCESSING));
    }

    /** The batch asked for (1 when absent); 1 to {@link #MAX_BATCH}, and one query only in step mode. */
    public int batchSize() {
        int n = batch == null ? 1 : batch;
        if (n < 1 || n > MAX_BATCH) {
            throw new IllegalArgumentException("batch must be between 1 and " + MAX_BATCH + ", not " + n);
        }
        if (n > 1 && Boolean.TRUE.equals(step)) {
            throw new IllegalArgumentException("step mode runs one query at a time; open a batch without step");
        }
        return n;
    }

    /** The configuration asked for, on top of {@code base}; fails naming a wrong option and the values allowed. */
    public SecureConfig config(SecureConfig base) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(SecureConfig.SUITE, suite);
        f.put(SecureConfig.LINEAR, linear);
        f.put(SecureConfig.TRUNCATION, truncation);
        f.put(SecureConfig.OUTPUT, output);
        f.put(SecureConfig.LINK, link);
        f.put(SecureConfig.PREPROCESSING, preprocessing);
        return SecureConfig.fromFields(f, base);
    }
}
