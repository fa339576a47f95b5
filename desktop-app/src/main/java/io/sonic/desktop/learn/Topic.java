package io.sonic.desktop.learn;

import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.protocol.ProtocolName;

/**
 * The Learn tab's topics, in lecture order. The id is what the "See it in step mode" button hands to
 * its callback; {@link #shownBy(ProtocolId)} tells which layers of a run show the topic, by the protocol
 * name the engine reports for a layer ({@code InferenceResult.LayerStat.protocol()}, e.g.
 * "Beaver conv + exact truncation", "MSB ReLU", "secure max", "secure argmax", "local").
 */
public enum Topic {
    SHARING("sharing", "Secret sharing"),
    BEAVER("beaver", "Beaver triples"),
    TRUNCATION("truncation", "Truncation"),
    MSB("msb-relu", "MSB extraction and ReLU"),
    MAX_POOL("max-pool", "Max pooling"),
    ARGMAX("argmax", "Argmax"),
    FSS("fss", "FSS: one-round comparisons"),
    MASK_REUSE("mask-reuse", "Mask reuse"),
    NON_COLLUSION("non-collusion", "Non-collusion and the dealer");

    private final String id;
    private final String title;

    Topic(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /**
     * Whether a layer run with this protocol shows the topic in step mode. Secret sharing and
     * non-collusion are about every layer (each server transforms its own share and sees only masked
     * values), so every layer shows them; mask reuse is about the Beaver layers.
     */
    public boolean shownBy(ProtocolId protocol) {
        if (protocol == null) {
            return this == SHARING || this == NON_COLLUSION;
        }
        return switch (this) {
            case SHARING, NON_COLLUSION -> true;
            case BEAVER, MASK_REUSE -> protocol.runs(ProtocolName.BEAVER_MATMUL) || protocol.runs(ProtocolName.BEAVER_CONV)
                    || protocol.runs(ProtocolName.BEAVER_SCALE);
            case TRUNCATION -> protocol.truncation() != null;
            case MSB -> protocol.runs(ProtocolName.MSB_RELU);
            case MAX_POOL -> protocol.runs(ProtocolName.MSB_MAX) || protocol.runs(ProtocolName.FSS_MAX);
            case ARGMAX -> protocol.runs(ProtocolName.MSB_ARGMAX) || protocol.runs(ProtocolName.FSS_ARGMAX);
            case FSS -> protocol.runs(ProtocolName.FSS_RELU) || protocol.runs(ProtocolName.FSS_MAX)
                    || protocol.runs(ProtocolName.FSS_ARGMAX) || protocol.runs(ProtocolName.FSS_TRUNCATION);
        };
    }

    /** The topic with this id. */
    public static Topic byId(String id) {
        for (Topic t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no Learn topic '" + id + "'");
    }

    @Override
    public String toString() {
        return title;
    }
}
