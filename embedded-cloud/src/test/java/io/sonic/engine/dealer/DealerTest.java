package io.sonic.engine.dealer;

import io.sonic.model.geometry.MatMulGeometry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DealerTest {
    private static final Bilinear MATMUL = Bilinear.matmul(MatMulGeometry.of(new int[] {2, 5}, false,
            new int[] {5, 3}, false), 15, 10, false);

    private static long[] sum(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    private static Randomness[] parties(List<Need> plan) {
        Dealer.Dealt d = Dealer.deal(plan, null, 4);
        return new Randomness[] {Randomness.forParty(0, plan, d, null), Randomness.forParty(1, plan, d, null)};
    }

    @Test
    void triplesSatisfyCEqualsFOfAAndB() {
        List<Need> plan = List.of(new Need.Triple(0, MATMUL, false));
        Randomness[] r = parties(plan);
        long[][] t0 = r[0].triple(0).take();
        long[][] t1 = r[1].triple(0).take();
        long[] a = sum(t0[0], t1[0]);
        long[] b = sum(t0[1], t1[1]);
        // A is the weight operand (5x3), B the input (2x5)
        assertArrayEquals(MATMUL.apply(a, b), sum(t0[2], t1[2]));
    }

    @Test
    void andTriplesBitMultsAndTruncationPairsAreConsistent() {
        int f = 13;
        List<Need> plan = List.of(new Need.Ands(1, 7), new Need.BitMults(2, 100, 2), new Need.Truncs(3, 50, f));
        Randomness[] r = parties(plan);
        long[][] a0 = r[0].ands(1).take(7);
        long[][] a1 = r[1].ands(1).take(7);
        for (int i = 0; i < 7; i++) {
            assertEquals((a0[0][i] ^ a1[0][i]) & (a0[1][i] ^ a1[1][i]), a0[2][i] ^ a1[2][i]);
        }
        long[][] b0 = r[0].bitMults(2).take();
        long[][] b1 = r[1].bitMults(2).take();
        for (int i = 0; i < 100; i++) {
            long t = ((b0[0][i >>> 6] ^ b1[0][i >>> 6]) >>> (i & 63)) & 1;
            assertEquals(t, b0[1][i] + b1[1][i], "arithmetic share of the bit");
            for (int k = 0; k < 2; k++) {
                int idx = k * 100 + i;
                assertEquals((b0[2][idx] + b1[2][idx]) * t, b0[3][idx] + b1[3][idx], "a·t");
            }
        }
        long[][] t0 = r[0].truncs(3).take();
        long[][] t1 = r[1].truncs(3).take();
        for (int i = 0; i < 50; i++) {
            long rr = t0[0][i] + t1[0][i];
            assertEquals(rr >>> f, t0[1][i] + t1[1][i]);
            assertEquals(rr >>> 63, t0[2][i] + t1[2][i]);
        }
    }

    @Test
    void aTripleCannotBeUsedTwice() {
        List<Need> plan = List.of(new Need.Triple(0, MATMUL, false));
        Randomness r = parties(plan)[0];
        Material.Triple t = r.triple(0);
        t.take();
        assertTrue(t.isUsed());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::take);
        assertTrue(e.getMessage().contains("single-use"), e.getMessage());
        // nor can the randomness hand the item out again: the plan has moved on
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> r.triple(0));
        assertTrue(again.getMessage().contains("no correlated randomness left"), again.getMessage());
    }

    @Test
    void andTriplesAreHandedOutOnceWordByWord() {
        Randomness r = parties(List.of(new Need.Ands(0, 4)))[0];
        Material.Ands a = r.ands(0);
        long[][] first = a.take(3);
        long[][] second = a.take(1);
        assertFalse(Arrays.equals(first[0], second[0]));
        assertThrows(IllegalStateException.class, () -> a.take(1));
    }

    @Test
    void askingOutOfStepFails() {
        Randomness r = parties(List.of(new Need.Ands(0, 1), new Need.Truncs(0, 3, 16)))[1];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.truncs(0));
        assertTrue(e.getMessage().contains("out of step"), e.getMessage());
    }

    @Test
    void everyQueryGetsFreshSeeds() {
        List<Need> plan = List.of(new Need.Triple(0, MATMUL, false));
        Dealer.Dealt d1 = Dealer.deal(plan, null, 1);
        Dealer.Dealt d2 = Dealer.deal(plan, null, 1);
        assertFalse(Arrays.equals(d1.seed0(), d2.seed0()));
        assertFalse(Arrays.equals(d1.seed1(), d2.seed1()));
        assertFalse(Arrays.equals(d1.corrections().get(0), d2.corrections().get(0)));
    }

    @Test
    void maskReuseKeepsAFixedAcrossQueriesButFreshB() {
        MaskSeeds masks = MaskSeeds.fresh();
        List<Need> plan = List.of(new Need.Triple(0, MATMUL, true));
        long[][][] seen = new long[2][][];
        for (int q = 0; q < 2; q++) {
            Dealer.Dealt d = Dealer.deal(plan, masks, 1);
            long[][] t0 = Randomness.forParty(0, plan, d, masks).triple(0).take();
            long[][] t1 = Randomness.forParty(1, plan, d, masks).triple(0).take();
            assertArrayEquals(MATMUL.apply(sum(t0[0], t1[0]), sum(t0[1], t1[1])), sum(t0[2], t1[2]));
            seen[q] = new long[][] {t0[0], t0[1]};
        }
        assertArrayEquals(seen[0][0], seen[1][0], "the weight mask A is the model's");
        assertFalse(Arrays.equals(seen[0][1], seen[1][1]), "the input mask B is fresh per query");
    }
}
