package io.sonic.model.layer;

import io.sonic.model.Shapes;

import java.util.List;

/**
 * One step of an imported model: reads one or two activation tensors (by name), writes one.
 * Weights are plaintext here; the model owner secret-shares them before anything leaves its machine.
 * Layers are immutable.
 */
public abstract sealed class Layer
        permits MatMulLayer, ConvLayer, AddLayer, BiasAddLayer, AffineLayer, ReluLayer, MaxPoolLayer,
        AvgPoolLayer, ReshapeLayer, PadLayer, TransposeLayer, ConcatLayer {

    private final String name;
    private final String sourceOp;
    private final List<String> inputs;
    private final List<int[]> inputShapes;
    private final String output;
    private final int[] outputShape;

    protected Layer(String name, String sourceOp, List<String> inputs, List<int[]> inputShapes, String output,
                    int[] outputShape) {
        this.name = name;
        this.sourceOp = sourceOp;
        this.inputs = List.copyOf(inputs);
        this.inputShapes = inputShapes.stream().map(int[]::clone).toList();
        this.output = output;
        this.outputShape = outputShape.clone();
    }

    /** The ONNX node name (or a generated one when the node had none). */
    public String name() {
        return name;
    }

    /** The ONNX op this layer came from, e.g. "Gemm" or "Conv+BatchNormalization" after folding. */
    public String sourceOp() {
        return sourceOp;
    }

    /** A short name of what the layer computes, independent of the ONNX spelling. */
    public abstract String kind();

    public List<String> inputs() {
        return inputs;
    }

    public int[] inputShape(int i) {
        return inputShapes.get(i).clone();
    }

    public String output() {
        return output;
    }

    public int[] outputShape() {
        return outputShape.clone();
    }

    public int outputSize() {
        return Shapes.size(outputShape);
    }

    /** Number of weight and bias values (0 for layers without parameters). */
    public long parameterCount() {
        return 0;
    }

    /** Multiply-accumulate operations of one evaluation (0 for layers without products). */
    public long multiplyAccumulates() {
        return 0;
    }

    @Override
    public String toString() {
        return kind() + " " + name + " " + Shapes.format(inputShapes.get(0)) + " -> " + Shapes.format(outputShape);
    }
}
