package io.sonic.cloud.wire;

/**
 * A payload that is corrupt, truncated, oversized or of the wrong shape. The message says which, in
 * words fit for a 4xx answer to the sender, and never carries a tensor value.
 */
public class BadPayloadException extends RuntimeException {
    public BadPayloadException(String message) {
        super(message);
    }
}
