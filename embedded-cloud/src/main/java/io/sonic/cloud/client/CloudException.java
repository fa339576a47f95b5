package io.sonic.cloud.client;

/** A cloud operation failed; the message names the server and what it answered. */
public class CloudException extends RuntimeException {
    private final int status;

    public CloudException(String message) {
        this(message, -1);
    }

    /** A failure a server answered with HTTP {@code status}. */
    public CloudException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the server answered, or -1 when the failure was not a server's answer. */
    public int status() {
        return status;
    }
}
