package io.sonic.engine;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.net.Channel;
import io.sonic.engine.protocol.BeaverProtocol;
import io.sonic.engine.protocol.FssArgmaxProtocol;
import io.sonic.engine.protocol.FssMaxPoolProtocol;
import io.sonic.engine.protocol.FssReluProtocol;
import io.sonic.engine.protocol.FssTruncationProtocol;
import io.sonic.engine.protocol.ReluProtocol;
import io.sonic.engine.protocol.TruncationProtocol;
import io.sonic.engine.ring.RingTensor;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.geometry.MatMulGeometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a server sees is uniformly random and does not depend on the secret: chi-square tests over
 * the bytes each server receives (its shares and every opened value), and two-sample tests between
 * the views for two different secrets.
 */
class ViewsTest {
    /** 99.99th percentile of chi-square with 255 degrees of freedom (one-sample byte test). */
    private static final double CHI2_255 = 347.0;

    /** Records every message a server receives. */
    static final class Recording extends io.sonic.engine.net.ForwardingChannel {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Recording(Channel inner) {
            super(inner);
        }

        private byte[] record(byte[] m) {
            synchronized (received) {
                received.writeBytes(m);
            }
            return m;
        }

        @Override
        public byte[] receive() {
            return record(inner.receive());
        }

        @Override
        public byte[] exchange(String what, byte[] m) {
            return record(inner.exchange(what, m));
        }
    }

    static long[] byteCounts(byte[] data) {
        long[] c = new long[256];
        for (byte b : data) {
            c[b & 0xff]++;
        }
        return c;
    }

    static double chiSquareUniform(long[] counts) {
        long n = Arrays.stream(counts).sum();
        double e = n / (double) counts.length;
        double chi = 0;
        for (long c : counts) {
            chi += (c - e) * (c - e) / e;
        }
        return chi;
    }

    /** Two-sample chi-square statistic for two histograms of equal total. */
    static double chiSquareTwoSample(long[] a, long[] b) {
        double chi = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] + b[i] > 0) {
                chi += (double) (a[i] - b[i]) * (a[i] - b[i]) / (a[i] + b[i]);
            }
        }
        return chi;
    }

    /** All bytes party 1 receives while the protocol runs on the secret x (shared afresh each time). */
    static byte[] viewOfServer1(List<Need<?>> plan, long[] x, Function<long[], Function<io.sonic.engine.protocol.PartyContext, long[]>> body,
                                int runs) {
        return viewOfServer1(plan, x, body, runs, TwoParties.Source.DEALER);
    }

    /** The same, with the randomness from {@code source}: with OT the view includes the query's OT messages. */
    static byte[] viewOfServer1(List<Need<?>> plan, long[] x, Function<long[], Function<io.sonic.engine.protocol.PartyContext, long[]>> body,
                                int runs, TwoParties.Source source) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int r = 0; r < runs; r++) {
            SharedTensor[] s = SharedTensor.split(new RingTensor(new int[] {x.length}, x), Prg.fresh());
            long[][] shares = {s[0].values(), s[1].values()};
            List<Recording> rec = new ArrayList<>();
            TwoParties.run(plan, SecureConfig.DEFAULT, source, c -> {
                Recording w = new Recording(c);
                synchronized (rec) {
                    rec.add(w);
                }
                return w;
            }, ctx -> body.apply(shares[ctx.party()]).apply(ctx));
            // the channel wrapped second belongs to party 1
            all.writeBytes(rec.get(1).received.toByteArray());
        }
        return all.toByteArray();
    }

    private static void assertUniformAndIndependent(String what, List<Need<?>> plan, long[] secretA, long[] secretB,
                                                    Function<long[], Function<io.sonic.engine.protocol.PartyContext, long[]>> body,
                                                    int runs) {
        for (TwoParties.Source source : TwoParties.Source.values()) {
            assertUniformAndIndependent(what + " (randomness: " + source + ")", plan, secretA, secretB, body, runs,
                    source);
        }
    }

    private static void assertUniformAndIndependent(String what, List<Need<?>> plan, long[] secretA, long[] secretB,
                                                    Function<long[], Function<io.sonic.engine.protocol.PartyContext, long[]>> body,
                                                    int runs, TwoParties.Source source) {
        byte[] viewA = viewOfServer1(plan, secretA, body, runs, source);
        byte[] viewB = viewOfServer1(plan, secretB, body, runs, source);
        long[] ca = byteCounts(viewA);
        long[] cb = byteCounts(viewB);
        assertTrue(chiSquareUniform(ca) < CHI2_255, what + ": view for secret A is not uniform, chi2 "
                + chiSquareUniform(ca));
        assertTrue(chiSquareUniform(cb) < CHI2_255, what + ": view for secret B is not uniform, chi2 "
                + chiSquareUniform(cb));
        assertTrue(chiSquareTwoSample(ca, cb) < CHI2_255, what + ": views differ between secrets, chi2 "
                + chiSquareTwoSample(ca, cb));
    }

    @Test
    void beaverOpensOnlyUniformValues() {
        Bilinear op = Bilinear.matmul(MatMulGeometry.of(new int[] {1, 64}, false, new int[] {64, 8}, false), 512, 64,
                false);
        long[] weights = new long[512];
        Arrays.fill(weights, 3L << 16);
        long[][] wShares = {new long[512], new long[512]};
        SharedTensor[] ws = SharedTensor.split(new RingTensor(new int[] {512}, weights), Prg.fresh());
        wShares[0] = ws[0].values();
        wShares[1] = ws[1].values();
        long[] zeros = new long[64];
        long[] ones = new long[64];
        Arrays.fill(ones, 1L << 16);
        assertUniformAndIndependent("Beaver matmul", null, zeros, ones,
                x -> ctx -> BeaverProtocol.multiply(ctx, 0, op, wShares[ctx.party()], x, null), 40);
    }

    @Test
    void exactTruncationOpensOnlyUniformValues() {
        long[] small = new long[128];
        long[] large = new long[128];
        Arrays.fill(large, -(1L << 40));
        assertUniformAndIndependent("exact truncation", null, small, large,
                x -> ctx -> TruncationProtocol.truncate(ctx, 0, x), 60);
    }

    @Test
    void reluOpensOnlyUniformValues() {
        long[] positive = new long[128];
        long[] negative = new long[128];
        Arrays.fill(positive, 5L << 16);
        Arrays.fill(negative, -(5L << 16));
        assertUniformAndIndependent("MSB ReLU", null, positive, negative,
                x -> ctx -> ReluProtocol.relu(ctx, 0, x), 6);
    }

    /** The FSS suite's keys come from the dealer only. */
    @Test
    void fssReluAndMaxOpenOnlyUniformValues() {
        long[] positive = new long[128];
        long[] negative = new long[128];
        Arrays.fill(positive, 5L << 16);
        Arrays.fill(negative, -(5L << 16));
        assertUniformAndIndependent("FSS ReLU", null, positive, negative,
                x -> ctx -> FssReluProtocol.relu(ctx, 0, x), 40,
                TwoParties.Source.DEALER);
        assertUniformAndIndependent("FSS max", null, positive, negative,
                x -> ctx -> FssMaxPoolProtocol.tree(ctx, 0, new long[][] {x, x.clone()}), 40,
                TwoParties.Source.DEALER);
    }

    @Test
    void fssTruncationAndArgmaxOpenOnlyUniformValues() {
        long[] small = new long[128];
        long[] large = new long[128];
        Arrays.fill(large, -(1L << 40));
        assertUniformAndIndependent("FSS exact truncation", null, small, large,
                x -> ctx -> FssTruncationProtocol.truncate(ctx, 0, x), 40,
                TwoParties.Source.DEALER);
        long[] ascending = new long[64];
        long[] descending = new long[64];
        for (int i = 0; i < 64; i++) {
            ascending[i] = (long) i << 16;
            descending[i] = (long) (63 - i) << 16;
        }
        assertUniformAndIndependent("FSS argmax", null, ascending, descending,
                x -> ctx -> new long[] {FssArgmaxProtocol.argmax(ctx, 0, x)}, 80,
                TwoParties.Source.DEALER);
    }

    @Test
    void sharesOfTheModelAndInputAreUniformWhateverTheSecret() {
        long[] zeros = new long[20000];
        long[] sevens = new long[20000];
        Arrays.fill(sevens, 7L << 16);
        for (int party = 0; party < 2; party++) {
            ByteArrayOutputStream a = new ByteArrayOutputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            a.writeBytes(io.sonic.engine.net.Messages.pack(
                    SharedTensor.split(new RingTensor(new int[] {20000}, zeros), Prg.fresh())[party].values()));
            b.writeBytes(io.sonic.engine.net.Messages.pack(
                    SharedTensor.split(new RingTensor(new int[] {20000}, sevens), Prg.fresh())[party].values()));
            long[] ca = byteCounts(a.toByteArray());
            long[] cb = byteCounts(b.toByteArray());
            assertTrue(chiSquareUniform(ca) < CHI2_255, "party " + party + " share of zeros: " + chiSquareUniform(ca));
            assertTrue(chiSquareUniform(cb) < CHI2_255, "party " + party + " share of sevens: " + chiSquareUniform(cb));
            assertTrue(chiSquareTwoSample(ca, cb) < CHI2_255);
        }
    }

    /** Every suite with every source of randomness it can use; with OT, server 1's view includes the OT messages. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> suitesAndSources() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(SecureConfig.Suite.SONIC, TwoParties.Source.DEALER),
                org.junit.jupiter.params.provider.Arguments.of(SecureConfig.Suite.SONIC, TwoParties.Source.OT),
                org.junit.jupiter.params.provider.Arguments.of(SecureConfig.Suite.FSS, TwoParties.Source.DEALER));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("suitesAndSources")
    void aWholeInferenceShowsServer1OnlyUniformBytes(SecureConfig.Suite suite, TwoParties.Source source) {
        SecureConfig cfg = SecureConfig.DEFAULT.withSuite(suite);
        SampleModels m1 = new SampleModels("mnist-m1");
        io.sonic.model.ModelGraph g = m1.graph();
        // every protocol of M1 works on multiples of 64 elements, so no bit-slicing padding appears
        List<float[]> inputs = m1.inputs();
        List<Need<?>> plan = Plan.of(g, cfg);
        ModelShare[] shares = ModelShare.split(g, cfg.fixedPoint(), Prg.fresh());
        long[][] counts = new long[2][];
        for (int k = 0; k < 2; k++) {
            long[] x = cfg.fixedPoint().encode(inputs.get(k));
            SharedTensor[] in = SharedTensor.split(new RingTensor(g.inputShape(), x), Prg.fresh());
            List<Recording> rec = new ArrayList<>();
            TwoParties.run(plan, cfg, source, c -> {
                Recording w = new Recording(c);
                synchronized (rec) {
                    rec.add(w);
                }
                return w;
            }, ctx -> {
                SecureParty p = new SecureParty(ctx.party(), g, shares[ctx.party()], cfg);
                return p.run(in[ctx.party()], new io.sonic.engine.net.MeteredChannel(ctx.channel()), ctx.randomness(), SecureLayerListener.NONE).values();
            });
            counts[k] = byteCounts(rec.get(1).received.toByteArray());
            assertTrue(chiSquareUniform(counts[k]) < CHI2_255, suite + "/" + source + " input " + k + ": chi2 "
                    + chiSquareUniform(counts[k]));
        }
        assertTrue(chiSquareTwoSample(counts[0], counts[1]) < CHI2_255, suite + "/" + source);
    }
}
