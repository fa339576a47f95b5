package io.sonic.engine.net;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two connected in-process channel ends (two threads of one process). A receive first spins for up to
 * {@value #SPIN_NANOS} ns while the peer's message was that quick the last time: the peer is a thread of the
 * same process computing the same round, and parking and being woken costs more than that (a futex wake
 * and a context switch each way). A peer that keeps the receiver waiting longer (a slow layer, a simulated
 * link's delay, a paused step) turns the spinning off until a message comes quickly again.
 */
public final class InMemoryChannel implements Channel {
    private static final long SPIN_NANOS = 50_000;
    private static final byte[] CLOSED = new byte[0];
    private static final byte[] ABORTED = new byte[0];

    private final BlockingQueue<byte[]> in;
    private final BlockingQueue<byte[]> out;
    private final long timeoutNanos;
    private final InMemoryChannel[] ends;
    private volatile boolean closed;
    private volatile String abortReason;
    /** Whether the last message came within the spin window (only the receiving thread uses it). */
    private boolean quick = true;

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
            byte[] m = in.poll();
            if (m == null && quick) {
                long until = System.nanoTime() + SPIN_NANOS;
                while ((m = in.poll()) == null && System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
            }
            if (m == null) {
                long parked = System.nanoTime();
                m = in.poll(timeoutNanos, TimeUnit.NANOSECONDS);
                quick = System.nanoTime() - parked <= SPIN_NANOS;
            } else {
                quick = true;
            }
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
