package io.sonic.engine.fss;

import io.sonic.engine.crypto.Prg;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Correctness of the DCF: exhaustive for small n, the edge cases for n ∈ {16, 63, 64}, batched against scalar
 * evaluation, a swapped party, AES-call accounting and a share-distribution check. Test data come from
 * fixed-seed {@link Prg} streams so every run is reproducible.
 */
class DcfTest {

    private static Prg prg(int stream) {
        byte[] seed = new byte[Prg.SEED_BYTES];
        seed[0] = 0x5d;
        return new Prg(seed, stream);
    }

    private static long low(long x, int n) {
        return n == 64 ? x : x & ((1L << n) - 1);
    }

    private static boolean less(long x, long alpha) {
        return Long.compareUnsigned(x, alpha) < 0;
    }

    /** Generates one key per (alpha, x) pair and checks both the batched and the scalar evaluation. */
    private static int checkPairs(int n, int m, long[] alphas, long[] xs, Prg rng) {
        int b = alphas.length;
        long[] betas = rng.longs(b * m);
        DcfKeys.Pair pair = Dcf.genBatch(n, m, alphas, betas, rng);
        DcfKeys k0 = pair.party(0);
        DcfKeys k1 = pair.party(1);
        long[] y0 = Dcf.evalBatch(0, k0, xs);
        long[] y1 = Dcf.evalBatch(1, k1, xs);
        long[] s0 = new long[m];
        long[] s1 = new long[m];
        for (int g = 0; g < b; g++) {
            Dcf.eval(0, k0, g, xs[g], s0, 0);
            Dcf.eval(1, k1, g, xs[g], s1, 0);
            boolean lt = less(xs[g], alphas[g]);
            for (int j = 0; j < m; j++) {
                long want = lt ? betas[g * m + j] : 0;
                int q = g * m + j;
                if (y0[q] + y1[q] != want || s0[j] != y0[q] || s1[j] != y1[q]) {
                    throw new AssertionError("n=" + n + " m=" + m + " alpha=" + Long.toHexString(alphas[g]) + " x="
                            + Long.toHexString(xs[g]) + " word " + j);
                }
            }
        }
        return b;
    }

    @Test
    void exhaustiveUpToFiveBitsForPayloadsOfOneToThreeWords() {
        Prg rng = prg(1);
        int checked = 0;
        for (int n = 1; n <= 5; n++) {
            int size = 1 << n;
            for (int m = 1; m <= 3; m++) {
                long[] alphas = new long[size * size];
                long[] xs = new long[size * size];
                for (int a = 0; a < size; a++) {
                    for (int x = 0; x < size; x++) {
                        alphas[a * size + x] = a;
                        xs[a * size + x] = x;
                    }
                }
                checked += checkPairs(n, m, alphas, xs, rng);
                // one key per alpha, evaluated (scalar) at every x
                for (int a = 0; a < size; a++) {
                    long[] beta = rng.longs(m);
                    DcfKeys.Pair p = Dcf.gen(n, a, beta, rng);
                    for (int x = 0; x < size; x++) {
                        long[] y0 = Dcf.eval(0, p.party(0), 0, x);
                        long[] y1 = Dcf.eval(1, p.party(1), 0, x);
                        for (int j = 0; j < m; j++) {
                            assertEquals(x < a ? beta[j] : 0, y0[j] + y1[j]);
                        }
                    }
                }
            }
        }
        assertEquals(3 * (4 + 16 + 64 + 256 + 1024), checked);
    }

    @Test
    void exhaustiveEightBitsOneWord() {
        long[] alphas = new long[256 * 256];
        long[] xs = new long[256 * 256];
        for (int g = 0; g < alphas.length; g++) {
            alphas[g] = g >>> 8;
            xs[g] = g & 0xff;
        }
        assertEquals(65536, checkPairs(8, 1, alphas, xs, prg(2)));
    }

    @Test
    void edgeCasesForSixteenSixtyThreeAndSixtyFourBits() {
        Prg rng = prg(3);
        int checked = 0;
        for (int n : new int[] {16, 63, 64}) {
            long top = 1L << (n - 1);
            long all = low(-1L, n);
            List<Long> alphaList = new ArrayList<>(List.of(0L, 1L, top, all));
            for (int k = 0; k < 6; k++) {
                alphaList.add(low(rng.nextLong(), n));
            }
            List<Long> as = new ArrayList<>();
            List<Long> xl = new ArrayList<>();
            for (long a : alphaList) {
                long[] points = {0, 1, a - 1, a, a + 1, top - 1, top, all, rng.nextLong(), rng.nextLong()};
                for (long x : points) {
                    as.add(a);
                    xl.add(low(x, n));
                }
            }
            long[] alphas = as.stream().mapToLong(Long::longValue).toArray();
            long[] xs = xl.stream().mapToLong(Long::longValue).toArray();
            for (int m = 1; m <= 3; m++) {
                checked += checkPairs(n, m, alphas, xs, rng);
            }
        }
        assertEquals(3 * 3 * 10 * 10, checked);
    }

    @Test
    void inputBitsAboveNAreIgnored() {
        Prg rng = prg(4);
        DcfKeys.Pair p = Dcf.gen(16, 0x8000, new long[] {5}, rng);
        long x = 0x7fffL | 0xabcd_0000_0000_0000L;
        assertEquals(5, Dcf.eval(0, p.party(0), 0, x)[0] + Dcf.eval(1, p.party(1), 0, x)[0]);
        assertThrows(IllegalArgumentException.class, () -> Dcf.gen(16, 0x1_0000, new long[] {1}, rng));
        assertThrows(IllegalArgumentException.class, () -> Dcf.gen(0, 0, new long[] {1}, rng));
        assertThrows(IllegalArgumentException.class, () -> Dcf.gen(65, 0, new long[] {1}, rng));
        assertThrows(IllegalArgumentException.class, () -> Dcf.gen(8, 0, new long[0], rng));
        assertThrows(IllegalArgumentException.class, () -> Dcf.eval(2, p.party(0), 0, 0));
    }

    @Test
    void batchedEvaluationEqualsScalarAcrossChunksAndRanges() {
        Prg rng = prg(5);
        int[][] shapes = {{63, 2, Dcf.CHUNK + 901}, {20, 3, 700}, {64, 1, 300}, {1, 4, 50}};
        assertTrue(Dcf.chunks(Dcf.CHUNK + 901) > 1, "the first batch runs in several chunks (on several threads)");
        for (int[] s : shapes) {
            int n = s[0], m = s[1], b = s[2];
            long[] alphas = new long[b];
            long[] xs = new long[b];
            for (int g = 0; g < b; g++) {
                alphas[g] = low(rng.nextLong(), n);
                // a third of the inputs share a long prefix with alpha, so the paths leave late
                xs[g] = g % 3 == 0 ? alphas[g] ^ (rng.nextLong() & 7) : low(rng.nextLong(), n);
            }
            DcfKeys.Pair pair = Dcf.genBatch(n, m, alphas, rng.longs(b * m), rng);
            for (int party = 0; party < 2; party++) {
                DcfKeys k = pair.party(party);
                long[] batch = Dcf.evalBatch(party, k, xs);
                long[] one = new long[m];
                for (int g = 0; g < b; g++) {
                    Dcf.eval(party, k, g, xs[g], one, 0);
                    assertArrayEquals(one, Arrays.copyOfRange(batch, g * m, g * m + m), "gate " + g);
                }
                // a sub-range with offsets in the input and output arrays
                int from = b / 3, count = b / 2;
                long[] xsOff = new long[count + 7];
                System.arraycopy(xs, from, xsOff, 7, count);
                long[] out = new long[count * m + 5];
                Dcf.evalBatch(party, k, from, count, xsOff, 7, out, 5);
                assertArrayEquals(Arrays.copyOfRange(batch, from * m, (from + count) * m),
                        Arrays.copyOfRange(out, 5, out.length));
            }
        }
    }

    @Test
    void keysOfABatchGeneratedInParallelChunksEqualThoseOfEachGateAlone() {
        Prg rng = prg(11);
        for (int b : new int[]{3000, 9000}) {
            assertTrue(Dcf.chunks(b) > 1, "a batch of " + b + " gates is generated in several chunks");
            long[] alphas = new long[b];
            for (int g = 0; g < b; g++) {
                alphas[g] = low(rng.nextLong(), 63);
            }
            long[] betas = rng.longs(2 * b);
            long[] s0Hi = rng.longs(b), s0Lo = rng.longs(b), s1Hi = rng.longs(b), s1Lo = rng.longs(b);
            DcfKeys.Pair all = Dcf.genBatch(63, 2, alphas, betas, s0Hi, s0Lo, s1Hi, s1Lo);
            for (int g = 0; g < b; g += 7) {
                DcfKeys.Pair one = Dcf.genBatch(63, 2, new long[]{alphas[g]}, Arrays.copyOfRange(betas, 2 * g, 2 * g + 2),
                        new long[]{s0Hi[g]}, new long[]{s0Lo[g]}, new long[]{s1Hi[g]}, new long[]{s1Lo[g]});
                for (int party = 0; party < 2; party++) {
                    assertArrayEquals(one.party(party).serialize(0), all.party(party).serialize(g),
                            "gate " + g + " of " + b + ", party " + party);
                }
            }
        }
    }

    @Test
    void swappedPartyIndexGivesWrongResults() {
        Prg rng = prg(6);
        int b = 64;
        long[] alphas = new long[b];
        long[] xs = new long[b];
        for (int g = 0; g < b; g++) {
            alphas[g] = rng.nextLong() & Long.MAX_VALUE;
            xs[g] = g % 2 == 0 ? alphas[g] - 1 : alphas[g] + 1;
        }
        long[] betas = rng.longs(2 * b);
        DcfKeys.Pair pair = Dcf.genBatch(63, 2, alphas, betas, rng);
        long[] ok0 = Dcf.evalBatch(0, pair.party(0), xs);
        long[] ok1 = Dcf.evalBatch(1, pair.party(1), xs);
        long[] sw0 = Dcf.evalBatch(1, pair.party(0), xs);
        long[] sw1 = Dcf.evalBatch(0, pair.party(1), xs);
        for (int q = 0; q < 2 * b; q++) {
            int g = q / 2;
            long want = less(xs[g], alphas[g]) ? betas[q] : 0;
            assertEquals(want, ok0[q] + ok1[q]);
            assertNotEquals(want, sw0[q] + sw1[q], "swapped parties at gate " + g);
            assertNotEquals(want, sw0[q] + ok1[q], "party 0's key evaluated as party 1, gate " + g);
            assertNotEquals(want, ok0[q] + sw1[q], "party 1's key evaluated as party 0, gate " + g);
        }
    }

    @Test
    void aesCallsMatchTheCostFormulas() {
        Prg rng = prg(7);
        FixedKeyAes aes = FixedKeyAes.local();
        int[][] shapes = {{63, 1, 127}, {63, 2, 127}, {64, 1, 129}, {16, 1, 33}, {63, 3, 191}, {63, 4, 191}};
        for (int[] s : shapes) {
            int n = s[0], m = s[1], b = 37;
            assertEquals(s[2], Dcf.evalAesBlocks(n, m));
            long[] alphas = new long[b];
            for (int g = 0; g < b; g++) {
                alphas[g] = low(rng.nextLong(), n);
            }
            long before = aes.blocksHashed();
            DcfKeys.Pair p = Dcf.genBatch(n, m, alphas, rng.longs(b * m), rng);
            assertEquals(b * Dcf.genAesBlocks(n, m), aes.blocksHashed() - before, "gen n=" + n + " m=" + m);
            before = aes.blocksHashed();
            Dcf.evalBatch(1, p.party(1), alphas);
            assertEquals(b * Dcf.evalAesBlocks(n, m), aes.blocksHashed() - before, "eval n=" + n + " m=" + m);
            before = aes.blocksHashed();
            Dcf.eval(0, p.party(0), 3, alphas[3]);
            assertEquals(Dcf.evalAesBlocks(n, m), aes.blocksHashed() - before, "scalar eval n=" + n + " m=" + m);
        }
        assertEquals(506, Dcf.genAesBlocks(63, 2));
        int[][] sizes = {{63, 1, 1544}, {63, 2, 2056}, {64, 1, 1568}, {16, 1, 416}, {39, 2, 1288}};
        for (int[] s : sizes) {
            assertEquals(s[2], DcfKeys.keyBytes(s[0], s[1]));
            DcfKeys.Pair p = Dcf.gen(s[0], 1, new long[s[1]], rng);
            assertEquals(s[2], p.party(0).serialize(0).length);
            assertEquals(s[2] - 16, p.common().toBytes().length);
            assertEquals(s[2] - 16, DcfKeys.Common.bytesPerGate(s[0], s[1]));
        }
    }

    // ------------------------------------------------------------------ share distribution

    /** Pearson's chi-squared statistic of a byte histogram against the uniform distribution. */
    static double chiSquared(int[] bytes) {
        long[] hist = new long[256];
        for (int v : bytes) {
            hist[v & 0xff]++;
        }
        double expected = bytes.length / 256.0;
        double chi = 0;
        for (long h : hist) {
            chi += (h - expected) * (h - expected) / expected;
        }
        return chi;
    }

    /**
     * Bound for 255 degrees of freedom: mean 255, standard deviation √510 ≈ 22.6, so 400 is about 6.4 standard
     * deviations (a uniform sample exceeds it with probability well below 10^-8).
     */
    private static final double CHI_BOUND = 400;

    @Test
    void chiSquaredBoundRejectsConstantAndBiasedOutputs() {
        Prg rng = prg(8);
        int[] uniform = new int[20_000];
        int[] constant = new int[20_000];
        int[] even = new int[20_000];
        int[] skewed = new int[20_000];
        for (int i = 0; i < uniform.length; i++) {
            long r = rng.nextLong();
            uniform[i] = (int) r & 0xff;
            constant[i] = 0x2a;
            even[i] = (int) r & 0xfe;
            skewed[i] = (int) (r & 0xff) | (int) ((r >>> 8) & (r >>> 16) & 1); // LSB set with probability 3/4
        }
        assertTrue(chiSquared(uniform) < CHI_BOUND);
        assertTrue(chiSquared(constant) > CHI_BOUND);
        assertTrue(chiSquared(even) > CHI_BOUND);
        assertTrue(chiSquared(skewed) > CHI_BOUND);
    }

    @Test
    void aPartysOutputIsUniformOverFreshKeys() {
        Prg rng = prg(9);
        int keys = 20_000;
        // n = 16 on both sides of alpha, and n = 63 with x just below alpha (the path leaves at the last level)
        long[][] cases = {{16, 0x8123, 0x0042}, {16, 0x8123, 0xff00}, {63, 0x2b7e151628aed2a6L, 0x2b7e151628aed2a5L}};
        for (long[] c : cases) {
            int n = (int) c[0];
            int b = n == 63 ? keys / 4 : keys;
            long[] alphas = new long[b];
            long[] xs = new long[b];
            long[] betas = new long[2 * b];
            Arrays.fill(alphas, c[1]);
            Arrays.fill(xs, c[2]);
            for (int g = 0; g < b; g++) {
                betas[2 * g] = 1;
                betas[2 * g + 1] = 0xdead_beef_0000_0001L;
            }
            DcfKeys.Pair pair = Dcf.genBatch(n, 2, alphas, betas, rng);
            for (int party = 0; party < 2; party++) {
                long[] y = Dcf.evalBatch(party, pair.party(party), xs);
                for (int word = 0; word < 2; word++) {
                    int[] lowBytes = new int[b];
                    int[] highBytes = new int[b];
                    for (int g = 0; g < b; g++) {
                        lowBytes[g] = (int) y[2 * g + word] & 0xff;
                        highBytes[g] = (int) (y[2 * g + word] >>> 56);
                    }
                    String at = "n=" + n + " x=" + Long.toHexString(c[2]) + " party " + party + " word " + word;
                    assertTrue(chiSquared(lowBytes) < CHI_BOUND, at + " low byte");
                    assertTrue(chiSquared(highBytes) < CHI_BOUND, at + " high byte");
                }
            }
        }
    }
}
