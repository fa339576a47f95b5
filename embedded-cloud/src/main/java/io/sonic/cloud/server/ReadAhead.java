package io.sonic.cloud.server;

import io.sonic.engine.dealer.Payload;
import io.sonic.engine.dealer.PayloadQueue;

import java.io.Closeable;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Reads a server's dealer answer ahead of its protocols, on a thread of its own, up to a budget of bytes:
 * a small query's keys are all read while the session sets up, a large one's stay at most a budget (plus the
 * one item being read) ahead of what the protocols have taken. Every wait is bounded; {@link #close} stops the reader and closes the
 * stream.
 */
final class ReadAhead implements Iterator<Payload>, Closeable {
    private final PayloadQueue queue;
    private final Duration timeout;
    private final Thread reader;
    private final Closeable stream;
    private final java.util.concurrent.CountDownLatch filled = new java.util.concurrent.CountDownLatch(1);

    /**
     * @param source the decoded answer, read on the reader thread
     * @param items  how many items the plan has
     */
    ReadAhead(Iterator<Payload> source, int items, Closeable stream, long budgetBytes, Duration timeout, String name) {
        this.stream = stream;
        this.timeout = timeout;
        this.queue = new PayloadQueue(items, budgetBytes, timeout, filled, "the dealer's answer");
        this.reader = new Thread(() -> {
            try {
                while (source.hasNext()) {
                    queue.put(source.next());
                }
                queue.end();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                queue.fail(e);
            } finally {
                filled.countDown();
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Waits until the whole answer is read, the budget is full, or the answer failed (at most
     * {@code timeout}): the online phase then starts with its randomness at hand rather than waiting on the
     * dealer mid-protocol.
     */
    void awaitFilled() {
        try {
            filled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean hasNext() {
        return queue.hasNext();
    }

    @Override
    public Payload next() {
        return queue.next();
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            stream.close();
        } catch (java.io.IOException ignored) {
            // the stream is abandoned either way
        }
    }
}
