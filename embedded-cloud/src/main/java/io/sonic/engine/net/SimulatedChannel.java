package io.sonic.engine.net;

import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link LinkProfile} applied to this side's outgoing direction of a channel: each message goes to the
 * channel below at the moment the profile says it arrives, {@code max(now, link busy) + bytes·8/bandwidth +
 * latency} (plus a uniform 0..jitter, never overtaking an earlier message), from a delivery thread of its
 * own, so that a sender is never held up by latency (messages in flight overlap as on a network). Both
 * ends of a link wrap their own side, so the two directions are simulated independently. Jitter uses a
 * non-cryptographic random source: it shapes timing only.
 */
public final class SimulatedChannel extends ForwardingChannel {
    /** Sleep until this close to a delivery, then spin: parking alone overshoots by tens of microseconds. */
    private static final long SPIN_NANOS = 80_000;
    private static final long CLOSE_GRACE_NANOS = 2_000_000_000L;

    private record Pending(long dueNanos, byte[] message) {
    }

    private final LinkProfile profile;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread deliverer;
    private long busyUntil;
    private long lastDue;
    private boolean stopping;
    private volatile RuntimeException failure;

    SimulatedChannel(Channel inner, LinkProfile profile) {
        super(inner);
        this.profile = profile;
        this.busyUntil = System.nanoTime();
        this.lastDue = busyUntil;
        this.deliverer = new Thread(this::deliver, "sonic-link-" + profile.name());
        deliverer.setDaemon(true);
        deliverer.start();
    }

    public LinkProfile profile() {
        return profile;
    }

    @Override
    public void send(byte[] message) {
        RuntimeException f = failure;
        if (f != null) {
            throw new ChannelException(f.getMessage(), f);
        }
        long now = System.nanoTime();
        synchronized (queue) {
            if (stopping) {
                throw new ChannelException("channel closed");
            }
            busyUntil = Math.max(now, busyUntil) + profile.transmitNanos(message.length);
            long jitter = profile.jitterNanos() == 0 ? 0 : ThreadLocalRandom.current().nextLong(profile.jitterNanos() + 1);
            lastDue = Math.max(lastDue, busyUntil + profile.latencyNanos() + jitter);
            queue.add(new Pending(lastDue, message));
            queue.notifyAll();
        }
    }

    /** A round on a simulated link: the send is delayed (not forwarded as one exchange), the receive is not. */
    @Override
    public byte[] exchange(String what, byte[] message) {
        send(message);
        return inner.receive();
    }

    private void deliver() {
        while (true) {
            Pending p;
            synchronized (queue) {
                while (queue.isEmpty() && !stopping) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                p = queue.peek();
            }
            long wait;
            while ((wait = p.dueNanos - System.nanoTime()) > 0) {
                if (wait > SPIN_NANOS) {
                    LockSupport.parkNanos(wait - SPIN_NANOS);
                    if (Thread.interrupted()) {
                        return;
                    }
                } else {
                    Thread.onSpinWait();
                }
            }
            try {
                inner.send(p.message);
            } catch (RuntimeException e) {
                failure = e;
            }
            synchronized (queue) {
                queue.poll();
                queue.notifyAll();
            }
        }
    }

    /** Ends the link now: messages still in flight are dropped, as a reset connection drops them. */
    @Override
    public void abort(String reason) {
        stop(false);
        inner.abort(reason);
    }

    /** Closes once what is in flight has arrived (bounded), as a socket's close flushes. */
    @Override
    public void close() {
        stop(true);
        inner.close();
    }

    private void stop(boolean drain) {
        synchronized (queue) {
            stopping = true;
            if (!drain) {
                queue.clear();
            }
            long deadline = lastDue + CLOSE_GRACE_NANOS;
            while (!queue.isEmpty() && System.nanoTime() < deadline) {
                try {
                    queue.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            queue.clear();
            queue.notifyAll();
        }
        if (Thread.currentThread() != deliverer) {
            deliverer.interrupt();
        }
    }
}
