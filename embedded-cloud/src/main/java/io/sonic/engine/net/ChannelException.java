package io.sonic.engine.net;

/** The link to the peer failed: it closed, timed out or broke. Carries no message contents. */
public class ChannelException extends RuntimeException {
    public ChannelException(String message) {
        super(message);
    }

    public ChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
