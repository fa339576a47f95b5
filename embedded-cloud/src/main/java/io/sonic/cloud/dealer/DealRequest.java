package io.sonic.cloud.dealer;

import io.sonic.engine.SecureConfig;

import java.time.Duration;

/** What a server asks the dealer for: its part of one session's correlated randomness. */
public record DealRequest(int party, String structureHash, String linear, String truncation, String output,
                          int fractionBits) {

    public static DealRequest of(int party, String structureHash, SecureConfig cfg) {
        return new DealRequest(party, structureHash, cfg.linear().name(), cfg.truncation().name(), cfg.output().name(),
                cfg.fractionBits());
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
        return structureHash + "/" + linear + "/" + truncation + "/" + output + "/" + fractionBits;
    }
}
