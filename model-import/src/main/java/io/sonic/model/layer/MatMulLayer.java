package io.sonic.model.layer;

import io.sonic.model.FloatTensor;
import io.sonic.model.geometry.MatMulGeometry;

import java.util.List;

/**
 * A matrix product of the activation with a constant weight (ONNX Gemm or MatMul), plus an optional
 * bias broadcast onto the result: {@code Y = X·W + b}, or {@code Y = W·X + b} when the weight is the
 * left operand. Alpha, beta and transposed weights are folded in at import; {@code transposeInput}
 * is Gemm's transA on the activation.
 */
public final class MatMulLayer extends Layer {
    private final FloatTensor weight;
    private final boolean weightOnLeft;
    private final boolean transposeInput;
    private final FloatTensor bias;
    private final MatMulGeometry geometry;

    public MatMulLayer(String name, String sourceOp, String input, int[] inputShape, String output,
                       FloatTensor weight, boolean weightOnLeft, boolean transposeInput, FloatTensor bias) {
        this(name, sourceOp, input, inputShape, output, weight, weightOnLeft, transposeInput, bias,
                geometry(inputShape, weight.shape(), weightOnLeft, transposeInput));
    }

    private MatMulLayer(String name, String sourceOp, String input, int[] inputShape, String output,
                        FloatTensor weight, boolean weightOnLeft, boolean transposeInput, FloatTensor bias,
                        MatMulGeometry geometry) {
        super(name, sourceOp, List.of(input), List.of(inputShape), output, geometry.outputShape());
        this.weight = weight;
        this.weightOnLeft = weightOnLeft;
        this.transposeInput = transposeInput;
        this.bias = bias;
        this.geometry = geometry;
    }

    private static MatMulGeometry geometry(int[] inputShape, int[] weightShape, boolean weightOnLeft,
                                           boolean transposeInput) {
        return weightOnLeft
                ? MatMulGeometry.of(weightShape, false, inputShape, transposeInput)
                : MatMulGeometry.of(inputShape, transposeInput, weightShape, false);
    }

    /** The same product with other weights and bias (used when folding a following layer in). */
    public MatMulLayer with(String newSourceOp, String newOutput, FloatTensor newWeight, FloatTensor newBias) {
        return new MatMulLayer(name(), newSourceOp, inputs().get(0), inputShape(0), newOutput, newWeight,
                weightOnLeft, transposeInput, newBias);
    }

    @Override
    public String kind() {
        return "matmul";
    }

    public FloatTensor weight() {
        return weight;
    }

    public boolean weightOnLeft() {
        return weightOnLeft;
    }

    public boolean transposeInput() {
        return transposeInput;
    }

    /** The bias, broadcastable to the output shape, or null. */
    public FloatTensor bias() {
        return bias;
    }

    public MatMulGeometry geometry() {
        return geometry;
    }

    @Override
    public long parameterCount() {
        return weight.size() + (bias == null ? 0 : bias.size());
    }

    @Override
    public long multiplyAccumulates() {
        return geometry.multiplyAccumulates();
    }
}
