package io.sonic.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code GET /v1/sessions/{id}}: the session's configuration, state, totals and per-layer figures. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionStatus(String sessionId, String modelId, String state, String suite, String linear, String truncation,
                            String output, String link, boolean step, int batch, String error, OnlineTraffic online, Offline offline,
                            List<SessionEvent> layers) {

    /** Dealer bytes of the session (what the two servers received from the dealer). */
    public record Offline(long bytes) {
    }
}
