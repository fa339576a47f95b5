package io.sonic.engine.net;

/** A wait on the peer that ran out of time; {@link #during} names the round it was waiting in. */
public class ChannelTimeoutException extends ChannelException {
    public ChannelTimeoutException(String message) {
        super(message);
    }

    private ChannelTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same timeout, naming the round (the protocol's words, never a value) it happened in. */
    public ChannelTimeoutException during(String what) {
        return new ChannelTimeoutException(getMessage() + " (waiting for: " + what + ")", this);
    }
}
