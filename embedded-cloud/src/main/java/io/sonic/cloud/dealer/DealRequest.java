package io.sonic.cloud.dealer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sonic.engine.SecureConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a server asks the dealer for: its part of one session's correlated randomness, for a
 * configuration written as {@link SecureConfig#fields} (the same names and values as the session API).
 * In mask-reuse mode it also names the mask seeds the query's weight masks come from: the servers' joint
 * mask key of the model version ({@code maskKey}, as in {@code GET /v1/masks/{hash}?key=…}) and the
 * generation of those seeds that the servers opened E = W − A with; both are absent otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DealRequest(int party, String structureHash, String suite, String linear, String truncation,
                          String output, int fractionBits, String maskKey, String maskGeneration) {

    public static DealRequest of(int party, String structureHash, SecureConfig cfg) {
        return of(party, structureHash, cfg, null, null);
    }

    /** A request whose mask-reuse masks come from the seeds of {@code maskKey} in {@code maskGeneration}. */
    public static DealRequest of(int party, String structureHash, SecureConfig cfg, String maskKey,
                                 String maskGeneration) {
        Map<String, String> f = cfg.fields();
        return new DealRequest(party, structureHash, f.get(SecureConfig.SUITE), f.get(SecureConfig.LINEAR),
                f.get(SecureConfig.TRUNCATION), f.get(SecureConfig.OUTPUT), cfg.fractionBits(), maskKey,
                maskGeneration);
    }

    /** The same request from another server. */
    public DealRequest forParty(int p) {
        return new DealRequest(p, structureHash, suite, linear, truncation, output, fractionBits, maskKey,
                maskGeneration);
    }

    /** The configuration asked for; every option must be named. */
    public SecureConfig config(Duration timeout) {
        if (suite == null || linear == null || truncation == null || output == null) {
            throw new IllegalArgumentException("a deal request names its suite, linear, truncation and output modes");
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put(SecureConfig.SUITE, suite);
        f.put(SecureConfig.LINEAR, linear);
        f.put(SecureConfig.TRUNCATION, truncation);
        f.put(SecureConfig.OUTPUT, output);
        f.put(SecureConfig.FRACTION_BITS, Integer.toString(fractionBits));
        return SecureConfig.fromFields(f, SecureConfig.DEFAULT.withTimeout(timeout));
    }

    /** The parts both servers must agree on. */
    String sessionKey() {
        return structureHash + "/" + suite + "/" + linear + "/" + truncation + "/" + output + "/" + fractionBits + "/"
                + maskKey + "/" + maskGeneration;
    }
}
