package io.sonic.engine.protocol;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.TwoParties;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.net.Traffic;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.MatMulGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.geometry.Windows;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each protocol against its ideal functionality, and its metered traffic against the formula on its
 * documentation page, exactly.
 */
class ProtocolsTest {
    private static final SecureConfig EXACT = SecureConfig.DEFAULT;
    private static final SecureConfig LOCAL = SecureConfig.DEFAULT.withTruncation(SecureConfig.TruncationMode.LOCAL);

    private static long[] random(int n, long seed, int bits) {
        return TwoParties.random(n, seed, bits);
    }

    private static Traffic traffic(TwoParties.Run<?> run) {
        return run.meter0().of("test");
    }

    @Test
    void beaverMatmulFaithfulEqualsTheProductAndCosts16TimesWeightPlusInput() {
        MatMulGeometry g = MatMulGeometry.of(new int[] {1, 30}, false, new int[] {30, 7}, false);
        Bilinear op = Bilinear.matmul(g, 30 * 7, 30, false);
        long[] w = random(210, 1, 20);
        long[] x = random(30, 2, 20);
        long[][] ws = TwoParties.share(w, 3);
        long[][] xs = TwoParties.share(x, 4);
        var run = TwoParties.run(EXACT,
                ctx -> BeaverProtocol.multiply(ctx, 0, op, ws[ctx.party()], xs[ctx.party()], null));
        assertArrayEquals(BeaverProtocol.ideal(op, w, x), TwoParties.sum(run.out0(), run.out1()));
        Traffic t = traffic(run);
        assertEquals(16L * (210 + 30), t.bytes());
        assertEquals(1, t.rounds());
        assertEquals(2, t.messages());
    }

    @Test
    void beaverConvWithStridePaddingAndGroups() {
        int[] in = {1, 4, 7, 7};
        int[] wShape = {6, 2, 3, 3};
        Windows win = Windows.of(new int[] {7, 7}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 1, 1, 1}, "NOTSET", false);
        ConvGeometry g = new ConvGeometry(in, wShape, win, 2);
        Bilinear op = Bilinear.conv(g, 6 * 2 * 9);
        long[] w = random(108, 5, 20);
        long[] x = random(196, 6, 20);
        long[][] ws = TwoParties.share(w, 7);
        long[][] xs = TwoParties.share(x, 8);
        var run = TwoParties.run(EXACT,
                ctx -> BeaverProtocol.multiply(ctx, 0, op, ws[ctx.party()], xs[ctx.party()], null));
        assertArrayEquals(op.apply(w, x), TwoParties.sum(run.out0(), run.out1()));
        assertEquals(16L * (108 + 196), traffic(run).bytes());
    }

    @Test
    void exactTruncationIsFloorOrOneMoreAndNeverWraps() {
        int f = 16;
        // products of up to 2^61 in magnitude: the local variant would fail for about a quarter of them
        long[] x = random(4000, 9, 61);
        long[][] xs = TwoParties.share(x, 10);
        var run = TwoParties.run(EXACT,
                ctx -> TruncationProtocol.truncate(ctx, 0, xs[ctx.party()]));
        long[] y = TwoParties.sum(run.out0(), run.out1());
        long[] ideal = TruncationProtocol.ideal(x, f);
        for (int i = 0; i < x.length; i++) {
            long d = y[i] - ideal[i];
            assertTrue(d == 0 || d == 1, "element " + i + " off by " + d);
        }
        assertEquals(16L * x.length, traffic(run).bytes());
        assertEquals(1, traffic(run).rounds());
    }

    @Test
    void localTruncationFailsAtThePredictedRate() {
        int f = 16;
        int n = 20000;
        int k = 60;
        // |x| < 2^60: failure probability about 2^(k+1-64) = 1/8 per element
        long[] x = random(n, 11, k);
        long[][] xs = TwoParties.share(x, 12);
        var run = TwoParties.run(LOCAL, ctx -> TruncationProtocol.local(ctx, xs[ctx.party()]));
        long[] y = TwoParties.sum(run.out0(), run.out1());
        long[] ideal = TruncationProtocol.ideal(x, f);
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            long d = y[i] - ideal[i];
            if (Math.abs(d) > 1) {
                wrong++;
                assertEquals(0, Math.abs(d) - (1L << (64 - f)), 1, "a failure is off by 2^(64-f)");
            }
        }
        double rate = wrong / (double) n;
        // expected E|x|/2^64 = (2^60/2)/2^64 ... at most 2^(k+1-64); observed must lie well inside
        assertTrue(rate > 0.01 && rate < 0.125, "failure rate " + rate);
        assertEquals(0, traffic(run).bytes(), "local truncation sends nothing");
    }

    @Test
    void reluMatchesTheIdealOnEdgeCasesAndRandomValuesAndCostsItsFormula() {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 62, -(1L << 62)));
        for (long v : random(1000 - values.size(), 13, 64)) {
            values.add(v);
        }
        long[] x = values.stream().mapToLong(Long::longValue).toArray();
        long[][] xs = TwoParties.share(x, 14);
        var run = TwoParties.run(EXACT,
                ctx -> ReluProtocol.relu(ctx, 0, xs[ctx.party()]));
        long[] y = TwoParties.sum(run.out0(), run.out1());
        for (int i = 0; i < x.length; i++) {
            assertEquals(ReluProtocol.ideal(x[i]), y[i], "ReLU of " + x[i]);
        }
        Traffic t = traffic(run);
        assertEquals(ReluProtocol.bytes(x.length), t.bytes());
        assertEquals(8, t.rounds(), "log2(64) + 2 rounds");
        assertEquals(16, t.messages());
        // per ReLU when n is a multiple of 64: 854 bits
        assertEquals(854 * 64 / 8, ReluProtocol.bytes(64));
        assertEquals(181, MsbProtocol.ANDS_PER_LANE);
    }

    @Test
    void maxPoolMatchesTheIdealWithPaddingAndCostsItsFormula() {
        int[] in = {1, 3, 5, 5};
        Windows w = Windows.of(new int[] {5, 5}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 1, 1, 1}, "NOTSET", true);
        PoolGeometry g = new PoolGeometry(in, w, false, false);
        long[] x = random(75, 15, 30);
        long[][] xs = TwoParties.share(x, 16);
        var run = TwoParties.run(EXACT,
                ctx -> MaxPoolProtocol.tree(ctx, 0, MaxPoolProtocol.candidates(g, xs[ctx.party()])));
        long[] y = TwoParties.sum(run.out0(), run.out1());
        int[][] windows = MaxPoolProtocol.windows(g);
        for (int o = 0; o < y.length; o++) {
            long best = Long.MIN_VALUE;
            for (int idx : windows[o]) {
                best = Math.max(best, x[idx]);
            }
            assertEquals(best, y[o], "window " + o);
        }
        assertEquals(MaxPoolProtocol.bytes(g), traffic(run).bytes());
        assertEquals(8L * MaxPoolProtocol.levels(g), traffic(run).rounds());
        assertEquals(4, MaxPoolProtocol.levels(g), "windows of up to 9 values need 4 levels");
    }

    @Test
    void argmaxReturnsTheFirstMaximumAndCostsItsFormula() {
        long[][] cases = {{3, 9, 1, 9, -4, 0, 2, 8, 7, 5}, {-5, -2, -9}, {7, 7, 7, 7, 7}, random(10, 17, 40)};
        for (long[] x : cases) {
            long[][] xs = TwoParties.share(x, 18);
            var run = TwoParties.run(EXACT,
                    ctx -> ArgmaxProtocol.argmax(ctx, 0, xs[ctx.party()]));
            assertEquals(ArgmaxProtocol.ideal(x), run.out0() + run.out1());
            assertEquals(ArgmaxProtocol.bytes(x.length), traffic(run).bytes());
        }
    }
}
