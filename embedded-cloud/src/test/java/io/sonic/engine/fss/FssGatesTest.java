package io.sonic.engine.fss;

import io.sonic.engine.crypto.Prg;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The FSS gates against their ideal functionalities, run as the protocol runs: the input is additively shared,
 * each server opens its share plus its mask share, both reconstruct x̂ and evaluate locally. Fresh masks per
 * element from fixed-seed {@link Prg} streams (reproducible runs), plus masks at the edges of the ring.
 */
class FssGatesTest {
    private static final long UNCERTAIN_LO = Long.MIN_VALUE - (1L << 62);
    private static final long UNCERTAIN_HI = Long.MIN_VALUE + (1L << 62);

    private static Prg prg(int stream) {
        byte[] seed = new byte[Prg.SEED_BYTES];
        seed[0] = 0x3c;
        return new Prg(seed, stream);
    }

    private static long[] toArray(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    /** The ReLU inputs of the test plan: 0, ±1, ±2^62, −2^63, 2^63−1, random over the ring, random small. */
    private static long[] reluInputs(Prg rng) {
        List<Long> xs = new ArrayList<>(List.of(0L, 1L, -1L, 1L << 62, -(1L << 62), Long.MIN_VALUE, Long.MAX_VALUE,
                2L, -2L, (1L << 62) - 1, 5L << 16, -(5L << 16)));
        for (int i = 0; i < 60; i++) {
            xs.add(rng.nextLong());
            xs.add(rng.nextLong() >> 24);
        }
        return toArray(xs);
    }

    /** Masks: fresh uniform ones, with a few elements forced to the ring's edges. */
    private static long[] masks(Prg rng, int count) {
        long[] r = rng.longs(count);
        long[] edges = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (int i = 0; i < edges.length && 3 * i + 1 < count; i++) {
            r[3 * i + 1] = edges[i];
        }
        return r;
    }

    /** The opening: each server sends [x]_b + [r]_b; both reconstruct x̂ = x + r. */
    private static long[] open(long[] x0, long[] x1, long[] r0, long[] r1) {
        long[] xh = new long[x0.length];
        for (int i = 0; i < xh.length; i++) {
            xh[i] = (x0[i] + r0[i]) + (x1[i] + r1[i]);
        }
        return xh;
    }

    @Test
    void reluAndDreluMatchTheIdealFunctionality() {
        Prg rng = prg(1);
        long[] x = reluInputs(rng);
        int b = x.length;
        long[][] xs = FssGates.share(x, rng);
        FssGates.SelectKeys[] keys = FssGates.dealRelu(masks(rng, b), rng);
        long[] xhat = open(xs[0], xs[1], keys[0].r(), keys[1].r());
        FssGates.SelectOut o0 = FssGates.relu(0, keys[0], xhat);
        FssGates.SelectOut o1 = FssGates.relu(1, keys[1], xhat);
        for (int i = 0; i < b; i++) {
            String at = "x=" + x[i];
            assertEquals(x[i] >= 0 ? 1 : 0, o0.d()[i] + o1.d()[i], "DReLU " + at);
            assertEquals(Math.max(x[i], 0), o0.relu()[i] + o1.relu()[i], "ReLU " + at);
        }
        assertEquals(0, o0.selected().length);
    }

    @Test
    void reluFromMaskSharesAndFromExternallyEvaluatedDcf() {
        Prg rng = prg(2);
        long[] x = reluInputs(rng);
        int b = x.length;
        long[][] xs = FssGates.share(x, rng);
        long[] r0 = rng.longs(b);
        long[] r1 = rng.longs(b);
        FssGates.SelectKeys[] keys = FssGates.dealRelu(r0, r1, rng);
        assertEquals(r0[5], keys[0].r()[5]);
        long[] xhat = open(xs[0], xs[1], r0, r1);
        long[] in = FssGates.signDcfInputs(xhat);
        FssGates.SelectOut o0 = FssGates.relu(0, xhat, Dcf.evalBatch(0, keys[0].dcf(), in), keys[0]);
        FssGates.SelectOut o1 = FssGates.relu(1, xhat, Dcf.evalBatch(1, keys[1].dcf(), in), keys[1]);
        for (int i = 0; i < b; i++) {
            assertEquals(x[i] >= 0 ? 1 : 0, o0.d()[i] + o1.d()[i]);
            assertEquals(Math.max(x[i], 0), o0.relu()[i] + o1.relu()[i]);
        }
        // the dealer-side values are what §A.4.2 prescribes
        long[] r = {Long.MIN_VALUE | 77, 77};
        FssGates.SelectDeal d = FssGates.reluDealer(r);
        assertEquals(77, d.alpha()[0]);
        assertEquals(-1, d.beta()[0]);
        assertEquals(-r[0], d.beta()[1]);
        assertEquals(1, d.rH()[0]);
        assertEquals(r[0], d.rHr()[0]);
        assertEquals(1, d.beta()[2]);
        assertEquals(0, d.rHr()[1]);
    }

    @Test
    void dreluOnlyGate() {
        Prg rng = prg(3);
        long[] x = reluInputs(rng);
        long[][] xs = FssGates.share(x, rng);
        FssGates.DreluKeys[] keys = FssGates.dealDrelu(masks(rng, x.length), rng);
        long[] xhat = open(xs[0], xs[1], keys[0].r(), keys[1].r());
        long[] d0 = FssGates.drelu(0, keys[0], xhat);
        long[] d1 = FssGates.drelu(1, keys[1], xhat);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] >= 0 ? 1 : 0, d0[i] + d1[i], "x=" + x[i]);
        }
    }

    @Test
    void swappedPartiesBreakTheGate() {
        Prg rng = prg(4);
        long[] x = reluInputs(rng);
        long[][] xs = FssGates.share(x, rng);
        FssGates.SelectKeys[] keys = FssGates.dealRelu(rng.longs(x.length), rng);
        long[] xhat = open(xs[0], xs[1], keys[0].r(), keys[1].r());
        FssGates.SelectOut o0 = FssGates.relu(1, keys[0], xhat);
        FssGates.SelectOut o1 = FssGates.relu(0, keys[1], xhat);
        int wrong = 0;
        for (int i = 0; i < x.length; i++) {
            wrong += o0.relu()[i] + o1.relu()[i] != Math.max(x[i], 0) ? 1 : 0;
        }
        assertEquals(x.length, wrong);
    }

    /** Select with J extra values against d·v_j; δ = a − b with ties, and max/argmax built from it. */
    @Test
    void selectWithOneAndTwoExtraValuesIncludingTies() {
        Prg rng = prg(5);
        for (int extra = 1; extra <= 2; extra++) {
            int b = 90;
            long[] a = new long[b];
            long[] c = new long[b];
            for (int i = 0; i < b; i++) {
                a[i] = rng.nextLong() >> 20;
                c[i] = i % 3 == 0 ? a[i] : rng.nextLong() >> 20; // every third pair is a tie
            }
            c[1] = a[1] + 1;
            c[2] = a[2] - 1;
            long[] delta = new long[b];
            for (int i = 0; i < b; i++) {
                delta[i] = a[i] - c[i];
            }
            long[] v = rng.longs(b * extra);
            long[][] ds = FssGates.share(delta, rng);
            long[][] vs = FssGates.share(v, rng);
            FssGates.SelectKeys[] keys = FssGates.dealSelect(masks(rng, b), rng.longs(b * extra), extra, rng);
            long[] dhat = open(ds[0], ds[1], keys[0].r(), keys[1].r());
            long[] vhat = open(vs[0], vs[1], keys[0].rExtra(), keys[1].rExtra());
            FssGates.SelectOut o0 = FssGates.select(0, keys[0], dhat, vhat);
            FssGates.SelectOut o1 = FssGates.select(1, keys[1], dhat, vhat);
            for (int i = 0; i < b; i++) {
                long d = delta[i] >= 0 ? 1 : 0;
                assertEquals(d, o0.d()[i] + o1.d()[i]);
                assertEquals(Math.max(delta[i], 0), o0.relu()[i] + o1.relu()[i]);
                // max(a, c) = c + ReLU(a − c)
                assertEquals(Math.max(a[i], c[i]), c[i] + o0.relu()[i] + o1.relu()[i]);
                for (int j = 0; j < extra; j++) {
                    int q = i * extra + j;
                    assertEquals(d * v[q], o0.selected()[q] + o1.selected()[q], "J=" + extra + " i=" + i);
                }
            }
        }
    }

    @Test
    void argmaxStepWithTheIndexDifference() {
        Prg rng = prg(6);
        int b = 40;
        long[] va = new long[b];
        long[] vb = new long[b];
        long[] ia = new long[b];
        long[] ib = new long[b];
        for (int i = 0; i < b; i++) {
            va[i] = rng.nextLong() >> 30;
            vb[i] = i % 4 == 0 ? va[i] : rng.nextLong() >> 30;
            ia[i] = 2L * i;
            ib[i] = 2L * i + 1;
        }
        long[] delta = new long[b];
        long[] diff = new long[b];
        for (int i = 0; i < b; i++) {
            delta[i] = va[i] - vb[i];
            diff[i] = ia[i] - ib[i];
        }
        long[][] ds = FssGates.share(delta, rng);
        long[][] is = FssGates.share(diff, rng);
        long[] r0 = rng.longs(b);
        long[] r1 = rng.longs(b);
        long[] rv0 = rng.longs(b);
        long[] rv1 = rng.longs(b);
        FssGates.SelectKeys[] keys = FssGates.dealSelect(r0, r1, rv0, rv1, 1, rng);
        long[] dhat = open(ds[0], ds[1], r0, r1);
        long[] vhat = open(is[0], is[1], rv0, rv1);
        FssGates.SelectOut o0 = FssGates.select(0, keys[0], dhat, vhat);
        FssGates.SelectOut o1 = FssGates.select(1, keys[1], dhat, vhat);
        for (int i = 0; i < b; i++) {
            long index = ib[i] + o0.selected()[i] + o1.selected()[i];
            long value = vb[i] + o0.relu()[i] + o1.relu()[i];
            assertEquals(Math.max(va[i], vb[i]), value);
            assertEquals(va[i] >= vb[i] ? ia[i] : ib[i], index, "ties pick the first operand");
        }
    }

    // ------------------------------------------------------------------ truncation T3

    private static long uncertainMask(Prg rng) {
        // uniform enough over (2^63 − 2^62, 2^63 + 2^62): LO + 1 + [0, 2^63 − 1)
        return UNCERTAIN_LO + 1 + Long.remainderUnsigned(rng.nextLong() >>> 1, Long.MAX_VALUE);
    }

    private static void checkTrunc(long[] x, long[] r, int f, Prg rng) {
        long[][] xs = FssGates.share(x, rng);
        FssGates.TruncKeys[] keys = FssGates.dealTrunc(r, f, rng);
        long[] xhat = open(xs[0], xs[1], keys[0].r(), keys[1].r());
        long[] t0 = FssGates.trunc(0, keys[0], xhat);
        long[] t1 = FssGates.trunc(1, keys[1], xhat);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] >> f, t0[i] + t1[i], "f=" + f + " x=" + x[i] + " r=" + Long.toHexString(r[i]));
        }
    }

    @Test
    void truncationIsExactWithMasksInTheUncertainRegion() {
        Prg rng = prg(7);
        long bound = (1L << 62) - 1;
        for (int f : new int[] {16, 1, 12, 40, 63}) {
            int b = 200;
            long[] x = new long[b];
            long[] r = new long[b];
            for (int i = 0; i < b; i++) {
                x[i] = (rng.nextLong() >> 1) % (1L << 62); // |x| < 2^62
                r[i] = uncertainMask(rng);
            }
            long[] edgesX = {0, 1, -1, bound, -bound, 1L << f >>> 1, -(1L << f >>> 1), (1L << f) - 1, -(1L << f),
                -(1L << f) + 1, 12345L << 32, -(12345L << 32)};
            int k = 0;
            for (long e : edgesX) {
                if (e >= -bound && e <= bound) { // the edges of 2^f that stay inside the bound (f = 63 drops some)
                    x[k++] = e;
                }
            }
            checkTrunc(x, r, f, rng);
        }
    }

    @Test
    void truncationIsExactForEveryMaskRegionAndAtTheEdges() {
        Prg rng = prg(8);
        long bound = (1L << 62) - 1;
        long[] edgeMasks = {0, 1, -1, UNCERTAIN_LO - 1, UNCERTAIN_LO, UNCERTAIN_LO + 1, UNCERTAIN_HI - 1, UNCERTAIN_HI,
            UNCERTAIN_HI + 1, Long.MIN_VALUE, Long.MAX_VALUE, 0xffffL, 0x10000L};
        long[] edgeX = {0, 1, -1, bound, -bound, 1L << 16, -(1L << 16), (1L << 16) - 1, -(1L << 16) - 1, 7L << 40};
        List<Long> xl = new ArrayList<>();
        List<Long> rl = new ArrayList<>();
        for (long m : edgeMasks) {
            for (long x : edgeX) {
                xl.add(x);
                rl.add(m);
            }
        }
        for (int i = 0; i < 300; i++) {
            xl.add(rng.nextLong() >> 2 | 1);
            rl.add(rng.nextLong());
        }
        checkTrunc(toArray(xl), toArray(rl), 16, rng);
        // the dealer's case split
        FssGates.TruncDeal d = FssGates.truncDealer(new long[] {UNCERTAIN_LO, UNCERTAIN_LO + 1, UNCERTAIN_HI - 1,
            UNCERTAIN_HI}, 16);
        assertEquals(0, d.e()[0]);
        assertEquals(1L << 48, d.e()[1]);
        assertEquals(1L << 48, d.e()[2]);
        assertEquals(0, d.e()[3]);
        assertEquals(-(UNCERTAIN_HI >>> 16) + (1L << 48), d.cst()[3]);
        assertEquals(-(UNCERTAIN_LO >>> 16), d.cst()[0]);
        assertThrows(IllegalArgumentException.class, () -> FssGates.truncDealer(new long[1], 0));
        assertThrows(IllegalArgumentException.class, () -> FssGates.truncDealer(new long[1], 64));
    }

    @Test
    void truncationFromMaskShares() {
        Prg rng = prg(9);
        int b = 100;
        long[] x = new long[b];
        for (int i = 0; i < b; i++) {
            x[i] = rng.nextLong() >> 3;
        }
        long[][] xs = FssGates.share(x, rng);
        long[] r0 = rng.longs(b);
        long[] r1 = rng.longs(b);
        for (int i = 0; i < b; i += 2) {
            r1[i] = uncertainMask(rng) - r0[i];
        }
        FssGates.TruncKeys[] keys = FssGates.dealTrunc(r0, r1, 16, rng);
        long[] xhat = open(xs[0], xs[1], r0, r1);
        long[] in = FssGates.truncDcfInputs(xhat, 16);
        long[] t0 = FssGates.trunc(0, xhat, Dcf.evalBatch(0, keys[0].dcf(), in), keys[0]);
        long[] t1 = FssGates.trunc(1, xhat, Dcf.evalBatch(1, keys[1].dcf(), in), keys[1]);
        for (int i = 0; i < b; i++) {
            assertEquals(x[i] >> 16, t0[i] + t1[i]);
        }
    }

    // ------------------------------------------------------------------ sizes and costs

    @Test
    void keySizesAndAesCallsMatchTheFormulas() {
        Prg rng = prg(10);
        FixedKeyAes aes = FixedKeyAes.local();
        int b = 3;
        long[] xhat = rng.longs(b);

        FssGates.SelectKeys[] relu = FssGates.dealRelu(rng.longs(b), rng);
        assertEquals(2080, FssGates.RELU_KEY_BYTES);
        assertEquals(FssGates.RELU_KEY_BYTES, FssGates.selectKeyBytes(0));
        assertEquals(FssGates.RELU_KEY_BYTES, relu[0].serialize(1).length);
        assertEquals(FssGates.RELU_KEY_BYTES, relu[1].serialize(2).length);
        long before = aes.blocksHashed();
        FssGates.relu(0, relu[0], xhat);
        assertEquals(127L * b, aes.blocksHashed() - before);

        for (int extra = 1; extra <= 2; extra++) {
            int expected = 16 + 63 * (16 + 8 * (extra + 2)) + 8 + 8 * (extra + 2) + 8 * (3 + 2 * extra);
            assertEquals(expected, FssGates.selectKeyBytes(extra));
            FssGates.SelectKeys[] sel = FssGates.dealSelect(rng.longs(b), rng.longs(b * extra), extra, rng);
            assertEquals(expected, sel[0].serialize(0).length);
            assertEquals(expected, sel[1].serialize(2).length);
            before = aes.blocksHashed();
            FssGates.select(1, sel[1], xhat, rng.longs(b * extra));
            assertEquals(191L * b, aes.blocksHashed() - before);
            assertEquals(191, FssGates.selectAesCalls(extra));
        }
        assertEquals(2608, FssGates.selectKeyBytes(1));
        assertEquals(3136, FssGates.selectKeyBytes(2));

        FssGates.DreluKeys[] drelu = FssGates.dealDrelu(rng.longs(b), rng);
        assertEquals(FssGates.DRELU_KEY_BYTES, drelu[1].serialize(0).length);
        assertEquals(1560, FssGates.DRELU_KEY_BYTES);
        before = aes.blocksHashed();
        FssGates.drelu(1, drelu[1], xhat);
        assertEquals(127L * b, aes.blocksHashed() - before);

        for (int f : new int[] {16, 12, 63}) {
            FssGates.TruncKeys[] t = FssGates.dealTrunc(rng.longs(b), f, rng);
            assertEquals(16 + 24 * f + 16 + 24, FssGates.truncKeyBytes(f));
            assertEquals(FssGates.truncKeyBytes(f), t[0].serialize(0).length);
            before = aes.blocksHashed();
            FssGates.trunc(0, t[0], xhat);
            assertEquals((2L * f + 1) * b, aes.blocksHashed() - before);
            assertEquals(2L * f + 1, FssGates.truncAesCalls(f));
        }
        assertEquals(440, FssGates.truncKeyBytes(16));
        assertEquals(33, FssGates.truncAesCalls(16));
    }
}
