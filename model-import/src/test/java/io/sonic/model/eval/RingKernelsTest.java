package io.sonic.model.eval;

import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.Windows;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RingKernelsTest {

    /**
     * The convolution kernel (im2col blocks, vectorised scaled sums) against convolution written out from its
     * definition by coordinates, with wrap-around 64-bit values: groups, padding, strides, dilations, a batch,
     * and patches long enough that the output positions are split into several blocks, the last one partial.
     */
    @ParameterizedTest(name = "N={0} C={1} {2}x{3} M={4} k={5} stride={6} dilation={7} pad={8} group={9}")
    @CsvSource({
            "1, 1, 28, 28, 16, 5, 1, 1, 0, 1",
            "1, 16, 12, 12, 16, 5, 1, 1, 0, 1",
            "2, 4, 9, 7, 6, 3, 2, 1, 1, 2",
            "1, 3, 10, 10, 4, 3, 1, 2, 2, 1",
            "1, 64, 20, 20, 8, 3, 1, 1, 1, 1",
            "1, 8, 6, 6, 8, 3, 1, 1, 1, 8",
            "3, 2, 5, 5, 3, 5, 1, 1, 2, 1"
    })
    void convolutionEqualsItsDefinition(int batch, int c, int h, int wd, int m, int k, int stride, int dilation,
                                        int pad, int group) {
        Windows win = Windows.of(new int[]{h, wd}, new int[]{k, k}, new int[]{stride, stride},
                new int[]{dilation, dilation}, new int[]{pad, pad, pad, pad}, "NOTSET", false);
        ConvGeometry g = new ConvGeometry(new int[]{batch, c, h, wd}, new int[]{m, c / group, k, k}, win, group);
        SplittableRandom r = new SplittableRandom(31L * batch + 7L * c + h + m + k);
        long[] w = r.longs((long) m * (c / group) * k * k).toArray();
        long[] x = r.longs((long) batch * c * h * wd).toArray();
        int oh = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int ow = (wd + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int inPer = c / group;
        int outPer = m / group;
        long[] expected = new long[batch * m * oh * ow];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < m; o++) {
                int grp = o / outPer;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        long sum = 0;
                        for (int ci = 0; ci < inPer; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * stride - pad + ky * dilation;
                                    int ix = ox * stride - pad + kx * dilation;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                        continue;
                                    }
                                    long wv = w[((o * inPer + ci) * k + ky) * k + kx];
                                    long xv = x[((n * c + grp * inPer + ci) * h + iy) * wd + ix];
                                    sum += wv * xv;
                                }
                            }
                        }
                        expected[((n * m + o) * oh + oy) * ow + ox] = sum;
                    }
                }
            }
        }
        assertArrayEquals(expected, RingKernels.conv(g, w, x));
    }
}
