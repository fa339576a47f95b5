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
 * The dealer of one query in this process, on a thread of its own: it computes each item's payloads for both
 * parties as {@link Dealer.Dealt#payloadsOfBoth} does and keeps each party at most a budget of bytes (plus
 * the one item being handed over) ahead of what that party's protocols have taken. A small query is thus
 * dealt whole before its online phase, as before; a large one (ResNet, or the FSS suite's keys) never holds
 * more than the budget per party in memory, the rest being dealt while the online phase runs, the way the
 * servers read the dealer service's streamed answer. Both parties take the items in the same order and stay
 * within a layer of each other, so a party waiting for an item always has the other one freeing room.
 */
public final class DealStream implements AutoCloseable {
    private static final Object END = new Object();

    private final int items;
    private final int budgetKiB;
    private final Duration timeout;
    private final Party[] parties;
    private final Thread dealer;
    private final CountDownLatch filled = new CountDownLatch(1);

    /** One party's side: the items dealt and not yet taken, and its room. */
    private final class Party implements Iterator<Payload> {
        final BlockingQueue<Object> queue;
        final Semaphore room;
        int taken;

        Party() {
            queue = new ArrayBlockingQueue<>(Math.max(2, items + 1));
            room = new Semaphore(budgetKiB);
        }

        void put(Payload p) throws InterruptedException {
            if (!room.tryAcquire(kib(p))) {
                filled.countDown();
                room.acquire(kib(p));
            }
            queue.put(p);
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
                throw new IllegalStateException("interrupted while waiting for the dealer");
            }
            if (o == null) {
                throw new IllegalStateException("the dealer made no item for " + timeout.toSeconds() + " s");
            }
            if (o instanceof RuntimeException e) {
                throw e;
            }
            if (o == END) {
                throw new IllegalStateException("the dealer ended before item " + taken + " of the plan");
            }
            Payload p = (Payload) o;
            room.release(kib(p));
            taken++;
            return p;
        }
    }

    /**
     * Starts dealing {@code dealt} (a plan of {@code items} items) at once.
     *
     * @param budgetBytes how far the dealer may run ahead of each party
     * @param timeout     the longest wait of a party for its next item
     */
    public DealStream(Dealer.Dealt dealt, int items, long budgetBytes, Duration timeout, String name) {
        this.items = items;
        this.timeout = timeout;
        this.budgetKiB = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes >> 10));
        this.parties = new Party[] {new Party(), new Party()};
        this.dealer = new Thread(() -> {
            try {
                for (Iterator<Payload[]> it = dealt.payloadsOfBoth(); it.hasNext(); ) {
                    Payload[] pair = it.next();
                    parties[0].put(pair[0]);
                    parties[1].put(pair[1]);
                }
                parties[0].queue.put(END);
                parties[1].queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | OutOfMemoryError e) {
                RuntimeException failure = e instanceof RuntimeException r ? r
                        : new IllegalStateException("the dealer ran out of memory");
                parties[0].queue.offer(failure);
                parties[1].queue.offer(failure);
            } finally {
                filled.countDown();
            }
        }, name);
        dealer.setDaemon(true);
        dealer.start();
    }

    /** Payloads of a whole item count against the budget, at most the budget itself (a larger item still passes). */
    private int kib(Payload p) {
        return (int) Math.min(budgetKiB, Math.max(1, (8 * p.longs()) >> 10));
    }

    /** Bytes of the payloads dealt to party {@code p} and not yet taken. */
    long aheadBytes(int p) {
        long n = 0;
        for (Object o : parties[p].queue) {
            n += o instanceof Payload q ? 8 * q.longs() : 0;
        }
        return n;
    }

    /** Whether the dealer's thread still runs. */
    boolean dealing() {
        return dealer.isAlive();
    }

    /** Party {@code p}'s payloads, in plan order. */
    public Iterator<Payload> of(int p) {
        return parties[p];
    }

    /**
     * Waits until the whole query is dealt or a party's budget is full (at most {@code timeout}): the online
     * phase then starts with its randomness at hand.
     */
    public void awaitFilled() {
        try {
            filled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the dealer (a query that failed leaves it waiting for room otherwise). */
    @Override
    public void close() {
        dealer.interrupt();
    }
}
