package io.sonic.engine;

import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
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

    public boolean randomWeights() {
        return name.startsWith("cifar");
    }

    @Override
    public String toString() {
        return name;
    }
}
