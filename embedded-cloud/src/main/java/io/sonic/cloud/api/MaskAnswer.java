package io.sonic.cloud.api;

/**
 * The dealer's {@code GET /v1/masks/{hash}?key=KEY}: the generation of the mask seeds of one stored model
 * version (named by the structure hash and the servers' joint mask key), the calling server's seed
 * (base64), and the key they belong to, echoed so that a server can tell a dealer that keeps seeds per
 * upload from an older one that ignored the key.
 */
public record MaskAnswer(String generation, String seed, String key) {
}
