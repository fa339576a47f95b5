package io.sonic.engine.protocol;

import io.sonic.engine.CostModel.Cost;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.TwoParties;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.net.Traffic;
import org.junit.jupiter.params.ParameterizedTest;
import io.sonic.engine.ot.OtPreprocessing;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every protocol suite keeps, one body run against each suite: its comparisons and truncation
 * against their ideal functionalities (edge cases included), and its metered traffic and dealer bytes
 * against the suite's own formulas, exactly; each with every source of correlated randomness the suite can use
 * (the dealer, and for the Sonic suite the servers' own by oblivious transfer, whose traffic equals its formula).
 */
class SuiteContractTest {
    private static final long[] EDGES = {0, 1, -1, 2, -2, 1L << 62, -(1L << 62), Long.MIN_VALUE, Long.MAX_VALUE,
        (1L << 62) - 1, -(1L << 62) + 1};

    private static long[] random(int n, long seed, int bits) {
        return TwoParties.random(n, seed, bits);
    }

    private static long[] withEdges(long[] x) {
        long[] r = x.clone();
        System.arraycopy(EDGES, 0, r, 0, EDGES.length);
        return r;
    }

    private static void assertCost(Cost want, TwoParties.Run<?> run, List<Need<?>> plan, String what) {
        Traffic t = run.meter0().of("test");
        assertEquals(want.onlineBytes(), t.bytes(), what + " online bytes");
        assertEquals(want.rounds(), t.rounds(), what + " rounds");
        assertEquals(want.offlineBytes(), Dealer.offlineBytesOf(plan) - 32, what + " dealer bytes");
        assertEquals(t.bytesSent(), t.bytesReceived(), what + " symmetric");
        Traffic off = run.meter0().of("offline");
        if (off.messages() > 0) {
            // the servers made the plan themselves: exactly the OT formula's bytes, none of it the dealer's
            assertEquals(OtPreprocessing.bytesSent(plan, 0), off.bytesSent(), what + " OT bytes from server 0");
            assertEquals(OtPreprocessing.bytesSent(plan, 1), off.bytesReceived(), what + " OT bytes from server 1");
            assertEquals(OtPreprocessing.rounds(plan), off.rounds(), what + " OT rounds");
        }
    }

    /** Every suite with every source of randomness it can use (the FSS suite's keys need the dealer). */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> sources() {
        java.util.List<org.junit.jupiter.params.provider.Arguments> r = new java.util.ArrayList<>();
        for (SecureConfig.Suite s : SecureConfig.Suite.values()) {
            for (TwoParties.Source src : TwoParties.Source.values()) {
                if (src == TwoParties.Source.DEALER || s == SecureConfig.Suite.SONIC) {
                    r.add(org.junit.jupiter.params.provider.Arguments.of(s, src));
                }
            }
        }
        return r.stream();
    }

    private static SecureConfig cfg(SecureConfig.Suite s) {
        return SecureConfig.DEFAULT.withSuite(s);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void reluIsMaxOfXAndZeroForEveryRingElement(SecureConfig.Suite s, TwoParties.Source src) {
        Suite suite = Suite.of(cfg(s));
        long[] x = withEdges(random(300, 1, 64));
        long[][] xs = TwoParties.share(x, 2);
        var plan = Traced.plan(cfg(s), ctx -> suite.relu(ctx, 0, xs[0]));
        var run = TwoParties.run(plan, cfg(s), src, ctx -> suite.relu(ctx, 0, xs[ctx.party()]));
        long[] y = TwoParties.sum(run.out0(), run.out1());
        for (int i = 0; i < x.length; i++) {
            assertEquals(ReluProtocol.ideal(x[i]), y[i], s + "/" + src + " ReLU(" + x[i] + ")");
        }
        assertCost(suite.reluCost(x.length), run, plan, s + " ReLU");
    }

    @ParameterizedTest
    @MethodSource("sources")
    void maxOfWindowsOfEverySizeIsTheirMaximum(SecureConfig.Suite s, TwoParties.Source src) {
        Suite suite = Suite.of(cfg(s));
        int[] sizes = {1, 2, 3, 4, 5, 9, 16};
        long[][][] cand = new long[2][sizes.length][];
        long[][] plain = new long[sizes.length][];
        for (int w = 0; w < sizes.length; w++) {
            plain[w] = random(sizes[w], 10 + w, 40);
            long[][] sh = TwoParties.share(plain[w], 20 + w);
            cand[0][w] = sh[0];
            cand[1][w] = sh[1];
        }
        var plan = Traced.plan(cfg(s), ctx -> suite.max(ctx, 0, copy(cand[0])));
        var run = TwoParties.run(plan, cfg(s), src, ctx -> suite.max(ctx, 0, copy(cand[ctx.party()])));
        long[] y = TwoParties.sum(run.out0(), run.out1());
        for (int w = 0; w < sizes.length; w++) {
            long best = Long.MIN_VALUE;
            for (long v : plain[w]) {
                best = Math.max(best, v);
            }
            assertEquals(best, y[w], s + " window of " + sizes[w]);
        }
        assertCost(suite.maxCost(sizes), run, plan, s + " max");
    }

    private static long[][] copy(long[][] c) {
        long[][] r = new long[c.length][];
        for (int i = 0; i < c.length; i++) {
            r[i] = c[i].clone();
        }
        return r;
    }

    @ParameterizedTest
    @MethodSource("sources")
    void argmaxIsTheFirstMaximumTiesIncluded(SecureConfig.Suite s, TwoParties.Source src) {
        Suite suite = Suite.of(cfg(s));
        long[][] cases = {{3, 9, 1, 9, -4, 0, 2, 8, 7, 5}, {-5, -2, -9}, {7, 7, 7, 7, 7}, {4}, {1, 2},
            random(10, 17, 40), random(33, 18, 40)};
        for (long[] x : cases) {
            long[][] xs = TwoParties.share(x, 19);
            var plan = Traced.plan(cfg(s), ctx -> suite.argmax(ctx, 0, xs[0]));
            var run = TwoParties.run(plan, cfg(s), src, ctx -> suite.argmax(ctx, 0, xs[ctx.party()]));
            assertEquals(ArgmaxProtocol.ideal(x), run.out0() + run.out1(), s + " " + java.util.Arrays.toString(x));
            assertCost(suite.argmaxCost(x.length), run, plan, s + " argmax of " + x.length);
        }
    }

    @ParameterizedTest
    @MethodSource("sources")
    void exactTruncationIsTheFloorWithinTheSuitesError(SecureConfig.Suite s, TwoParties.Source src) {
        Suite suite = Suite.of(cfg(s));
        int f = SecureConfig.DEFAULT.fractionBits();
        long[] x = random(2000, 30, 61);
        long[] edge = {0, 1, -1, (1L << 62) - 1, -(1L << 62) + 1, 1L << f, -(1L << f), (1L << f) - 1};
        System.arraycopy(edge, 0, x, 0, edge.length);
        long[][] xs = TwoParties.share(x, 31);
        var plan = Traced.plan(cfg(s), ctx -> suite.truncate(ctx, 0, xs[0]));
        var run = TwoParties.run(plan, cfg(s), src, ctx -> suite.truncate(ctx, 0, xs[ctx.party()]));
        long[] y = TwoParties.sum(run.out0(), run.out1());
        int off = 0;
        for (int i = 0; i < x.length; i++) {
            long d = y[i] - (x[i] >> f);
            assertTrue(d >= 0 && d <= suite.exactTruncationError(), s + " trunc(" + x[i] + ") off by " + d);
            off += d == 0 ? 0 : 1;
        }
        if (suite.exactTruncationError() == 0) {
            assertEquals(0, off);
        }
        assertCost(suite.truncationCost(x.length, f), run, plan, s + " truncation");
    }
}
