package io.sonic.cloud.server;

/**
 * An HTTP error answer: status code, a message for the client (never carries values) and, for a
 * "busy" answer (503, 429), how many seconds to wait before retrying.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final int retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, 0);
    }

    public ApiException(int status, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 503 with a Retry-After header: a limit is reached for now. */
    public static ApiException busy(String message, int retryAfterSeconds) {
        return new ApiException(503, message, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    /** Seconds for a Retry-After header, 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
