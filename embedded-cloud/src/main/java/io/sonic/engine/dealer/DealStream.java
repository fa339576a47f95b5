package io.sonic.engine.dealer;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
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
    private final PayloadQueue[] parties;
    private final Duration timeout;
    private final Thread dealer;
    private final CountDownLatch filled = new CountDownLatch(1);

    /**
     * Starts dealing {@code dealt} at once.
     *
     * @param budgetBytes how far the dealer may run ahead of each party
     * @param timeout     the longest wait of a party for its next item, and for the dealer to fill its budget
     */
    public DealStream(Dealer.Dealt dealt, long budgetBytes, Duration timeout, String name) {
        int items = dealt.plan().size();
        this.timeout = timeout;
        this.parties = new PayloadQueue[] {new PayloadQueue(items, budgetBytes, timeout, filled, "the dealer"),
                new PayloadQueue(items, budgetBytes, timeout, filled, "the dealer")};
        this.dealer = new Thread(() -> {
            try {
                for (Iterator<Payload[]> it = dealt.payloadsOfBoth(); it.hasNext(); ) {
                    Payload[] pair = it.next();
                    parties[0].put(pair[0]);
                    parties[1].put(pair[1]);
                }
                parties[0].end();
                parties[1].end();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | OutOfMemoryError e) {
                RuntimeException failure = e instanceof RuntimeException r ? r
                        : new IllegalStateException("the dealer ran out of memory");
                parties[0].fail(failure);
                parties[1].fail(failure);
            } finally {
                filled.countDown();
            }
        }, name);
        dealer.setDaemon(true);
        dealer.start();
    }

    /** Bytes of the payloads dealt to party {@code p} and not yet taken. */
    long aheadBytes(int p) {
        return parties[p].aheadBytes();
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
