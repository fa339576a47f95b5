package io.sonic.cloud.api;

/**
 * The dealer's {@code GET /v1/masks/{hash}?key=KEY}: the generation of the mask seeds of one stored model
 * version (named by the structure hash and the servers' joint mask key) and the calling server's seed (base64).
 */
public record MaskAnswer(String generation, String seed) {
}
