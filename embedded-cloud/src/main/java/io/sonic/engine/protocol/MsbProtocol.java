package io.sonic.engine.protocol;

import io.sonic.engine.dealer.Need;

import java.util.ArrayList;
import java.util.List;

/**
 * DReLU(x) = 1 − MSB(x) on additive shares x = x₀ + x₁, the Sonic way. The MSB is the top bit of the
 * sum of two numbers each known to one server: party 0 feeds the bits a of x₀, party 1 the bits b of
 * x₁. With g_j = a_j ∧ b_j and p_j = a_j ⊕ b_j (p is XOR-shared for free), a parallel-prefix
 * (Kogge–Stone style) reduction combines (G, P) pairs, (G_h, P_h)∘(G_l, P_l) = (G_h ⊕ P_h∧G_l, P_h∧P_l),
 * over bits 0…62 to the carry into bit 63; MSB = a₆₃ ⊕ b₆₃ ⊕ carry. All elements are bit-sliced
 * (64 per word) and every level's ANDs go in one message.
 *
 * <p>Cost for n elements, W = ⌈n/64⌉ words: {@value #ANDS_PER_LANE}·W word-ANDs, i.e.
 * 32·{@value #ANDS_PER_LANE}·W bytes (both directions) in {@value #ROUNDS} rounds; the result is a
 * bit-sliced XOR share of DReLU(x).
 */
public final class MsbProtocol {
    /** Carry bits: the sum's bits 0…62 feed the carry into bit 63. */
    private static final int LOW_BITS = 63;
    /** ANDs per element lane: 63 generates, then the reduction tree's G and P products. */
    public static final int ANDS_PER_LANE = andsPerLane();
    /** One round for the generates, then one per tree level: 1 + ⌈log2 63⌉ = 7. */
    public static final int ROUNDS = 1 + levels();

    private MsbProtocol() {
    }

    private static int andsPerLane() {
        int ands = LOW_BITS;
        int segments = LOW_BITS;
        while (segments > 1) {
            int pairs = segments / 2;
            ands += pairs + (pairs - 1);
            segments = pairs + segments % 2;
        }
        return ands;
    }

    private static int levels() {
        int levels = 0;
        for (int segments = LOW_BITS; segments > 1; segments = segments / 2 + segments % 2) {
            levels++;
        }
        return levels;
    }

    public static Need.Ands ands(int layer, int n) {
        return new Need.Ands(layer, ANDS_PER_LANE * BitSlice.words(n));
    }

    /** The ideal functionality: 1 when x ≥ 0 as a signed 64-bit value. */
    public static long idealDrelu(long x) {
        return x >= 0 ? 1 : 0;
    }

    /** Bit-sliced XOR share of DReLU for each element of the share x. */
    public static long[] drelu(PartyContext ctx, int layer, long[] x) {
        int words = BitSlice.words(x.length);
        var triples = ctx.randomness().take(ands(layer, x.length));
        long[][] own = BitSlice.planes(x);
        boolean zero = ctx.isZero();
        long[] none = new long[words];
        // generates g_j = a_j ∧ b_j: party 0 holds a (and 0 for b), party 1 holds b (and 0 for a)
        long[] xs = new long[LOW_BITS * words];
        long[] ys = new long[LOW_BITS * words];
        for (int j = 0; j < LOW_BITS; j++) {
            System.arraycopy(zero ? own[j] : none, 0, xs, j * words, words);
            System.arraycopy(zero ? none : own[j], 0, ys, j * words, words);
        }
        long[] g = AndGates.and(ctx, triples, xs, ys, "the generates g = a ∧ b (bits 0…62)");
        List<long[]> gs = new ArrayList<>();
        List<long[]> ps = new ArrayList<>();
        for (int j = 0; j < LOW_BITS; j++) {
            gs.add(java.util.Arrays.copyOfRange(g, j * words, (j + 1) * words));
            ps.add(own[j]);
        }
        int level = 0;
        while (gs.size() > 1) {
            level++;
            int pairs = gs.size() / 2;
            int gates = pairs + (pairs - 1);
            long[] left = new long[gates * words];
            long[] right = new long[gates * words];
            int k = 0;
            for (int i = 0; i < pairs; i++) {
                long[] pHigh = ps.get(2 * i + 1);
                System.arraycopy(pHigh, 0, left, k * words, words);
                System.arraycopy(gs.get(2 * i), 0, right, k * words, words);
                k++;
                if (i > 0) {
                    System.arraycopy(pHigh, 0, left, k * words, words);
                    System.arraycopy(ps.get(2 * i), 0, right, k * words, words);
                    k++;
                }
            }
            long[] z = AndGates.and(ctx, triples, left, right, "carry-tree level " + level + " (" + gs.size()
                    + " segments to " + (pairs + gs.size() % 2) + ")");
            List<long[]> nextG = new ArrayList<>();
            List<long[]> nextP = new ArrayList<>();
            k = 0;
            for (int i = 0; i < pairs; i++) {
                long[] gHigh = gs.get(2 * i + 1);
                long[] newG = new long[words];
                for (int w = 0; w < words; w++) {
                    newG[w] = gHigh[w] ^ z[k * words + w];
                }
                k++;
                nextG.add(newG);
                if (i > 0) {
                    nextP.add(java.util.Arrays.copyOfRange(z, k * words, (k + 1) * words));
                    k++;
                } else {
                    nextP.add(null);
                }
            }
            if (gs.size() % 2 == 1) {
                nextG.add(gs.get(gs.size() - 1));
                nextP.add(ps.get(ps.size() - 1));
            }
            gs = nextG;
            ps = nextP;
        }
        long[] carry = gs.get(0);
        long[] d = new long[words];
        for (int w = 0; w < words; w++) {
            d[w] = own[63][w] ^ carry[w] ^ (zero ? -1L : 0L);
        }
        if (triples.remaining() != 0) {
            throw new IllegalStateException("MSB protocol left " + triples.remaining() + " AND words unused");
        }
        return d;
    }
}
