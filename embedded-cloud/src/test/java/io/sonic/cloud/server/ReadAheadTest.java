package io.sonic.cloud.server;

import io.sonic.engine.dealer.Payload;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the dealer's answer ahead: within its budget, every wait bounded, a failure passed on. */
class ReadAheadTest {
    private static Iterator<Payload> items(int n, int longs, AtomicInteger read, CountDownLatch stallAfter) {
        return new Iterator<>() {
            int k;

            @Override
            public boolean hasNext() {
                return k < n;
            }

            @Override
            public Payload next() {
                if (stallAfter != null && k == 2) {
                    try {
                        stallAfter.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("the dealer's answer broke off (interrupted)");
                    }
                }
                k++;
                read.incrementAndGet();
                return new Payload(new long[longs]);
            }
        };
    }

    @Test
    void itReadsAtMostItsBudgetAheadAndHandsOutEveryItemInOrder() throws Exception {
        AtomicInteger read = new AtomicInteger();
        // 128 KiB items, a 512 KiB budget: at most 4 items ahead
        try (ReadAhead r = new ReadAhead(items(20, 16384, read, null), 20, () -> { }, 512 << 10,
                Duration.ofSeconds(5), "test")) {
            r.awaitFilled();
            assertTrue(read.get() >= 4, "filled: the budget is taken before the online phase starts");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (read.get() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
            assertEquals(5, read.get(), "four items within the budget, the fifth read and waiting for room");
            int n = 0;
            while (r.hasNext()) {
                assertEquals(16384, r.next().longs());
                n++;
            }
            assertEquals(20, n);
            assertFalse(r.hasNext());
        }
    }

    @Test
    void aStalledDealerFailsTheWaitAndCloseStopsTheReader() throws Exception {
        AtomicInteger read = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        ReadAhead r = new ReadAhead(items(5, 8, read, never), 5, closed::countDown, 1 << 20,
                Duration.ofMillis(300), "test");
        r.next();
        r.next();
        IllegalStateException e = assertThrows(IllegalStateException.class, r::next);
        assertTrue(e.getMessage().contains("stalled"), e.getMessage());
        r.close();
        assertTrue(closed.await(2, TimeUnit.SECONDS), "closing closes the stream");
    }

    @Test
    void aBrokenAnswerIsPassedOnWithItsMessage() {
        Iterator<Payload> broken = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Payload next() {
                throw new IllegalStateException("the dealer's answer broke off (EOFException)");
            }
        };
        try (ReadAhead r = new ReadAhead(broken, 3, () -> { }, 1 << 20, Duration.ofSeconds(5), "test")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, r::next);
            assertEquals("the dealer's answer broke off (EOFException)", e.getMessage());
        }
    }
}
