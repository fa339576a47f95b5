package io.sonic.engine.net;

/**
 * A stand-in peer for tracing: every message received is the size of the last one sent, all zeros.
 * Protocols are oblivious (both servers send equal-sized messages, whatever the values), so running one
 * party against it walks exactly the steps of a real query.
 */
public final class EchoChannel implements Channel {
    private int last = -1;

    @Override
    public void send(byte[] message) {
        last = message.length;
    }

    @Override
    public byte[] receive() {
        if (last < 0) {
            throw new ChannelException("the tracing peer has nothing to echo");
        }
        byte[] r = new byte[last];
        last = -1;
        return r;
    }

    @Override
    public void abort(String reason) {
        throw new ChannelException(reason);
    }

    @Override
    public void close() {
    }
}
