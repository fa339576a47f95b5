package io.sonic.engine.protocol;

import io.sonic.engine.SecureConfig;

/**
 * Every protocol a layer can run, as reports and the GUI's explanations name it. One constant per
 * protocol class (or per mode of one); {@link #label} is the display text, {@link #suite} the suite it
 * belongs to (null for the protocols both suites share).
 */
public enum ProtocolName {
    BEAVER_MATMUL("Beaver matmul", null),
    BEAVER_CONV("Beaver conv", null),
    BEAVER_SCALE("Beaver scale", null),
    LOCAL_SUM("local sum", null),
    LOCAL("local", null),
    LOCAL_TRUNCATION("local truncation", null),
    MSB_RELU("MSB ReLU", SecureConfig.Suite.SONIC),
    MSB_MAX("secure max", SecureConfig.Suite.SONIC),
    MSB_ARGMAX("secure argmax", SecureConfig.Suite.SONIC),
    MSB_TRUNCATION("exact truncation", SecureConfig.Suite.SONIC),
    FSS_RELU("FSS ReLU", SecureConfig.Suite.FSS),
    FSS_MAX("FSS max", SecureConfig.Suite.FSS),
    FSS_ARGMAX("FSS argmax", SecureConfig.Suite.FSS),
    FSS_TRUNCATION("FSS exact truncation", SecureConfig.Suite.FSS);

    private final String label;
    private final SecureConfig.Suite suite;

    ProtocolName(String label, SecureConfig.Suite suite) {
        this.label = label;
        this.suite = suite;
    }

    public String label() {
        return label;
    }

    /** The suite this protocol belongs to, or null when both suites use it. */
    public SecureConfig.Suite suite() {
        return suite;
    }

    public boolean isTruncation() {
        return this == LOCAL_TRUNCATION || this == MSB_TRUNCATION || this == FSS_TRUNCATION;
    }
}
