package io.sonic.cloud.dealer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sonic.engine.SecureConfig;

import java.time.Duration;

/**
 * What a server asks the dealer for: its part of one session's correlated randomness. In mask-reuse mode
 * it also names the mask seeds the query's weight masks come from: the servers' joint mask key of the
 * model version ({@code maskKey}, as in {@code GET /v1/masks/{hash}?key=…}) and the generation of those
 * seeds that the servers opened E = W − A with; both are absent otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DealRequest(int party, String structureHash, String linear, String truncation, String output,
                          int fractionBits, String maskKey, String maskGeneration) {

    public static DealRequest of(int party, String structureHash, SecureConfig cfg) {
        return of(party, structureHash, cfg, null, null);
    }

    /** A request whose mask-reuse masks come from the seeds of {@code maskKey} in {@code maskGeneration}. */
    public static DealRequest of(int party, String structureHash, SecureConfig cfg, String maskKey,
                                 String maskGeneration) {
        return new DealRequest(party, structureHash, cfg.linear().name(), cfg.truncation().name(), cfg.output().name(),
                cfg.fractionBits(), maskKey, maskGeneration);
    }

    public SecureConfig config(Duration timeout) {
        try {
            return new SecureConfig(fractionBits, SecureConfig.LinearMode.valueOf(linear),
                    SecureConfig.TruncationMode.valueOf(truncation), SecureConfig.OutputMode.valueOf(output), timeout);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("invalid secure configuration in the deal request");
        }
    }

    /** The parts both servers must agree on. */
    String sessionKey() {
        return structureHash + "/" + linear + "/" + truncation + "/" + output + "/" + fractionBits + "/" + maskKey
                + "/" + maskGeneration;
    }
}
