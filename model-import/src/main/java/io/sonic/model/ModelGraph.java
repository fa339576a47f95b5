package io.sonic.model;

import io.sonic.model.layer.Layer;

import java.util.List;

/**
 * An imported model: one input, one output and the layers between them in an order where every
 * layer comes after the layers it reads from. Shapes are static. The same graph is walked by the
 * float evaluator, the fixed-point evaluator and the secure engine.
 */
public record ModelGraph(String name, String producer, int opset, String inputName, int[] inputShape,
                         String outputName, int[] outputShape, List<Layer> layers, String leftOutFinalOp) {

    /**
     * @param leftOutFinalOp the model's final {@code Softmax}, {@code LogSoftmax} or {@code Sigmoid}, which the graph
     *                       leaves out (its output is the logits that operator read; it does not change the label,
     *                       {@link Scores}), or ""
     */
    public ModelGraph {
        inputShape = inputShape.clone();
        outputShape = outputShape.clone();
        layers = List.copyOf(layers);
        leftOutFinalOp = leftOutFinalOp == null ? "" : leftOutFinalOp;
    }

    /** A graph that leaves nothing out at its end. */
    public ModelGraph(String name, String producer, int opset, String inputName, int[] inputShape,
                      String outputName, int[] outputShape, List<Layer> layers) {
        this(name, producer, opset, inputName, inputShape, outputName, outputShape, layers, "");
    }

    /**
     * What the graph leaves out at its end, for users, or null when nothing: its output is then the logits, and
     * the class probabilities are {@link Scores#probabilities} of them, which the user computes after reconstruction.
     */
    public String leftOutNote() {
        return leftOutFinalOp.isEmpty() ? null : "the model's final " + leftOutFinalOp + " is left out: Sonic computes"
                + " the logits it reads securely (the label is the same; the user computes the class probabilities from"
                + " them after reconstructing them)";
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] outputShape() {
        return outputShape.clone();
    }

    /**
     * Refuses a model exported with a fixed batch of several samples (its input's and its output's leading axes
     * the same size above 1), where it is to be run as one query: Sonic runs one sample per query, and reading
     * such an output as one sample's scores gives a meaningless label. (The importer reads such graphs, as
     * ONNX's own test data has them; the user-facing paths call this.)
     */
    public ModelGraph requireOneSample() {
        if (inputShape.length >= 2 && inputShape[0] >= 2 && outputShape.length >= 2
                && outputShape[0] == inputShape[0]) {
            throw new UnsupportedModelException("input " + Names.quote(inputName) + " has a fixed batch of "
                    + inputShape[0] + " samples (shape " + Shapes.format(inputShape) + ") and output "
                    + Names.quote(outputName) + " keeps it (" + Shapes.format(outputShape) + "), but Sonic runs one"
                    + " sample per query; re-export the model with batch size 1 or a dynamic batch axis (PyTorch:"
                    + " torch.onnx.export(..., dynamic_axes={'" + Names.clean(inputName) + "': {0: 'batch'}})) and"
                    + " run several samples with --batch");
        }
        return this;
    }

    public int inputSize() {
        return Shapes.size(inputShape);
    }

    public int outputSize() {
        return Shapes.size(outputShape);
    }

    public long parameterCount() {
        return layers.stream().mapToLong(Layer::parameterCount).sum();
    }

    public long multiplyAccumulates() {
        return layers.stream().mapToLong(Layer::multiplyAccumulates).sum();
    }
}
