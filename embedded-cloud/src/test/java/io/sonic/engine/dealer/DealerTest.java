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

    private static Randomness[] parties(List<Need<?>> plan) {
        Dealer.Dealt d = Dealer.deal(plan, null, 4);
        return new Randomness[] {Randomness.dealt(0, d, null), Randomness.dealt(1, d, null)};
    }

    @Test
    void triplesSatisfyCEqualsFOfAAndB() {
        Need.Triple need = new Need.Triple(0, MATMUL, false);
        Randomness[] r = parties(List.of(need));
        Material.Triple t0 = r[0].take(need);
        Material.Triple t1 = r[1].take(need);
        // A is the weight operand (5x3), B the input (2x5)
        assertArrayEquals(MATMUL.apply(sum(t0.a(), t1.a()), sum(t0.b(), t1.b())), sum(t0.c(), t1.c()));
    }

    @Test
    void andTriplesBitMultsAndTruncationPairsAreConsistent() {
        int f = 13;
        Need.Ands ands = new Need.Ands(1, 7);
        Need.BitMults bits = new Need.BitMults(2, 100, 2);
        Need.Truncs truncs = new Need.Truncs(3, 50, f);
        Randomness[] r = parties(List.of(ands, bits, truncs));
        long[][] a0 = r[0].take(ands).take(7);
        long[][] a1 = r[1].take(ands).take(7);
        for (int i = 0; i < 7; i++) {
            assertEquals((a0[0][i] ^ a1[0][i]) & (a0[1][i] ^ a1[1][i]), a0[2][i] ^ a1[2][i]);
        }
        Material.BitMults b0 = r[0].take(bits);
        Material.BitMults b1 = r[1].take(bits);
        for (int i = 0; i < 100; i++) {
            long t = ((b0.tBool()[i >>> 6] ^ b1.tBool()[i >>> 6]) >>> (i & 63)) & 1;
            assertEquals(t, b0.tArith()[i] + b1.tArith()[i], "arithmetic share of the bit");
            for (int k = 0; k < 2; k++) {
                int idx = k * 100 + i;
                assertEquals((b0.a()[idx] + b1.a()[idx]) * t, b0.at()[idx] + b1.at()[idx], "a·t");
            }
        }
        Material.Truncs t0 = r[0].take(truncs);
        Material.Truncs t1 = r[1].take(truncs);
        for (int i = 0; i < 50; i++) {
            long rr = t0.r()[i] + t1.r()[i];
            assertEquals(rr >>> f, t0.high()[i] + t1.high()[i]);
            assertEquals(rr >>> 63, t0.msb()[i] + t1.msb()[i]);
        }
    }

    @Test
    void anItemIsHandedOutOnce() {
        Need.Triple need = new Need.Triple(0, MATMUL, false);
        Randomness r = parties(List.of(need))[0];
        r.take(need);
        assertEquals(0, r.remaining());
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> r.take(need));
        assertTrue(again.getMessage().contains("no correlated randomness left"), again.getMessage());
    }

    @Test
    void andTriplesAreHandedOutOnceWordByWord() {
        Need.Ands need = new Need.Ands(0, 4);
        Material.Ands a = parties(List.of(need))[0].take(need);
        long[][] first = a.take(3);
        long[][] second = a.take(1);
        assertFalse(Arrays.equals(first[0], second[0]));
        assertThrows(IllegalStateException.class, () -> a.take(1));
    }

    @Test
    void askingOutOfStepOrForAnotherSizeFails() {
        Randomness r = parties(List.of(new Need.Ands(0, 1), new Need.Truncs(0, 3, 16)))[1];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.take(new Need.Truncs(0, 3, 16)));
        assertTrue(e.getMessage().contains("out of step"), e.getMessage());
        IllegalStateException size = assertThrows(IllegalStateException.class, () -> r.take(new Need.Ands(0, 2)));
        assertTrue(size.getMessage().contains("out of step") && size.getMessage().contains("words=2"),
                size.getMessage());
        Randomness t = parties(List.of(new Need.Triple(0, MATMUL, false)))[0];
        Bilinear other = Bilinear.matmul(MatMulGeometry.of(new int[] {2, 5}, false, new int[] {5, 4}, false), 20,
                10, false);
        assertThrows(IllegalStateException.class, () -> t.take(new Need.Triple(0, other, false)));
        assertThrows(IllegalStateException.class, () -> t.take(new Need.Triple(0, MATMUL, true)));
    }

    @Test
    void everyQueryGetsFreshSeedsAndPayloads() {
        List<Need<?>> plan = List.of(new Need.Triple(0, MATMUL, false));
        Dealer.Dealt d1 = Dealer.deal(plan, null, 1);
        Dealer.Dealt d2 = Dealer.deal(plan, null, 1);
        assertFalse(Arrays.equals(d1.seed0(), d2.seed0()));
        assertFalse(Arrays.equals(d1.seed1(), d2.seed1()));
        assertFalse(Arrays.equals(d1.payloads(1).next().part(0), d2.payloads(1).next().part(0)));
        assertEquals(0, d1.payloads(0).next().longs(), "party 0 derives a triple from its seed alone");
        assertEquals(8L * MATMUL.outputSize(), d1.offlineBytesPerLayer()[0]);
        assertEquals(2 * 16 + 8L * MATMUL.outputSize(), d1.offlineBytes());
    }

    @Test
    void maskReuseKeepsAFixedAcrossQueriesButFreshB() {
        MaskSeeds masks = MaskSeeds.fresh();
        Need.Triple need = new Need.Triple(0, MATMUL, true);
        long[][][] seen = new long[2][][];
        for (int q = 0; q < 2; q++) {
            Dealer.Dealt d = Dealer.deal(List.of(need), masks, 1);
            Material.Triple t0 = Randomness.dealt(0, d, masks).take(need);
            Material.Triple t1 = Randomness.dealt(1, d, masks).take(need);
            assertArrayEquals(MATMUL.apply(sum(t0.a(), t1.a()), sum(t0.b(), t1.b())), sum(t0.c(), t1.c()));
            seen[q] = new long[][] {t0.a(), t0.b()};
        }
        assertArrayEquals(seen[0][0], seen[1][0], "the weight mask A is the model's");
        assertFalse(Arrays.equals(seen[0][1], seen[1][1]), "the input mask B is fresh per query");
    }
}
