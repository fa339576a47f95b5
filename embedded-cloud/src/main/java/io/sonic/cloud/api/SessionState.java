package io.sonic.cloud.api;

/** A session's id and state: the answer to an input, to a continue, and to an output not ready yet. */
public record SessionState(String sessionId, String state) {
}
