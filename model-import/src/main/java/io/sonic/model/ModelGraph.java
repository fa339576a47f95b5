package io.sonic.model;

import io.sonic.model.layer.Layer;

import java.util.List;

/**
 * An imported model: one input, one output and the layers between them in an order where every
 * layer comes after the layers it reads from. Shapes are static. The same graph is walked by the
 * float evaluator, the fixed-point evaluator and the secure engine.
 */
public record ModelGraph(String name, String producer, int opset, String inputName, int[] inputShape,
                         String outputName, int[] outputShape, List<Layer> layers) {

    public ModelGraph {
        inputShape = inputShape.clone();
        outputShape = outputShape.clone();
        layers = List.copyOf(layers);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] outputShape() {
        return outputShape.clone();
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
