package io.sonic.engine.protocol;

import io.sonic.model.geometry.PoolGeometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Secure max pooling by pairwise secure maximum, max(a, b) = b + (a − b)·DReLU(a − b), in a tree:
 * each level pairs up the remaining candidates of every window of the layer, and all pairs of a level
 * go through one {@link MsbProtocol} and one {@link SelectProtocol} together. Windows lose their
 * padded positions first (padding never wins), so the pairing depends only on public geometry.
 *
 * <p>Cost: ⌈log2 k⌉ levels for windows of k values, each 8 rounds and {@link ReluProtocol#bytes}(p)
 * bytes for its p pairs.
 */
public final class MaxPoolProtocol {
    private MaxPoolProtocol() {
    }

    /** Candidate input indices (flat, including the plane offset) of every output element. */
    static int[][] windows(PoolGeometry g) {
        int[] table = g.windowTable();
        int taps = g.taps();
        int outPlane = g.outputPlane();
        int[][] w = new int[g.planes() * outPlane][];
        for (int q = 0; q < g.planes(); q++) {
            int base = q * g.inputPlane();
            for (int p = 0; p < outPlane; p++) {
                int[] c = new int[taps];
                int k = 0;
                for (int t = 0; t < taps; t++) {
                    int idx = table[p * taps + t];
                    if (idx >= 0) {
                        c[k++] = base + idx;
                    }
                }
                w[q * outPlane + p] = Arrays.copyOf(c, k);
            }
        }
        return w;
    }

    /** Number of pairs compared at each level for windows of the given sizes. */
    public static int[] pairsPerLevel(int[] sizes) {
        List<Integer> levels = new ArrayList<>();
        int[] s = sizes.clone();
        while (Arrays.stream(s).anyMatch(x -> x > 1)) {
            int pairs = 0;
            for (int i = 0; i < s.length; i++) {
                pairs += s[i] / 2;
                s[i] = s[i] / 2 + s[i] % 2;
            }
            levels.add(pairs);
        }
        return levels.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Pairs compared at each level of the layer's tree. */
    public static int[] pairsPerLevelOf(PoolGeometry g) {
        return pairsPerLevel(windowSizes(g));
    }

    /** Exact bytes both directions for the layer. */
    public static long bytes(PoolGeometry g) {
        long b = 0;
        for (int pairs : pairsPerLevelOf(g)) {
            b += ReluProtocol.bytes(pairs);
        }
        return b;
    }

    public static int levels(PoolGeometry g) {
        return pairsPerLevelOf(g).length;
    }

    /** The candidate values of every window of the layer (padding left out), from the input shares. */
    public static long[][] candidates(PoolGeometry g, long[] x) {
        int[][] windows = windows(g);
        long[][] cand = new long[windows.length][];
        for (int o = 0; o < windows.length; o++) {
            cand[o] = new long[windows[o].length];
            for (int k = 0; k < windows[o].length; k++) {
                cand[o][k] = x[windows[o][k]];
            }
        }
        return cand;
    }

    /** The sizes of the layer's windows without their padded positions. */
    public static int[] windowSizes(PoolGeometry g) {
        return Arrays.stream(windows(g)).mapToInt(w -> w.length).toArray();
    }

    /** One suite's ReLU on the shares of a level's differences a − b. */
    @FunctionalInterface
    public interface PairwiseRelu {
        long[] relu(PartyContext ctx, int layer, long[] differences);
    }

    /** Reduces each candidate list to its maximum with the Sonic suite's ReLU. */
    public static long[] tree(PartyContext ctx, int layer, long[][] cand) {
        return tree(ctx, layer, cand, ReluProtocol::relu);
    }

    /**
     * Reduces each candidate list to its maximum, all lists level by level together: each level pairs the
     * candidates up and takes max(a, b) = b + ReLU(a − b) with the given suite's ReLU, every pair in one go.
     */
    public static long[] tree(PartyContext ctx, int layer, long[][] cand, PairwiseRelu pairwise) {
        int level = 0;
        while (Arrays.stream(cand).anyMatch(c -> c.length > 1)) {
            level++;
            int pairs = 0;
            for (long[] c : cand) {
                pairs += c.length / 2;
            }
            long[] diff = new long[pairs];
            long[] low = new long[pairs];
            int k = 0;
            for (long[] c : cand) {
                for (int i = 0; i + 1 < c.length; i += 2) {
                    diff[k] = c[i] - c[i + 1];
                    low[k] = c[i + 1];
                    k++;
                }
            }
            ctx.channel().section("max level " + level + ", " + pairs + " pairs max(a, b) = b + ReLU(a − b)");
            long[] sel = pairwise.relu(ctx, layer, diff);
            k = 0;
            for (int o = 0; o < cand.length; o++) {
                long[] c = cand[o];
                long[] next = new long[c.length / 2 + c.length % 2];
                for (int i = 0; i + 1 < c.length; i += 2) {
                    next[i / 2] = low[k] + sel[k];
                    k++;
                }
                if (c.length % 2 == 1) {
                    next[next.length - 1] = c[c.length - 1];
                }
                cand[o] = next;
            }
        }
        long[] y = new long[cand.length];
        for (int o = 0; o < y.length; o++) {
            y[o] = cand[o][0];
        }
        return y;
    }
}
