package io.sonic.engine;

import io.sonic.model.eval.FixedPoint;

import java.time.Duration;

/**
 * How a secure inference runs. One immutable record, passed explicitly.
 *
 * @param fractionBits fixed-point fraction bits f
 * @param linear       how linear layers open their operands
 * @param truncation   how products are brought back to f fraction bits
 * @param output       what leaves the servers
 * @param timeout      the longest wait for the peer before the session fails
 */
public record SecureConfig(int fractionBits, LinearMode linear, TruncationMode truncation, OutputMode output,
                           Duration timeout) {

    /** Linear layers: open W−A and X−B on every query (the paper), or W−A once per model. */
    public enum LinearMode {
        FAITHFUL, MASK_REUSE;

        public String cliName() {
            return this == FAITHFUL ? "faithful" : "mask-reuse";
        }
    }

    /**
     * LOCAL: SecureML's share-local truncation (no communication; rarely wrong by 2^(64−f), the
     * paper's variant). EXACT: dealer-assisted, one round, never wraps (off by at most one unit).
     */
    public enum TruncationMode { LOCAL, EXACT }

    /** LOGITS: the user reconstructs the output tensor. LABEL: only the shared argmax leaves the servers. */
    public enum OutputMode { LOGITS, LABEL }

    public static final SecureConfig DEFAULT = new SecureConfig(FixedPoint.DEFAULT_FRACTION_BITS,
            LinearMode.FAITHFUL, TruncationMode.EXACT, OutputMode.LOGITS, Duration.ofSeconds(10));

    public SecureConfig {
        new FixedPoint(fractionBits);
        if (linear == null || truncation == null || output == null || timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("incomplete secure configuration");
        }
    }

    public FixedPoint fixedPoint() {
        return new FixedPoint(fractionBits);
    }

    public SecureConfig withLinear(LinearMode m) {
        return new SecureConfig(fractionBits, m, truncation, output, timeout);
    }

    public SecureConfig withTruncation(TruncationMode m) {
        return new SecureConfig(fractionBits, linear, m, output, timeout);
    }

    public SecureConfig withOutput(OutputMode m) {
        return new SecureConfig(fractionBits, linear, truncation, m, timeout);
    }

    public SecureConfig withFractionBits(int f) {
        return new SecureConfig(f, linear, truncation, output, timeout);
    }
}
