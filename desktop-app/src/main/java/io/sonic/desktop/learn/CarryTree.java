package io.sonic.desktop.learn;

import java.util.ArrayList;
import java.util.List;

/**
 * The carry tree of Sonic's MSB extraction ({@code io.sonic.engine.protocol.MsbProtocol}) on plain
 * bits, for an ℓ-bit ring: the same pairing, level by level, so that a worked example shows exactly
 * what the protocol computes under its XOR shares. For x = x₀ + x₁ with a = bits of x₀ and b = bits of
 * x₁: g_j = a_j ∧ b_j, p_j = a_j ⊕ b_j for j = 0 … ℓ−2; adjacent segments combine as
 * (G_h, P_h)∘(G_l, P_l) = (G_h ⊕ P_h∧G_l, P_h∧P_l), an odd segment out passes up unchanged, and the
 * segment holding bit 0 never computes its P. The top G is the carry into bit ℓ−1, and
 * MSB = a_{ℓ−1} ⊕ b_{ℓ−1} ⊕ carry.
 */
public final class CarryTree {
    private CarryTree() {
    }

    /** A segment of bits low…high with its generate G and propagate P (P = −1 where never computed). */
    public record Segment(int low, int high, int g, int p) {
        public boolean hasP() {
            return p >= 0;
        }
    }

    /**
     * One evaluation: level 0 holds the single bits (g_j, p_j), each later level the combined
     * segments; the last level holds one segment whose G is the carry.
     */
    public record Evaluation(Ring ring, long a, long b, List<List<Segment>> levels, int carry, int msb) {
        public List<Segment> bits() {
            return levels.get(0);
        }

        /** The AND gates of round r (0 = the generates), per element. */
        public int gates(int round) {
            return gatesPerRound(ring.bits()).get(round);
        }
    }

    /** Number of segments at each level: ℓ−1 single bits, then ⌈s/2⌉ until 1. For ℓ = 64: 63, 32, …, 1. */
    public static List<Integer> segmentsPerLevel(int ringBits) {
        List<Integer> s = new ArrayList<>();
        for (int n = ringBits - 1; ; n = n / 2 + n % 2) {
            s.add(n);
            if (n <= 1) {
                return s;
            }
        }
    }

    /** Tree levels above the bits (one AND round each). */
    public static int levels(int ringBits) {
        return segmentsPerLevel(ringBits).size() - 1;
    }

    /**
     * AND gates per element in each round of the MSB extraction: first the ℓ−1 generates, then per
     * level one G product per pair and one P product per pair except the pair holding bit 0.
     */
    public static List<Integer> gatesPerRound(int ringBits) {
        List<Integer> gates = new ArrayList<>();
        List<Integer> segments = segmentsPerLevel(ringBits);
        gates.add(ringBits - 1);
        for (int i = 0; i + 1 < segments.size(); i++) {
            int pairs = segments.get(i) / 2;
            gates.add(pairs + pairs - 1);
        }
        return gates;
    }

    /** All AND gates per element (181 for ℓ = 64). */
    public static int gatesPerElement(int ringBits) {
        return gatesPerRound(ringBits).stream().mapToInt(Integer::intValue).sum();
    }

    /** Rounds of the MSB extraction: one for the generates, one per tree level (7 for ℓ = 64). */
    public static int msbRounds(int ringBits) {
        return 1 + levels(ringBits);
    }

    /** Evaluates the tree on a = x₀ and b = x₁ (plain bits, as the shares would reconstruct them). */
    public static Evaluation evaluate(Ring ring, long a, long b) {
        int low = ring.bits() - 1;
        List<List<Segment>> levels = new ArrayList<>();
        List<Segment> cur = new ArrayList<>();
        for (int j = 0; j < low; j++) {
            int aj = ring.bit(a, j);
            int bj = ring.bit(b, j);
            cur.add(new Segment(j, j, aj & bj, aj ^ bj));
        }
        levels.add(cur);
        while (cur.size() > 1) {
            List<Segment> next = new ArrayList<>();
            int pairs = cur.size() / 2;
            for (int i = 0; i < pairs; i++) {
                Segment lo = cur.get(2 * i);
                Segment hi = cur.get(2 * i + 1);
                int g = hi.g() ^ (hi.p() & lo.g());
                int p = i == 0 ? -1 : hi.p() & lo.p();
                next.add(new Segment(lo.low(), hi.high(), g, p));
            }
            if (cur.size() % 2 == 1) {
                next.add(cur.get(cur.size() - 1));
            }
            levels.add(next);
            cur = next;
        }
        int carry = cur.get(0).g();
        int msb = ring.bit(a, low) ^ ring.bit(b, low) ^ carry;
        return new Evaluation(ring, ring.reduce(a), ring.reduce(b), List.copyOf(levels), carry, msb);
    }
}
