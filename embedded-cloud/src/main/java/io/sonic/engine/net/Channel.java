package io.sonic.engine.net;

/**
 * A party's link to the other server. Messages are byte arrays; ownership passes with the call: a
 * sender must not touch an array after {@link #send}, and the array {@link #receive} returns belongs
 * to the caller. Messages arrive in the order they were sent. Every wait is bounded: a receive that
 * times out or finds the link closed or aborted throws a {@link ChannelException}.
 *
 * <p>Channels stack: a decorator ({@link MeteredChannel} counts, {@link SimulatedChannel} delays as a
 * network would) forwards every call to the channel below it ({@link ForwardingChannel}).
 */
public interface Channel extends AutoCloseable {
    void send(byte[] message);

    byte[] receive();

    /**
     * One round, the symmetric open both servers do: send this party's message, receive the peer's.
     * {@code what} is the protocol's words for what the round opens (never a value), for meters.
     */
    default byte[] exchange(String what, byte[] message) {
        send(message);
        try {
            return receive();
        } catch (ChannelTimeoutException e) {
            throw e.during(what);
        }
    }

    default byte[] exchange(byte[] message) {
        return exchange("a message", message);
    }

    /**
     * Names the part of the current protocol the next rounds belong to (e.g. "max level 2 of 4"), or
     * null; meters record it, links ignore it.
     */
    default void section(String name) {
    }

    /**
     * Ends the link on both sides with a reason (words only, no values): the peer's pending and later
     * receives fail with a {@link ChannelException} that carries it, as do this side's.
     */
    void abort(String reason);

    /** Closes the link; the peer's pending and later receives fail promptly. */
    @Override
    void close();
}
