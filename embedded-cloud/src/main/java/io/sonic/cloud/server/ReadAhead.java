package io.sonic.cloud.server;

import io.sonic.engine.dealer.Payload;

import java.io.Closeable;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads a server's dealer answer ahead of its protocols, on a thread of its own, up to a budget of bytes:
 * a small query's keys are all read while the session sets up, a large one's stay at most a budget (plus the
 * one item being read) ahead of what the protocols have taken. Every wait is bounded; {@link #close} stops the reader and closes the
 * stream.
 */
final class ReadAhead implements Iterator<Payload>, Closeable {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Semaphore budget;
    private final int budgetKiB;
    private final int items;
    private final Duration timeout;
    private final Thread reader;
    private final Closeable stream;
    private final java.util.concurrent.CountDownLatch filled = new java.util.concurrent.CountDownLatch(1);
    private int taken;

    /**
     * @param source the decoded answer, read on the reader thread
     * @param items  how many items the plan has
     */
    ReadAhead(Iterator<Payload> source, int items, Closeable stream, long budgetBytes, Duration timeout, String name) {
        this.items = items;
        this.stream = stream;
        this.timeout = timeout;
        this.budgetKiB = (int) Math.max(1, budgetBytes >> 10);
        this.budget = new Semaphore(budgetKiB);
        this.queue = new ArrayBlockingQueue<>(Math.max(2, items + 1));
        this.reader = new Thread(() -> {
            try {
                while (source.hasNext()) {
                    Payload p = source.next();
                    if (!budget.tryAcquire(kib(p))) {
                        filled.countDown();
                        budget.acquire(kib(p));
                    }
                    queue.put(p);
                }
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                queue.offer(e);
            } finally {
                filled.countDown();
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }

    private int kib(Payload p) {
        return (int) Math.min(budgetKiB, Math.max(1, (8 * p.longs()) >> 10));
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
        return taken < items;
    }

    @Override
    public Payload next() {
        if (taken >= items) {
            throw new NoSuchElementException();
        }
        Object o;
        try {
            o = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the dealer's answer");
        }
        if (o == null) {
            throw new IllegalStateException("the dealer's answer stalled: no item for " + timeout.toSeconds() + " s");
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o == END) {
            throw new IllegalStateException("the dealer's answer ended before item " + taken + " of the plan");
        }
        Payload p = (Payload) o;
        budget.release(kib(p));
        taken++;
        return p;
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
