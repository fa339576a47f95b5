package io.sonic.cloud.api;

/**
 * {@code GET /v1/health}: whether the server runs, which party it is, and the state of its link to the
 * other server: {@code connected}, {@code unresponsive} (the link is open but nothing arrived for a few
 * seconds, e.g. a frozen peer) or {@code disconnected}.
 */
public record Health(String status, int party, String peer) {
    public static final String CONNECTED = "connected";
    public static final String UNRESPONSIVE = "unresponsive";
    public static final String DISCONNECTED = "disconnected";
}
