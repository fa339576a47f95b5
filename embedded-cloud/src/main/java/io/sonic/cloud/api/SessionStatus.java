package io.sonic.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** {@code GET /v1/sessions/{id}}: the session's configuration, state, totals and per-layer figures. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionStatus(String sessionId, String modelId, String state, String suite, String linear, String truncation,
                            String output, String link, String preprocessing, boolean step, int batch, String error,
                            OnlineTraffic online, Offline offline, List<SessionEvent> layers) {

    /**
     * The session's offline phase: {@code bytes} from the dealer (what the two servers received from it; 0 without
     * a dealer) and, when the servers made the randomness themselves with oblivious transfer, {@code betweenServers}:
     * the traffic of that between them as this server saw it (the link session's base OTs included when this
     * session began it), its rounds and milliseconds; null with a dealer.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Offline(long bytes, OnlineTraffic betweenServers) {
    }
}
