package io.sonic.cloud.api;

/**
 * {@code POST /v1/sessions}: opens a session on one server. {@code sessionId} (a UUID) and
 * {@code modelId} are required; {@code linear} (faithful, mask-reuse), {@code truncation} (exact,
 * local) and {@code output} (logits, label) default to faithful, exact, logits; {@code step} (classroom
 * step mode: the server pauses before each layer until {@code POST .../continue}) defaults to false.
 */
public record SessionRequest(String sessionId, String modelId, String linear, String truncation, String output,
                             Boolean step) {
}
