package io.sonic.engine;

import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.onnx.OnnxImporter;

import java.nio.file.Path;
import java.util.List;

/** The shipped sample models, for engine tests. */
public record SampleModels(String name) {
    public static final List<SampleModels> ALL = List.of(new SampleModels("breast-cancer"),
            new SampleModels("mnist-m1"), new SampleModels("mnist-m2"), new SampleModels("fashion-cnn"),
            new SampleModels("cifar-c1"), new SampleModels("cifar-c2"));

    public static Path root() {
        return Path.of(System.getProperty("sonic.root", "..")).resolve("sample-models").toAbsolutePath().normalize();
    }

    public Path dir() {
        return root().resolve(name);
    }

    public ModelGraph graph() {
        return OnnxImporter.read(dir().resolve(name + ".onnx"));
    }

    public List<float[]> inputs() {
        return InputCsv.read(dir().resolve("inputs.csv"), -1, -1);
    }

    /** The model card's public input range. */
    public InputRange inputRange() {
        return card().inputRange();
    }

    /** The fixed-point format the card asks for (f = 16 unless it says otherwise). */
    public FixedPoint fixedPoint() {
        Integer f = card().fractionBits();
        return f == null ? FixedPoint.DEFAULT : new FixedPoint(f);
    }

    public io.sonic.cloud.client.ModelCard card() {
        return io.sonic.cloud.client.ModelCard.beside(dir().resolve(name + ".onnx")).orElseThrow();
    }

    public boolean randomWeights() {
        return name.startsWith("cifar");
    }

    @Override
    public String toString() {
        return name;
    }
}
