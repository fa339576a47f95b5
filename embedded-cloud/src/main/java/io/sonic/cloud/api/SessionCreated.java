package io.sonic.cloud.api;

/** The answer to {@code POST /v1/sessions}. */
public record SessionCreated(String sessionId, int[] inputShape, String state) {
}
