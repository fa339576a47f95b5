package io.sonic.cloud.wire;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.geometry.Windows;
import io.sonic.model.layer.AddLayer;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConcatLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.PadLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.layer.ReshapeLayer;
import io.sonic.model.layer.TransposeLayer;
import io.sonic.model.onnx.OnnxImporter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Models for the wire tests: the shipped samples, and a small graph with every layer kind. */
final class WireFixtures {
    static final List<String> SAMPLES = List.of("breast-cancer", "mnist-m1", "mnist-m2", "fashion-cnn", "cifar-c1",
            "cifar-c2");

    private WireFixtures() {
    }

    static Path sampleRoot() {
        return Path.of(System.getProperty("sonic.root", "..")).resolve("sample-models").toAbsolutePath().normalize();
    }

    static ModelGraph sample(String name) {
        return OnnxImporter.read(sampleRoot().resolve(name).resolve(name + ".onnx"));
    }

    static List<float[]> sampleInputs(String name, int limit) {
        return InputCsv.read(sampleRoot().resolve(name).resolve("inputs.csv"), -1, limit);
    }

    /** Trained sample models, whose float label the secure run must reproduce exactly. */
    static boolean trained(String name) {
        return !name.startsWith("cifar");
    }

    /**
     * A graph with every layer kind and the window variants the samples lack: constant padding with
     * a non-zero value, a grouped strided convolution with automatic (SAME_UPPER) padding, a
     * per-channel affine, a ceil-mode max pooling, an average pooling counting its padding, a
     * bias-free convolution, a residual addition, global max and average pooling, a product with the
     * weight on the left of a transposed input, a bias addition, a product with a broadcast bias,
     * a transpose and a concatenation.
     * Weights are drawn from {@code seed}.
     */
    static ModelGraph everyKind(long seed) {
        Random r = new Random(seed);
        List<Layer> layers = new ArrayList<>();
        int[] x = {1, 2, 6, 6};
        layers.add(new PadLayer("pad", "Pad", "x", x, "padded", new int[] {0, 0, 1, 0, 0, 0, 0, 1}, 0.5f));
        int[] padded = {1, 2, 7, 7};
        Windows same = Windows.of(new int[] {7, 7}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[4],
                "SAME_UPPER", false);
        ConvGeometry g0 = new ConvGeometry(padded, new int[] {4, 1, 3, 3}, same, 2);
        layers.add(new ConvLayer("conv0", "Conv", "padded", "c0", random(r, 0.5f, 4, 1, 3, 3), random(r, 0.2f, 4), g0));
        int[] c0 = g0.outputShape(); // [1,4,4,4]
        layers.add(new AffineLayer("bn", "BatchNormalization", "c0", c0, "a0", random(r, 1f, 4), random(r, 0.2f, 4)));
        layers.add(new ReluLayer("relu0", "Relu", "a0", c0, "r0"));
        Windows ceil = Windows.of(new int[] {4, 4}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[4],
                "NOTSET", true);
        PoolGeometry mp = new PoolGeometry(c0, ceil, false, false);
        layers.add(new MaxPoolLayer("maxceil", "MaxPool", "r0", "m0", mp));
        int[] m0 = mp.outputShape(); // [1,4,2,2]
        Windows padded2 = Windows.of(new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1, 1, 1}, "NOTSET", false);
        PoolGeometry ap = new PoolGeometry(m0, padded2, true, false);
        layers.add(new AvgPoolLayer("avgpad", "AveragePool", "m0", "p0", ap));
        int[] p0 = ap.outputShape(); // [1,4,3,3]
        Windows one = Windows.of(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[4],
                "NOTSET", false);
        ConvGeometry g1 = new ConvGeometry(p0, new int[] {4, 4, 1, 1}, one, 1);
        layers.add(new ConvLayer("conv1", "Conv", "p0", "c1", random(r, 0.5f, 4, 4, 1, 1), null, g1));
        layers.add(new AddLayer("residual", "Add", "p0", p0, "c1", g1.outputShape(), "s0"));
        layers.add(new MaxPoolLayer("gmax", "GlobalMaxPool", "s0", "gm", PoolGeometry.global(p0)));
        layers.add(new AvgPoolLayer("gavg", "GlobalAveragePool", "s0", "ga", PoolGeometry.global(p0)));
        int[] pooled = {1, 4, 1, 1};
        layers.add(new AddLayer("sum", "Add", "gm", pooled, "ga", pooled, "s1"));
        layers.add(new ReshapeLayer("flatten", "Flatten", "s1", pooled, "f0", new int[] {1, 4}));
        layers.add(new MatMulLayer("left", "Gemm", "f0", new int[] {1, 4}, "l0", random(r, 0.5f, 3, 4), true, true,
                random(r, 0.2f, 3, 1)));
        layers.add(new ReshapeLayer("row", "Reshape", "l0", new int[] {3, 1}, "l1", new int[] {1, 3}));
        layers.add(new BiasAddLayer("shift", "Add", "l1", new int[] {1, 3}, "b0", random(r, 0.2f, 3)));
        layers.add(new MatMulLayer("fc", "MatMul", "b0", new int[] {1, 3}, "z", random(r, 0.5f, 3, 6), false,
                false, random(r, 0.2f, 1, 6)));
        layers.add(new ReshapeLayer("grid", "Reshape", "z", new int[] {1, 6}, "z2", new int[] {1, 2, 3}));
        layers.add(new TransposeLayer("swap", "Transpose", "z2", new int[] {1, 2, 3}, "z3", new int[] {0, 2, 1}));
        layers.add(new ReshapeLayer("pairs", "Reshape", "z", new int[] {1, 6}, "z4", new int[] {1, 3, 2}));
        layers.add(new ConcatLayer("join", "Concat", List.of("z3", "z4"), List.of(new int[] {1, 3, 2}, new int[] {1, 3, 2}),
                "logits", 2));
        return new ModelGraph("every-kind", "wire tests", 13, "x", x, "logits", new int[] {1, 3, 4}, layers);
    }

    static float[] randomInput(ModelGraph g, long seed) {
        Random r = new Random(seed);
        float[] v = new float[g.inputSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static FloatTensor random(Random r, float scale, int... shape) {
        float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return new FloatTensor(shape, v);
    }
}
