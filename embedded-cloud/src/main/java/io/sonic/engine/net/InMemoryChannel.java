package io.sonic.engine.net;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Two connected in-process channel ends (two threads of one process). */
public final class InMemoryChannel implements Channel {
    private static final byte[] CLOSED = new byte[0];
    private static final byte[] ABORTED = new byte[0];

    private final BlockingQueue<byte[]> in;
    private final BlockingQueue<byte[]> out;
    private final long timeoutNanos;
    private final InMemoryChannel[] ends;
    private volatile boolean closed;
    private volatile String abortReason;

    private InMemoryChannel(BlockingQueue<byte[]> in, BlockingQueue<byte[]> out, Duration timeout,
                            InMemoryChannel[] ends) {
        this.in = in;
        this.out = out;
        this.timeoutNanos = timeout.toNanos();
        this.ends = ends;
    }

    /** Two ends: element 0 for party 0, element 1 for party 1. */
    public static InMemoryChannel[] pair(Duration timeout) {
        BlockingQueue<byte[]> a = new LinkedBlockingQueue<>();
        BlockingQueue<byte[]> b = new LinkedBlockingQueue<>();
        InMemoryChannel[] ends = new InMemoryChannel[2];
        ends[0] = new InMemoryChannel(a, b, timeout, ends);
        ends[1] = new InMemoryChannel(b, a, timeout, ends);
        return ends;
    }

    @Override
    public void send(byte[] message) {
        if (abortReason != null) {
            throw new ChannelException(abortReason);
        }
        if (closed) {
            throw new ChannelException("channel closed");
        }
        out.add(message);
    }

    @Override
    public byte[] receive() {
        if (abortReason != null) {
            throw new ChannelException(abortReason);
        }
        if (closed) {
            throw new ChannelException("channel closed");
        }
        try {
            byte[] m = in.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new ChannelTimeoutException("the peer did not answer within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            if (m == CLOSED) {
                in.add(CLOSED);
                throw new ChannelException("the peer closed the link");
            }
            if (m == ABORTED) {
                in.add(ABORTED);
                throw new ChannelException(abortReason);
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while waiting for the peer", e);
        }
    }

    /** Both ends fail from now on with the reason (the other end's as "the peer ended the session: ..."). */
    @Override
    public void abort(String reason) {
        InMemoryChannel peer = ends[0] == this ? ends[1] : ends[0];
        peer.abortReason = "the peer ended the session: " + reason;
        abortReason = reason;
        peer.in.add(ABORTED);
        in.add(ABORTED);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            out.add(CLOSED);
        }
    }
}
