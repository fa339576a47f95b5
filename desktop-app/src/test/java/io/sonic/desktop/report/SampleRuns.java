package io.sonic.desktop.report;

import io.sonic.desktop.app.AppState.Run;
import io.sonic.desktop.app.OpenModel;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.OnnxImporter;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Real secure runs of the sample models, computed in memory (both servers on two threads). */
final class SampleRuns {
    static final String BREAST_CANCER = "breast-cancer";
    static final String MNIST_M1 = "mnist-m1";

    private static final Map<String, ModelGraph> GRAPHS = new ConcurrentHashMap<>();
    private static final Map<String, OpenModel> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, List<float[]>> INPUTS = new ConcurrentHashMap<>();

    private SampleRuns() {
    }

    static Path dir(String model) {
        return Path.of(System.getProperty("sonic.root", "..")).resolve("sample-models").resolve(model);
    }

    static ModelGraph graph(String model) {
        return GRAPHS.computeIfAbsent(model, m -> OnnxImporter.read(dir(m).resolve(m + ".onnx")));
    }

    /** The model as the app opens it (one instance per name, as opening it once would give). */
    static OpenModel open(String model) {
        return MODELS.computeIfAbsent(model, m -> OpenModel.of(dir(m).resolve(m + ".onnx"), graph(m)));
    }

    static float[] input(String model, int sample) {
        return INPUTS.computeIfAbsent(model, m -> InputCsv.read(dir(m).resolve("inputs.csv"), -1, 2)).get(sample);
    }

    static SecureConfig config(SecureConfig.LinearMode linear) {
        return SecureConfig.DEFAULT.withLinear(linear);
    }

    /** One secure query of the model's first sample, finished at {@code at}. */
    static Run run(String model, SecureConfig cfg, Instant at) {
        ModelGraph g = graph(model);
        float[] x = input(model, 0);
        InferenceResult r;
        try (SecureInference s = new SecureInference(g, cfg)) {
            r = s.infer(x);
        }
        FloatTensor plain = new FloatEvaluator(g).run(x);
        OpenModel m = open(model);
        return new Run(m, cfg, r, plain.values(), plain.argmax(), m.samples().label(0), "test sample 0", at);
    }

    static Run run(String model, SecureConfig.LinearMode linear, Instant at) {
        return run(model, config(linear), at);
    }
}
