package io.sonic.engine.dealer;

import io.sonic.model.eval.RingKernels;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.MatMulGeometry;

/**
 * A bilinear map f(w, x) over Z_2^64 between a weight-shaped and an activation-shaped tensor: the
 * shape of a Beaver triple (A, B, C = f(A, B)) for one linear layer.
 */
public interface Bilinear {
    int weightSize();

    int inputSize();

    int outputSize();

    long[] apply(long[] w, long[] x);

    /** Matrix product X·W, or W·X when the weight is the left operand. */
    static Bilinear matmul(MatMulGeometry g, int weightSize, int inputSize, boolean weightOnLeft) {
        int out = g.batches() * g.m() * g.n();
        return new Bilinear() {
            public int weightSize() {
                return weightSize;
            }

            public int inputSize() {
                return inputSize;
            }

            public int outputSize() {
                return out;
            }

            public long[] apply(long[] w, long[] x) {
                return weightOnLeft ? RingKernels.matmul(g, w, x) : RingKernels.matmul(g, x, w);
            }
        };
    }

    static Bilinear conv(ConvGeometry g, int weightSize) {
        int in = g.batch() * g.inChannels() * g.inputPlane();
        int out = g.batch() * g.outChannels() * g.outputPositions();
        return new Bilinear() {
            public int weightSize() {
                return weightSize;
            }

            public int inputSize() {
                return in;
            }

            public int outputSize() {
                return out;
            }

            public long[] apply(long[] w, long[] x) {
                return RingKernels.conv(g, w, x);
            }
        };
    }

    /** y[i] = s[channel(i)]·x[i] (a per-channel scale). */
    static Bilinear channelScale(int channels, int size, int inner) {
        return new Bilinear() {
            public int weightSize() {
                return channels;
            }

            public int inputSize() {
                return size;
            }

            public int outputSize() {
                return size;
            }

            public long[] apply(long[] w, long[] x) {
                return RingKernels.channelScale(w, x, inner);
            }
        };
    }
}
