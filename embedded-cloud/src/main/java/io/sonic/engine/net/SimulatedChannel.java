package io.sonic.engine.net;

import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link LinkProfile} applied to this side's outgoing direction of a channel: each message goes to the
 * channel below at the moment the profile says it arrives, {@code max(now, link busy) + bytes·8/bandwidth +
 * latency} (plus a uniform 0..jitter, never overtaking an earlier message). A lone {@link #send} is
 * delivered by a thread of the channel's own, so that a sender is never held up by latency (messages in
 * flight overlap as on a network); in a round ({@link #exchange}) the sending thread, which waits for the
 * peer's message anyway, holds its own until it arrives. Both
 * ends of a link wrap their own side, so the two directions are simulated independently. Jitter uses a
 * non-cryptographic random source: it shapes timing only.
 */
public final class SimulatedChannel extends ForwardingChannel {
    /**
     * Sleep until this close to a delivery, then spin. A park overshoots by the thread's timer slack and
     * its wake-up: on the project's machine {@code parkNanos(200 µs)} returned 89 µs late at the median and
     * 116 µs at p90, so with 80 µs here a simulated LAN round cost 272–322 µs for its 250 µs of latency, and
     * with 160 µs 254–275 µs.
     */
    private static final long SPIN_NANOS = 160_000;
    private static final long CLOSE_GRACE_NANOS = 2_000_000_000L;

    private record Pending(long dueNanos, byte[] message) {
    }

    private final LinkProfile profile;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Thread deliverer;
    private long busyUntil;
    private long lastDue;
    private boolean stopping;
    private volatile RuntimeException failure;

    SimulatedChannel(Channel inner, LinkProfile profile) {
        super(inner);
        this.profile = profile;
        this.busyUntil = System.nanoTime();
        this.lastDue = busyUntil;
    }

    @Override
    public void send(byte[] message) {
        synchronized (queue) {
            queue.add(new Pending(due(message.length), message));
            if (deliverer == null) {
                deliverer = new Thread(this::deliver, "sonic-link-" + profile.name());
                deliverer.setDaemon(true);
                deliverer.start();
            }
            queue.notifyAll();
        }
    }

    /** When a message of {@code bytes} sent now arrives (and the link is busy until it is on the wire). */
    private long due(int bytes) {
        RuntimeException f = failure;
        if (f != null) {
            throw new ChannelException(f.getMessage(), f);
        }
        long now = System.nanoTime();
        synchronized (queue) {
            if (stopping) {
                throw new ChannelException("channel closed");
            }
            busyUntil = Math.max(now, busyUntil) + profile.transmitNanos(bytes);
            long jitter = profile.jitterNanos() == 0 ? 0 : ThreadLocalRandom.current().nextLong(profile.jitterNanos() + 1);
            lastDue = Math.max(lastDue, busyUntil + profile.latencyNanos() + jitter);
            return lastDue;
        }
    }

    /**
     * A round on a simulated link. Both servers send at once and each waits for the other's message, so the
     * round ends when both messages have arrived; the calling thread itself holds its message until it
     * arrives and then hands it on (one thread hand-off fewer than the delivery thread), unless earlier
     * messages are still in flight, which it must not overtake.
     */
    @Override
    public byte[] exchange(String what, byte[] message) {
        boolean inFlight;
        synchronized (queue) {
            inFlight = !queue.isEmpty();
        }
        if (inFlight) {
            send(message);
        } else {
            waitUntil(due(message.length));
            inner.send(message);
        }
        try {
            return inner.receive();
        } catch (ChannelTimeoutException e) {
            throw e.during(what);
        }
    }

    /** Sleeps until shortly before {@code due}, then spins: parking alone overshoots by tens of microseconds. */
    private static void waitUntil(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            if (wait > SPIN_NANOS) {
                LockSupport.parkNanos(wait - SPIN_NANOS);
                if (Thread.currentThread().isInterrupted()) {
                    throw new ChannelException("interrupted while the simulated link delayed a message");
                }
            } else {
                Thread.onSpinWait();
            }
        }
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
            try {
                waitUntil(p.dueNanos);
            } catch (ChannelException interrupted) {
                return;
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
        Thread d;
        synchronized (queue) {
            d = deliverer;
        }
        if (d != null && Thread.currentThread() != d) {
            d.interrupt();
        }
    }
}
