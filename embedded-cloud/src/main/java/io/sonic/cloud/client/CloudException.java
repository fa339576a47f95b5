package io.sonic.cloud.client;

/** A cloud operation failed; the message names the server and what it answered. */
public class CloudException extends RuntimeException {
    public CloudException(String message) {
        super(message);
    }
}
