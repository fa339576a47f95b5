package io.sonic.engine.net;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A batch of N queries on one link: each sample's protocol run has its own member channel, and every round
 * carries all N samples' messages in one message, so a batch costs as many rounds as one query. The members
 * run the same protocol code on the same model (protocols are oblivious: each round's message sizes are
 * the same for every input), so the round's k-th part belongs to sample k on both servers. The last member
 * to reach a round sends the joined message and hands each member its part of the peer's; a sample that
 * fails must {@link #abort} the batch, which ends it for all (and for the peer's batch too). Only rounds
 * ({@link Channel#exchange}) are batched: a member's lone {@code send} or {@code receive} is refused.
 */
public final class BatchChannel implements AutoCloseable {
    private final Channel link;
    private final int size;
    private final long timeoutNanos;
    private final byte[][] parts;
    private final byte[][] replies;
    /** Each member's thread while it waits for a round, so that the round's last member wakes exactly it. */
    private final AtomicReferenceArray<Thread> waiting;
    private final AtomicInteger arrived = new AtomicInteger();
    /**
     * Rounds completed. Written once per round by its last member after every reply is in place (a volatile
     * write), read by the waiting members: a member that sees it move finds its reply.
     */
    private volatile long round;
    private volatile RuntimeException failure;
    private volatile boolean closed;

    /** {@code size} members over {@code link}; a member waits at most {@code timeout} for the others. */
    public BatchChannel(Channel link, int size, Duration timeout) {
        if (size < 1) {
            throw new IllegalArgumentException("a batch has at least one sample");
        }
        this.link = link;
        this.size = size;
        this.timeoutNanos = timeout.toNanos();
        this.parts = new byte[size][];
        this.replies = new byte[size][];
        this.waiting = new AtomicReferenceArray<>(size);
    }

    public int size() {
        return size;
    }

    /** Sample {@code k}'s channel (0 ≤ k < size). */
    public Channel member(int k) {
        if (k < 0 || k >= size) {
            throw new IllegalArgumentException("no sample " + k + " in a batch of " + size);
        }
        return new Member(k);
    }

    /**
     * Without a lock: each member parks on its own and the round's last member, which alone touches the shared
     * arrays between the arrival count reaching {@code size} and the round moving on, wakes each one directly.
     */
    private byte[] exchange(int k, String what, byte[] message) {
        check();
        if (parts[k] != null) {
            throw new IllegalStateException("sample " + k + " opened a round twice");
        }
        long mine = round;
        waiting.set(k, Thread.currentThread());
        parts[k] = message;
        if (arrived.incrementAndGet() == size) {
            runRound(what);
        } else {
            long deadline = System.nanoTime() + timeoutNanos;
            while (round == mine && failure == null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail(new ChannelException("the other samples of the batch did not reach the round within "
                            + timeoutNanos / 1_000_000 + " ms"));
                    break;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    fail(new ChannelException("interrupted while waiting for the batch's round"));
                }
            }
        }
        waiting.set(k, null);
        if (round == mine) {
            // the round did not happen: the batch failed (or this wait timed out, which failed it)
            check();
            throw new ChannelException("the batch's round did not happen");
        }
        byte[] r = replies[k];
        replies[k] = null;
        return r;
    }

    /** Sends all parts as one message and splits the peer's (the peer's parts have this side's sizes). */
    private void runRound(String what) {
        long total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        if (total > Integer.MAX_VALUE - 16) {
            fail(new ChannelException("a batched round of " + total + " bytes is too large; use a smaller batch"));
            return;
        }
        byte[] joined = new byte[(int) total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, joined, at, p.length);
            at += p.length;
        }
        byte[] peer;
        try {
            peer = link.exchange(what, joined);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        if (peer.length != joined.length) {
            fail(new ChannelException("the other server's batched round has " + peer.length + " bytes, not "
                    + joined.length + ": the two servers run different batches"));
            return;
        }
        at = 0;
        for (int i = 0; i < size; i++) {
            replies[i] = java.util.Arrays.copyOfRange(peer, at, at + parts[i].length);
            at += parts[i].length;
            parts[i] = null;
        }
        arrived.set(0);
        round++;
        Thread self = Thread.currentThread();
        for (int i = 0; i < size; i++) {
            Thread t = waiting.get(i);
            if (t != null && t != self) {
                LockSupport.unpark(t);
            }
        }
    }

    private void check() {
        RuntimeException f = failure;
        if (f != null) {
            throw f instanceof ChannelException c ? new ChannelException(c.getMessage(), c)
                    : new ChannelException("the batch failed: " + f.getMessage(), f);
        }
        if (closed) {
            throw new ChannelException("the batch's channel is closed");
        }
    }

    private void fail(RuntimeException e) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = e;
        }
        wakeAll();
    }

    private void wakeAll() {
        for (int i = 0; i < size; i++) {
            Thread t = waiting.get(i);
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Ends the batch for every member and the link with a reason (words only). */
    public void abort(String reason) {
        fail(new ChannelException(reason));
        link.abort(reason);
    }

    @Override
    public void close() {
        closed = true;
        wakeAll();
        link.close();
    }

    private final class Member implements Channel {
        private final int k;

        Member(int k) {
            this.k = k;
        }

        @Override
        public byte[] exchange(String what, byte[] message) {
            // a batch of one is the link itself (no joining, no copies)
            return size == 1 ? link.exchange(what, message) : BatchChannel.this.exchange(k, what, message);
        }

        @Override
        public void send(byte[] message) {
            throw new IllegalStateException("a sample of a batch only exchanges rounds");
        }

        @Override
        public byte[] receive() {
            throw new IllegalStateException("a sample of a batch only exchanges rounds");
        }

        @Override
        public void abort(String reason) {
            BatchChannel.this.abort(reason);
        }

        /** The batch closes as a whole ({@link BatchChannel#close}); a failed sample aborts it. */
        @Override
        public void close() {
        }
    }
}
