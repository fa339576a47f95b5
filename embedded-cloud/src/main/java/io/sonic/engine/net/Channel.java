package io.sonic.engine.net;

/**
 * A party's link to the other server. Messages are byte arrays; ownership passes with the call: a
 * sender must not touch an array after {@link #send}, and the array {@link #receive} returns belongs
 * to the caller. Every wait is bounded: a receive that times out or finds the link closed throws a
 * {@link ChannelException}.
 */
public interface Channel extends AutoCloseable {
    void send(byte[] message);

    byte[] receive();

    /** The symmetric open both servers do in a round: send this party's message, receive the peer's. */
    default byte[] exchange(byte[] message) {
        send(message);
        return receive();
    }

    /** Closes the link; the peer's pending and later receives fail promptly. */
    @Override
    void close();
}
