package io.sonic.engine.net;

/** A channel decorator: every call goes to the channel below unless a subclass changes it. */
public abstract class ForwardingChannel implements Channel {
    protected final Channel inner;

    protected ForwardingChannel(Channel inner) {
        this.inner = inner;
    }

    @Override
    public void send(byte[] message) {
        inner.send(message);
    }

    @Override
    public byte[] receive() {
        return inner.receive();
    }

    @Override
    public byte[] exchange(String what, byte[] message) {
        return inner.exchange(what, message);
    }

    @Override
    public void section(String name) {
        inner.section(name);
    }

    @Override
    public void abort(String reason) {
        inner.abort(reason);
    }

    @Override
    public void close() {
        inner.close();
    }
}
