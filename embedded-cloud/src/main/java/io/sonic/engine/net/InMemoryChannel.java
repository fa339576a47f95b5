package io.sonic.engine.net;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Two connected in-process channel ends (two threads of one process). */
public final class InMemoryChannel implements Channel {
    private static final byte[] CLOSED = new byte[0];

    private final BlockingQueue<byte[]> in;
    private final BlockingQueue<byte[]> out;
    private final long timeoutNanos;
    private volatile boolean closed;

    private InMemoryChannel(BlockingQueue<byte[]> in, BlockingQueue<byte[]> out, Duration timeout) {
        this.in = in;
        this.out = out;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Two ends: element 0 for party 0, element 1 for party 1. */
    public static InMemoryChannel[] pair(Duration timeout) {
        BlockingQueue<byte[]> a = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> b = new LinkedBlockingQueue<>();
        return new InMemoryChannel[] {new InMemoryChannel(a, b, timeout), new InMemoryChannel(b, a, timeout)};
    }

    @Override
    public void send(byte[] message) {
        if (closed) {
            throw new ChannelException("channel closed");
        }
        out.add(message);
    }

    @Override
    public byte[] receive() {
        if (closed) {
            throw new ChannelException("channel closed");
        }
        try {
            byte[] m = in.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new ChannelException("the peer did not answer within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            if (m == CLOSED) {
                in.add(CLOSED);
                throw new ChannelException("the peer closed the link");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while waiting for the peer", e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            out.add(CLOSED);
        }
    }
}
