package io.sonic.model.eval;

import io.sonic.model.Shapes;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.MatMulGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;

/**
 * Bilinear and linear maps over the ring Z_2^64 (wrap-around {@code long} arithmetic), without bias
 * or truncation. The fixed-point reference and the secure engine both use them, so the secure
 * products are the very sums the reference computes.
 */
public final class RingKernels {
    private RingKernels() {
    }

    /** op(A)·op(B) as the geometry describes it. */
    public static long[] matmul(MatMulGeometry g, long[] a, long[] b) {
        int m = g.m();
        int n = g.n();
        long[] y = new long[g.batches() * m * n];
        for (int batch = 0; batch < g.batches(); batch++) {
            for (int i = 0; i < m; i++) {
                int row = (batch * m + i) * n;
                for (int k = 0; k < g.k(); k++) {
                    long aik = a[g.aIndex(batch, i, k)];
                    int base = g.bIndex(batch, k, 0);
                    int step = n > 1 ? g.bIndex(batch, k, 1) - base : 1;
                    if (step == 1) {
                        for (int j = 0; j < n; j++) {
                            y[row + j] += aik * b[base + j];
                        }
                    } else {
                        for (int j = 0; j < n; j++) {
                            y[row + j] += aik * b[base + j * step];
                        }
                    }
                }
            }
        }
        return y;
    }

    /** Positions per im2col block: a block of columns holds at most this many values (256 KiB). */
    private static final int BLOCK_VALUES = 1 << 15;

    /**
     * Convolution of input x with weights w (no bias), as a matrix product per group over im2col columns: for a
     * block of output positions, column row j holds patch element j at every position, and each output channel's
     * row is a sum of column rows scaled by its weights. Rows are separate arrays indexed alike, so the JIT
     * compiles the scaled sums to vector instructions.
     */
    public static long[] conv(ConvGeometry g, long[] w, long[] x) {
        int[] table = g.patchTable();
        int len = g.patchLength();
        int positions = g.outputPositions();
        int groups = g.group();
        int outPerGroup = g.outChannels() / groups;
        int inPerGroup = g.inChannels() / groups;
        int plane = g.inputPlane();
        long[] y = new long[g.batch() * g.outChannels() * positions];
        int block = Math.min(positions, Math.max(16, BLOCK_VALUES / len));
        long[][] cols = new long[len][block];
        long[] row = new long[block];
        for (int n = 0; n < g.batch(); n++) {
            for (int grp = 0; grp < groups; grp++) {
                int base = (n * g.inChannels() + grp * inPerGroup) * plane;
                for (int p0 = 0; p0 < positions; p0 += block) {
                    int width = Math.min(block, positions - p0);
                    for (int p = 0; p < width; p++) {
                        int t = (p0 + p) * len;
                        for (int j = 0; j < len; j++) {
                            int idx = table[t + j];
                            cols[j][p] = idx < 0 ? 0 : x[base + idx];
                        }
                    }
                    for (int mo = 0; mo < outPerGroup; mo++) {
                        int m = grp * outPerGroup + mo;
                        int wBase = m * len;
                        java.util.Arrays.fill(row, 0, width, 0L);
                        for (int j = 0; j < len; j++) {
                            scaledAdd(row, cols[j], w[wBase + j], width);
                        }
                        System.arraycopy(row, 0, y, (n * g.outChannels() + m) * positions + p0, width);
                    }
                }
            }
        }
        return y;
    }

    /** acc[i] += s · v[i] for i &lt; n (one index for both arrays, so the loop vectorises). */
    private static void scaledAdd(long[] acc, long[] v, long s, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += s * v[i];
        }
    }

    /** y[i] = s[channel(i)] · x[i], the channel being axis 1 with {@code inner} values per channel. */
    public static long[] channelScale(long[] s, long[] x, int inner) {
        int channels = s.length;
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = s[(i / inner) % channels] * x[i];
        }
        return y;
    }

    /** Sum over each pooling window, times the per-position public multiplier. */
    public static long[] windowSums(PoolGeometry g, long[] x, long[] multipliers) {
        int[] table = g.windowTable();
        int taps = g.taps();
        int outPlane = g.outputPlane();
        long[] y = new long[g.planes() * outPlane];
        for (int q = 0; q < g.planes(); q++) {
            int base = q * g.inputPlane();
            for (int p = 0; p < outPlane; p++) {
                long sum = 0;
                for (int t = 0; t < taps; t++) {
                    int idx = table[p * taps + t];
                    if (idx >= 0) {
                        sum += x[base + idx];
                    }
                }
                y[q * outPlane + p] = sum * multipliers[p];
            }
        }
        return y;
    }

    /** Maximum (of the signed values) over each pooling window; padding never wins. */
    public static long[] windowMax(PoolGeometry g, long[] x) {
        int[] table = g.windowTable();
        int taps = g.taps();
        int outPlane = g.outputPlane();
        long[] y = new long[g.planes() * outPlane];
        for (int q = 0; q < g.planes(); q++) {
            int base = q * g.inputPlane();
            for (int p = 0; p < outPlane; p++) {
                long best = Long.MIN_VALUE;
                for (int t = 0; t < taps; t++) {
                    int idx = table[p * taps + t];
                    if (idx >= 0) {
                        best = Math.max(best, x[base + idx]);
                    }
                }
                y[q * outPlane + p] = best;
            }
        }
        return y;
    }

    /**
     * Adds a product layer's encoded bias to its sums, in place: one value per output channel for a
     * convolution and a per-channel affine layer, numpy broadcasting (shape {@code biasShape}) for a
     * matrix product.
     */
    public static long[] addBias(Layer l, long[] z, long[] bias, int[] biasShape) {
        int inner;
        if (l instanceof ConvLayer c) {
            inner = c.geometry().outputPositions();
        } else if (l instanceof AffineLayer a) {
            inner = a.innerSize();
        } else {
            long[] sum = add(z, l.outputShape(), bias, biasShape, l.outputShape());
            System.arraycopy(sum, 0, z, 0, z.length);
            return z;
        }
        for (int k = 0; k < z.length; k++) {
            z[k] += bias[(k / inner) % bias.length];
        }
        return z;
    }

    /** a + b with numpy broadcasting onto {@code out}. */
    public static long[] add(long[] a, int[] aShape, long[] b, int[] bShape, int[] out) {
        int[] ia = Shapes.broadcastIndex(out, aShape);
        int[] ib = Shapes.broadcastIndex(out, bShape);
        long[] y = new long[ia.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = a[ia[i]] + b[ib[i]];
        }
        return y;
    }

    /** Each output element copies the input element the table names, or {@code fill} where it is -1. */
    public static long[] gather(int[] table, long[] x, long fill) {
        long[] y = new long[table.length];
        for (int i = 0; i < table.length; i++) {
            y[i] = table[i] < 0 ? fill : x[table[i]];
        }
        return y;
    }

    public static long[] addInPlace(long[] acc, long[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
        return acc;
    }
}
