package io.sonic.desktop.learn;

import io.sonic.desktop.learn.Examples.Argmax;
import io.sonic.desktop.learn.Examples.Beaver;
import io.sonic.desktop.learn.Examples.IndexedPair;
import io.sonic.desktop.learn.Examples.MaskReuse;
import io.sonic.desktop.learn.Examples.MaxPool;
import io.sonic.desktop.learn.Examples.Msb;
import io.sonic.desktop.learn.Examples.Pair;
import io.sonic.desktop.learn.Examples.Sharing;
import io.sonic.desktop.learn.Examples.Truncation;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.protocol.MaxPoolProtocol;
import io.sonic.engine.protocol.MsbProtocol;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worked examples of the Learn pages are correct, for many seeds, and follow the engine's protocols. */
class LearnExamplesTest {
    private static final int SEEDS = 400;
    private static final Ring R = Examples.RING;

    private static LongStream seeds() {
        return LongStream.rangeClosed(1, SEEDS);
    }

    @Test
    void theExamplesAreIn8BitsAndTheFirstSecretIs23() {
        assertEquals(8, R.bits());
        assertEquals(256, R.modulus());
        assertEquals(23, Examples.sharing(1).x());
    }

    @Test
    void theFssReluWithTheEnginesDcfGivesDreluAndReluOfEverySecret() {
        java.util.Set<Integer> cs = new java.util.HashSet<>();
        seeds().forEach(seed -> {
            Examples.Fss e = Examples.fss(seed);
            String s = "seed " + seed;
            long x = R.signed(e.x());
            assertEquals(e.x(), R.add(e.x0(), e.x1()), s);
            assertEquals(e.r(), R.add(e.r0(), e.r1()), s);
            assertEquals(R.add(e.x(), e.r()), e.xHat(), s + ": x̂ = x + r");
            assertEquals(R.reduce(e.sigma() * e.c()), R.add(e.w0(), e.w1()), s + ": the keys give shares of σ·c");
            assertEquals(R.reduce(e.sigma() * e.r() * e.c()), R.add(e.z0(), e.z1()), s + ": and of σ·r·c");
            assertEquals(x >= 0 ? 1 : 0, e.d(), s + ": DReLU(" + x + ")");
            assertEquals(Math.max(x, 0), R.signed(e.y()), s + ": ReLU(" + x + ")");
            cs.add(e.c());
        });
        assertEquals(java.util.Set.of(0, 1), cs, "the seeds show both outcomes of the comparison");
    }

    @Test
    void sharesAddUpToTheSecretAndEachServerAddsItsOwn() {
        seeds().forEach(seed -> {
            Sharing e = Examples.sharing(seed);
            assertEquals(e.x(), R.add(e.x0(), e.x1()), "seed " + seed);
            assertEquals(e.x0(), R.sub(e.x(), e.x1()), "x0 = x − x1");
            assertEquals(e.y(), R.add(e.y0(), e.y1()));
            assertEquals(R.add(e.x0(), e.y0()), e.z0());
            assertEquals(R.add(e.x1(), e.y1()), e.z1());
            assertEquals(R.add(e.x(), e.y()), e.z());
            assertEquals(256, e.distinctX0(), "x0 takes every value once");
            assertEquals(256, e.distinctOtherX0());
        });
        long distinct = seeds().map(s -> Examples.sharing(s).x1()).distinct().count();
        assertTrue(distinct > 180, "the shares vary with the seed: " + distinct);
    }

    @Test
    void theBeaverProductsAddUpToWxAndOnlyServer0AddsEf() {
        seeds().forEach(seed -> {
            Beaver b = Examples.beaver(seed);
            String s = "seed " + seed;
            assertEquals(b.c(), R.mul(b.a(), b.b()), s + ": C = A·B");
            assertEquals(b.w(), R.add(b.w0(), b.w1()), s);
            assertEquals(b.x(), R.add(b.x0(), b.x1()), s);
            assertEquals(b.a(), R.add(b.a0(), b.a1()), s);
            assertEquals(b.b(), R.add(b.b0(), b.b1()), s);
            assertEquals(b.c(), R.add(b.c0(), b.c1()), s);
            assertEquals(R.sub(b.w(), b.a()), b.e(), s + ": E = W − A");
            assertEquals(R.sub(b.x(), b.b()), b.f(), s + ": F = X − B");
            assertEquals(R.sub(b.w0(), b.a0()), b.e0(), s);
            assertEquals(R.sub(b.x1(), b.b1()), b.f1(), s);
            // Z_i = [i = 0]·E·F + E·B_i + A_i·F + C_i
            long e = b.e();
            long f = b.f();
            assertEquals(R.add(R.mul(e, f), R.add(R.mul(e, b.b0()), R.add(R.mul(b.a0(), f), b.c0()))), b.z0(), s);
            assertEquals(R.add(R.mul(e, b.b1()), R.add(R.mul(b.a1(), f), b.c1())), b.z1(), s);
            assertEquals(R.mul(b.w(), b.x()), R.add(b.z0(), b.z1()), s + ": Z0 + Z1 = W·X mod 256");
            assertTrue(b.w() * b.x() < 256, "small secrets, so that W·X is seen without wrap-around");
            assertNotEquals(0, b.ef(), s + ": E·F is never 0, so adding it twice is visibly wrong");
            assertNotEquals(b.product(), R.add(b.z(), b.ef()), s);
        });
    }

    @Test
    void theCarryTreeHasTheEngineShapeFor64Bits() {
        assertEquals(List.of(63, 32, 16, 8, 4, 2, 1), CarryTree.segmentsPerLevel(64));
        assertEquals(List.of(63, 61, 31, 15, 7, 3, 1), CarryTree.gatesPerRound(64));
        assertEquals(MsbProtocol.ANDS_PER_LANE, CarryTree.gatesPerElement(64));
        assertEquals(MsbProtocol.ROUNDS, CarryTree.msbRounds(64));
        assertEquals(MsbProtocol.ROUNDS - 1, CarryTree.levels(64));
        assertEquals(List.of(7, 5, 3, 1), CarryTree.gatesPerRound(8));
        assertEquals(4, CarryTree.msbRounds(8));
    }

    @Test
    void theCarryTreeGivesTheMsbOfTheSumInEveryRingSize() {
        for (int bits = 3; bits <= 10; bits++) {
            Ring ring = new Ring(bits);
            for (long a = 0; a < ring.modulus(); a++) {
                for (long b = 0; b < ring.modulus(); b++) {
                    CarryTree.Evaluation t = CarryTree.evaluate(ring, a, b);
                    long sum = ring.add(a, b);
                    assertEquals(ring.msb(sum), t.msb(), bits + " bits: " + a + " + " + b);
                    long lowMask = (1L << (bits - 1)) - 1;
                    int carry = (int) ((((a & lowMask) + (b & lowMask)) >>> (bits - 1)) & 1);
                    assertEquals(carry, t.carry(), "carry into the top bit");
                    assertEquals(1, t.levels().get(t.levels().size() - 1).size());
                }
            }
        }
        Ring l64 = new Ring(64);
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            long a = rnd.nextLong();
            long b = i % 3 == 0 ? -a + rnd.nextInt(5) - 2 : rnd.nextLong();
            assertEquals((a + b) >>> 63, CarryTree.evaluate(l64, a, b).msb(), a + " + " + b);
        }
    }

    @Test
    void theMsbExampleEqualsTheRealMsbAndRelu() {
        seeds().forEach(seed -> {
            Msb m = Examples.msb(seed);
            assertEquals(m.x(), R.add(m.x0(), m.x1()));
            assertEquals(R.msb(m.x()), m.tree().msb(), "seed " + seed);
            assertEquals(MsbProtocol.idealDrelu(R.signed(m.x())), m.drelu());
            assertEquals(Math.max(0, R.signed(m.x())), m.relu());
            List<CarryTree.Segment> bits = m.tree().bits();
            for (int j = 0; j < 7; j++) {
                assertEquals(R.bit(m.x0(), j) & R.bit(m.x1(), j), bits.get(j).g(), "g = a ∧ b");
                assertEquals(R.bit(m.x0(), j) ^ R.bit(m.x1(), j), bits.get(j).p(), "p = a ⊕ b");
            }
            // the segment holding bit 0 never has its P computed, every other combined one has
            for (List<CarryTree.Segment> level : m.tree().levels().subList(1, m.tree().levels().size())) {
                assertEquals(0, level.get(0).low());
                assertTrue(!level.get(0).hasP());
                level.subList(1, level.size()).forEach(s -> assertTrue(s.hasP()));
            }
        });
    }

    @Test
    void bothTruncationsOfTheExampleAreRightOrVisiblyWrapped() {
        seeds().forEach(seed -> {
            Truncation t = Examples.truncation(seed);
            String s = "seed " + seed;
            int f = t.f();
            long x = R.signed(t.x());
            assertEquals(R.signed(R.reduce(t.aEnc() * t.bEnc())), x);
            assertTrue(Math.abs(x) < t.offset(), "|x| < 2^(ℓ−2), where exact truncation applies");
            assertEquals(t.x(), R.add(t.x0(), t.x1()), s);
            assertEquals(Math.floorDiv(x, 1 << f), t.floor());
            // exact: floor or one more, always
            assertTrue(t.y() == t.floor() || t.y() == t.floor() + 1, s + ": exact gave " + t.y() + " for " + x);
            assertEquals(t.r(), R.add(t.r0(), t.r1()));
            assertEquals(R.shiftUnsigned(t.r(), f), R.add(t.high0(), t.high1()));
            assertEquals(R.msb(t.r()), R.add(t.msbR0(), t.msbR1()));
            assertEquals(R.add(R.add(t.x(), t.r()), t.offset()), t.c(), s + ": c = x + 2^(ℓ−2) + r");
            // local: the shares' own shifts, and the count over all 256 shares
            assertEquals(R.shiftSigned(t.x0(), f), t.local0());
            assertEquals(R.neg(R.shiftSigned(R.neg(t.x1()), f)), t.local1());
            assertEquals(localWrong(x, f), t.localWrong(), s);
        });
    }

    /** Independent count: local truncation over every share x1 of x. */
    private static int localWrong(long x, int f) {
        int wrong = 0;
        for (int x1 = 0; x1 < 256; x1++) {
            int x0 = (int) ((x - x1) & 0xff);
            int y0 = ((byte) x0) >> f;
            int y1 = -(((byte) (-x1 & 0xff)) >> f);
            long y = (byte) ((y0 + y1) & 0xff);
            long floor = Math.floorDiv(x, 1 << f);
            if (y != floor && y != floor + 1) {
                wrong++;
            }
        }
        return wrong;
    }

    @Test
    void theExactTruncationModelAgreesWithTheEngineFormulaIn64Bits() {
        // the same formula in Z_2^64, checked against floor division
        Random rnd = new Random(11);
        int f = SecureConfig.DEFAULT.fractionBits();
        for (int i = 0; i < 5000; i++) {
            long x = rnd.nextLong() >> (2 + rnd.nextInt(40));
            long r = rnd.nextLong();
            long c = x + r + (1L << 62);
            long y = (c >>> f) - (1L << (62 - f)) - (r >>> f) + (1 - (c >>> 63)) * (r >>> 63) * (1L << (64 - f));
            long floor = x >> f;
            assertTrue(y == floor || y == floor + 1, x + " gave " + y);
        }
    }

    @Test
    void theMaxPoolExampleIsTheWindowsMaximumByTheEnginesPairing() {
        seeds().forEach(seed -> {
            MaxPool m = Examples.maxPool(seed);
            assertEquals(Arrays.stream(m.window()).max().orElseThrow(), m.max(), "seed " + seed);
            int[] pairs = MaxPoolProtocol.pairsPerLevel(new int[] {m.window().length});
            assertEquals(pairs.length, m.levels().size());
            for (int lv = 0; lv < pairs.length; lv++) {
                assertEquals(pairs[lv], m.levels().get(lv).size());
                for (Pair p : m.levels().get(lv)) {
                    assertEquals(p.a() - p.b(), p.diff());
                    assertEquals(p.diff() >= 0 ? 1 : 0, p.drelu(), "DReLU from the carry tree");
                    assertEquals(p.b() + Math.max(0, p.diff()), p.max(), "max = b + ReLU(a − b)");
                    assertEquals(Math.max(p.a(), p.b()), p.max());
                }
            }
        });
        assertEquals(2, Examples.levelsFor(4));
        assertEquals(4, Examples.levelsFor(9));
    }

    @Test
    void theArgmaxExampleIsTheFirstLargestLogit() {
        seeds().forEach(seed -> {
            Argmax a = Examples.argmax(seed);
            long[] v = a.logits();
            int first = 0;
            for (int i = 1; i < v.length; i++) {
                if (v[i] > v[first]) {
                    first = i;
                }
            }
            assertEquals(first, a.label(), "seed " + seed + ": " + Arrays.toString(v));
            assertEquals(MaxPoolProtocol.pairsPerLevel(new int[] {10}).length, a.levels().size());
            for (List<IndexedPair> level : a.levels()) {
                for (IndexedPair p : level) {
                    assertTrue(p.lowIndex() < p.highIndex());
                    assertEquals(p.high() > p.low() ? 1 : 0, p.d(), "d = [b > a], ties keep the lower index");
                    assertEquals(Math.max(p.low(), p.high()), p.max());
                }
            }
        });
        // ties occur among the seeds, and keep the lower index
        boolean tie = seeds().anyMatch(s -> Examples.argmax(s).levels().stream().flatMap(List::stream)
                .anyMatch(p -> p.low() == p.high() && p.index() == p.lowIndex()));
        assertTrue(tie, "some seed shows a tie");
    }

    @Test
    void maskReuseOpensTheSameEAndStillMultipliesAndMisuseLeaksTheDifference() {
        seeds().forEach(seed -> {
            MaskReuse m = Examples.maskReuse(seed);
            assertEquals(R.sub(m.w(), m.a()), m.e());
            assertEquals(m.e(), m.q1().e());
            assertEquals(m.e(), m.q2().e());
            assertEquals(m.q1().e0(), m.q2().e0(), "the same shares of W and A: E0 is opened once");
            assertEquals(m.q1().a(), m.q2().a());
            assertEquals(R.mul(m.w(), m.q1().x()), m.q1().z());
            assertEquals(R.mul(m.w(), m.q2().x()), m.q2().z());
            assertEquals(R.mul(m.q1().a(), m.q1().b()), m.q1().c());
            assertEquals(R.sub(m.w(), m.wOther()), R.sub(m.e(), m.eOther()), "E − E′ = W − W′");
        });
    }

    @Test
    void colludersRecoverTheSecrets() {
        seeds().forEach(seed -> {
            var c = Examples.collusion(seed);
            assertEquals(c.sharing().x(), R.add(c.sharing().x0(), c.sharing().x1()));
            assertEquals(c.beaver().w(), R.add(c.beaver().e(), c.beaver().a()), "W = E + A");
            assertEquals(c.beaver().x(), R.add(c.beaver().f(), c.beaver().b()), "X = F + B");
            // without a dealer: A₀·B₁ from one OT per bit of B₁
            var g = c.gilboa();
            assertEquals(c.beaver().a0(), g.a());
            assertEquals(c.beaver().b1(), g.b());
            assertEquals(R.mul(g.a(), g.b()), g.product(), "S0's and S1's shares add up to A₀·B₁");
            for (int j = 0; j < R.bits(); j++) {
                long chosen = g.bit(j) == 1 ? R.add(g.pads()[j], R.mul(g.a(), 1L << j)) : g.pads()[j];
                assertEquals(chosen, g.taken()[j], "bit " + j);
            }
        });
    }

    @Test
    void aGilboaShareAloneIsUniform() {
        // server 1's share for a fixed a·b, over many pads, takes every value of the ring about equally often
        int[] counts = new int[256];
        java.util.Random rnd = new java.util.Random(5);
        int n = 256 * 200;
        for (int k = 0; k < n; k++) {
            counts[(int) Examples.gilboa(R, 77, 201, rnd).share1()]++;
        }
        double chi = 0;
        for (int v : counts) {
            chi += (v - 200.0) * (v - 200.0) / 200.0;
        }
        assertTrue(chi < 350, "chi-square over 255 degrees of freedom: " + chi);
    }
}
