package io.sonic.engine;

import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch exports that normalise inside forward() (model-import/src/test/resources/exports): uploaded
 * with the input range of their inputs, they run securely with PyTorch's label on every input.
 */
class ExportedModelsSecureTest {
    static Path exports() {
        return SampleModels.root().getParent().resolve("model-import/src/test/resources/exports");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp-standardise", "mlp-normalise", "cnn-rescale", "cnn-channels-last",
            "cnn-activations", "cnn-mean"})
    void secureLabelsEqualPyTorchs(String name) {
        ModelGraph g = OnnxImporter.read(exports().resolve(name + ".onnx"));
        List<float[]> inputs = InputCsv.read(exports().resolve(name + "-inputs.csv"), g.inputSize(), -1);
        List<float[]> expected = InputCsv.read(exports().resolve(name + "-expected.csv"), g.outputSize(), -1);
        InputRange range = InputRange.covering(inputs);
        RangeAnalysis.Result safe = RangeAnalysis.requireSafe(g, FixedPoint.DEFAULT, range);
        try (SecureInference s = new SecureInference(g, SecureConfig.DEFAULT, range)) {
            for (int k = 0; k < inputs.size(); k++) {
                InferenceResult r = s.infer(inputs.get(k));
                float[] want = expected.get(k);
                int label = 0;
                for (int i = 1; i < want.length; i++) {
                    label = want[i] > want[label] ? i : label;
                }
                assertEquals(label, r.predictedLabel(), name + " sample " + k);
                for (int i = 0; i < want.length; i++) {
                    assertTrue(Math.abs(r.output()[i] - want[i]) < 1e-2 * Math.max(1, Math.abs(want[i])),
                            name + " sample " + k + " logit " + i + ": " + r.output()[i] + " vs PyTorch " + want[i]);
                }
            }
        }
        System.out.printf("%s: range %s safe with %.1f bits of headroom, %d secure labels equal PyTorch's%n", name,
                range, safe.worst().headroomBits(), inputs.size());
    }
}
