package io.sonic.engine.dealer;

import io.sonic.engine.Plan;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-process dealer ({@link DealStream}) hands each party the payloads the dealer makes, in plan order, and
 * never runs more than its budget (plus one item) ahead of a party.
 */
class DealStreamTest {
    private static final SecureConfig FSS = SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS);

    @Test
    void bothPartiesGetTheDealersPayloadsInOrderAndTheDealerStaysWithinItsBudget() throws Exception {
        List<Need<?>> plan = Plan.of(new SampleModels("mnist-m2").graph(), FSS);
        byte[] s0 = io.sonic.engine.crypto.Prg.newSeed();
        byte[] s1 = io.sonic.engine.crypto.Prg.newSeed();
        Dealer.Dealt dealt = new Dealer.Dealt(plan, s0, s1, null, 8);
        long largest = 0;
        for (Iterator<Payload[]> it = dealt.payloadsOfBoth(); it.hasNext(); ) {
            Payload[] pair = it.next();
            largest = Math.max(largest, 8 * Math.max(pair[0].longs(), pair[1].longs()));
        }
        long budget = 1L << 20;
        assertTrue(Dealer.offlineBytesOf(plan) > 8 * budget, "the query is larger than the budget");
        Iterator<Payload[]> direct = new Dealer.Dealt(plan, s0, s1, null, 8).payloadsOfBoth();
        try (DealStream stream = new DealStream(dealt, budget, Duration.ofSeconds(30), "test-dealer")) {
            stream.awaitFilled();
            long most = 0;
            for (int i = 0; i < plan.size(); i++) {
                Payload[] want = direct.next();
                // party 0 takes an item, then party 1: the protocols stay within a layer of each other
                for (int p = 0; p < 2; p++) {
                    most = Math.max(most, stream.aheadBytes(p));
                    Payload got = stream.of(p).next();
                    assertEquals(want[p].parts().length, got.parts().length, "item " + i);
                    for (int j = 0; j < got.parts().length; j++) {
                        assertArrayEquals(want[p].parts()[j], got.parts()[j], "item " + i + " of party " + p);
                    }
                }
            }
            assertFalse(stream.of(0).hasNext());
            assertFalse(stream.of(1).hasNext());
            assertTrue(most <= budget + largest + 1024, "the dealer ran " + most + " bytes ahead with a budget of "
                    + budget + " (largest item " + largest + ")");
            assertTrue(most > 0, "the dealer ran ahead at all");
        }
    }

    @Test
    void closingAQueryThatStoppedEarlyStopsItsDealer() throws Exception {
        List<Need<?>> plan = Plan.of(new SampleModels("mnist-m2").graph(), FSS);
        DealStream stream = new DealStream(Dealer.deal(plan, null, 8), 64 << 10, Duration.ofSeconds(30),
                "test-dealer");
        stream.awaitFilled();
        stream.of(0).next();
        assertTrue(stream.dealing(), "the dealer waits for room");
        stream.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (stream.dealing()) {
            assertTrue(System.nanoTime() < deadline, "the dealer did not stop within 5 s");
            Thread.sleep(10);
        }
    }
}
