package io.sonic.cloud.api;

/** The dealer's {@code GET /v1/masks/{hash}}: the mask generation and the calling server's seed (base64). */
public record MaskAnswer(String generation, String seed) {
}
