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

    /** One product of the map: z[out] += w[weight]·x[input]. */
    @FunctionalInterface
    interface TermSink {
        void term(int weight, int input, int out);
    }

    /**
     * Every product of the map, once each: f(w, x)[z] is the sum of w[i]·x[j] over the terms (i, j, z) with
     * that z. Lets a protocol that makes triples without a dealer multiply one operand's elements into the
     * other's exactly where the map does.
     */
    void terms(TermSink sink);

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

            public void terms(TermSink sink) {
                for (int batch = 0; batch < g.batches(); batch++) {
                    for (int i = 0; i < g.m(); i++) {
                        for (int kk = 0; kk < g.k(); kk++) {
                            int a = g.aIndex(batch, i, kk);
                            for (int j = 0; j < g.n(); j++) {
                                int b = g.bIndex(batch, kk, j);
                                int z = (batch * g.m() + i) * g.n() + j;
                                if (weightOnLeft) {
                                    sink.term(a, b, z);
                                } else {
                                    sink.term(b, a, z);
                                }
                            }
                        }
                    }
                }
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

            public void terms(TermSink sink) {
                int[] table = g.patchTable();
                int len = g.patchLength();
                int positions = g.outputPositions();
                int outPerGroup = g.outChannels() / g.group();
                int inPerGroup = g.inChannels() / g.group();
                for (int n = 0; n < g.batch(); n++) {
                    for (int grp = 0; grp < g.group(); grp++) {
                        int base = (n * g.inChannels() + grp * inPerGroup) * g.inputPlane();
                        for (int p = 0; p < positions; p++) {
                            for (int j = 0; j < len; j++) {
                                int idx = table[p * len + j];
                                if (idx < 0) {
                                    continue;
                                }
                                for (int mo = 0; mo < outPerGroup; mo++) {
                                    int m = grp * outPerGroup + mo;
                                    sink.term(m * len + j, base + idx, (n * g.outChannels() + m) * positions + p);
                                }
                            }
                        }
                    }
                }
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

            public void terms(TermSink sink) {
                for (int i = 0; i < size; i++) {
                    sink.term((i / inner) % channels, i, i);
                }
            }
        };
    }
}
