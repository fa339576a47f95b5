package io.sonic.desktop.learn;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.geometry.Windows;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.layer.ReshapeLayer;

import java.util.List;

/**
 * The public structure of the sample model mnist-m2 (the paper's network M2, see
 * sample-models/mnist-m2/MODEL.md) with zero weights, as the importer leaves it after folding each
 * BatchNormalization into the product before it: the Learn pages price its layers with the engine's
 * {@code CostModel}, and a test holds this structure to the imported model and to a measured run.
 */
public final class M2Structure {
    public static final int CONV1 = 0;
    public static final int POOL1 = 1;
    public static final int RELU1 = 2;
    public static final int CONV2 = 3;
    public static final int POOL2 = 4;
    public static final int RELU2 = 5;
    public static final int FLATTEN = 6;
    public static final int FC1 = 7;
    public static final int RELU3 = 8;
    public static final int FC2 = 9;

    private static final ModelGraph GRAPH = build();

    private M2Structure() {
    }

    public static ModelGraph graph() {
        return GRAPH;
    }

    public static Layer layer(int index) {
        return GRAPH.layers().get(index);
    }

    private static ModelGraph build() {
        ConvLayer conv1 = conv("conv1", "input", "c1", 1, 28, 16);
        MaxPoolLayer pool1 = pool("pool1", "c1", "p1", 16, 24);
        ReluLayer relu1 = new ReluLayer("relu1", "Relu", "p1", new int[] {1, 16, 12, 12}, "r1");
        ConvLayer conv2 = conv("conv2", "r1", "c2", 16, 12, 16);
        MaxPoolLayer pool2 = pool("pool2", "c2", "p2", 16, 8);
        ReluLayer relu2 = new ReluLayer("relu2", "Relu", "p2", new int[] {1, 16, 4, 4}, "r2");
        ReshapeLayer flat = new ReshapeLayer("flatten", "Flatten", "r2", new int[] {1, 16, 4, 4}, "f",
                new int[] {1, 256});
        MatMulLayer fc1 = new MatMulLayer("fc1", "Gemm+BatchNormalization", "f", new int[] {1, 256}, "h",
                FloatTensor.zeros(256, 100), false, false, FloatTensor.zeros(100));
        ReluLayer relu3 = new ReluLayer("relu3", "Relu", "h", new int[] {1, 100}, "r3");
        MatMulLayer fc2 = new MatMulLayer("fc2", "Gemm+BatchNormalization", "r3", new int[] {1, 100}, "logits",
                FloatTensor.zeros(100, 10), false, false, FloatTensor.zeros(10));
        return new ModelGraph("mnist-m2 (structure)", "Learn", 13, "input", new int[] {1, 1, 28, 28}, "logits",
                new int[] {1, 10}, List.of(conv1, pool1, relu1, conv2, pool2, relu2, flat, fc1, relu3, fc2));
    }

    private static ConvLayer conv(String name, String in, String out, int channels, int size, int filters) {
        int[] input = {1, channels, size, size};
        int[] weight = {filters, channels, 5, 5};
        Windows w = Windows.of(new int[] {size, size}, new int[] {5, 5}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {0, 0, 0, 0}, "NOTSET", false);
        return new ConvLayer(name, "Conv+BatchNormalization", in, out, FloatTensor.zeros(weight),
                FloatTensor.zeros(filters), new ConvGeometry(input, weight, w, 1));
    }

    private static MaxPoolLayer pool(String name, String in, String out, int channels, int size) {
        Windows w = Windows.of(new int[] {size, size}, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {0, 0, 0, 0}, "NOTSET", false);
        return new MaxPoolLayer(name, "MaxPool", in, out, new PoolGeometry(new int[] {1, channels, size, size}, w,
                false, false));
    }
}
