package io.sonic.engine.dealer;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One party's dealer payloads on their way to its protocols, in plan order, within a budget of bytes: the
 * thread that makes or reads them ({@link #put}) waits while the payloads not yet taken fill the budget
 * (an item larger than the whole budget still passes, alone), and the protocols ({@link #next}) wait at
 * most a timeout for the next item. The dealer in this process ({@link DealStream}) and a server reading the
 * dealer service's answer both hand payloads over through it.
 */
public final class PayloadQueue implements Iterator<Payload> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Semaphore room;
    private final int budgetKiB;
    private final int items;
    private final Duration timeout;
    private final CountDownLatch filled;
    private final String source;
    private int taken;

    /**
     * @param items  how many items the plan has
     * @param filled counted down when a put first has to wait for room (the budget is full)
     * @param source what makes the payloads, for messages ("the dealer", "the dealer's answer")
     */
    public PayloadQueue(int items, long budgetBytes, Duration timeout, CountDownLatch filled, String source) {
        this.items = items;
        this.timeout = timeout;
        this.filled = filled;
        this.source = source;
        this.budgetKiB = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes >> 10));
        this.room = new Semaphore(budgetKiB);
        this.queue = new ArrayBlockingQueue<>(Math.max(2, items + 1));
    }

    /** Hands over the next item, waiting while the budget is full. */
    public void put(Payload p) throws InterruptedException {
        if (!room.tryAcquire(kib(p))) {
            filled.countDown();
            room.acquire(kib(p));
        }
        queue.put(p);
    }

    /** Says that every item has been handed over. */
    public void end() throws InterruptedException {
        queue.put(END);
    }

    /** Makes the protocols' next wait fail with {@code e}. */
    public void fail(RuntimeException e) {
        queue.offer(e);
    }

    private int kib(Payload p) {
        return (int) Math.min(budgetKiB, Math.max(1, (8 * p.longs()) >> 10));
    }

    /** Bytes of the payloads handed over and not yet taken. */
    public long aheadBytes() {
        long n = 0;
        for (Object o : queue) {
            n += o instanceof Payload q ? 8 * q.longs() : 0;
        }
        return n;
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
            throw new IllegalStateException("interrupted while waiting for " + source);
        }
        if (o == null) {
            throw new IllegalStateException(source + " stalled: no item for " + timeout.toSeconds() + " s");
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o == END) {
            throw new IllegalStateException(source + " ended before item " + taken + " of the plan");
        }
        Payload p = (Payload) o;
        room.release(kib(p));
        taken++;
        return p;
    }
}
