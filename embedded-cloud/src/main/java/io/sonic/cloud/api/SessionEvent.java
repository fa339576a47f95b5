package io.sonic.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One event of a session, as the event stream sends it and the status lists it (layer-end events).
 * Types: {@code paused} (step mode, before a layer), {@code layer-start}, {@code layer-end} (with the
 * layer's traffic and, in {@code exchanges}, what each of its rounds opened), {@code done} (with the
 * totals), {@code failed} and {@code cancelled} (with the reason). Fields that do not apply to a type are
 * left out. A layer's {@code protocol} is its protocols' display text ("FSS ReLU + FSS exact truncation"),
 * {@code protocolId} the same as enum names ({@code FSS_RELU+FSS_TRUNCATION}), which clients read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionEvent(String type, Integer index, String name, String op, String protocol, String protocolId,
                           int[] outputShape,
                           Long bytes, Long bytesSent, Long bytesReceived, Long rounds, Long messagesSent,
                           Long messagesReceived, Long wireBytesSent, Long offlineBytes, Double millis,
                           Double pausedMillis, String error, List<RoundInfo> exchanges) {
    public static final String PAUSED = "paused";
    public static final String LAYER_START = "layer-start";
    public static final String LAYER_END = "layer-end";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    /** Whether this event ends the session's stream. */
    public boolean terminal() {
        return DONE.equals(type) || FAILED.equals(type) || CANCELLED.equals(type);
    }

    /** A layer's event: {@code protocol} is the display text, {@code protocolId} the wire form of {@code ProtocolId}. */
    public static SessionEvent layer(String type, int index, String name, String op, String protocol,
                                     String protocolId, int[] outputShape) {
        return new SessionEvent(type, index, name, op, protocol, protocolId, outputShape, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }

    public static SessionEvent ended(String type, String reason) {
        return new SessionEvent(type, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, reason, null);
    }
}
