package io.sonic.cloud.server;

/** An HTTP error answer: status code and a message for the client (never carries values). */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
