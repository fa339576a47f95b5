package io.sonic.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sonic.engine.SecureConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/sessions}: opens a session on one server. {@code sessionId} (a UUID) and
 * {@code modelId} are required; {@code suite} (sonic, fss), {@code linear} (faithful, mask-reuse),
 * {@code truncation} (exact, local) and {@code output} (logits, label) default to sonic, faithful, exact,
 * logits (the names and values of {@link SecureConfig#fields}); {@code step} (classroom step mode: the
 * server pauses before each layer until {@code POST .../continue}) defaults to false.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionRequest(String sessionId, String modelId, String suite, String linear, String truncation,
                             String output, Boolean step) {

    /** A request for this configuration (its fraction bits are the model's). */
    public static SessionRequest of(String sessionId, String modelId, SecureConfig cfg, boolean step) {
        Map<String, String> f = cfg.fields();
        return new SessionRequest(sessionId, modelId, f.get(SecureConfig.SUITE), f.get(SecureConfig.LINEAR),
                f.get(SecureConfig.TRUNCATION), f.get(SecureConfig.OUTPUT), step);
    }

    /** The configuration asked for, on top of {@code base}; fails naming a wrong option and the values allowed. */
    public SecureConfig config(SecureConfig base) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(SecureConfig.SUITE, suite);
        f.put(SecureConfig.LINEAR, linear);
        f.put(SecureConfig.TRUNCATION, truncation);
        f.put(SecureConfig.OUTPUT, output);
        return SecureConfig.fromFields(f, base);
    }
}
