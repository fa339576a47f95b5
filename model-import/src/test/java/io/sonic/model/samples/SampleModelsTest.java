package io.sonic.model.samples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float evaluator against ONNX Runtime (the independent oracle) on every shipped input of every
 * sample model, and the model cards' accuracies against what the evaluator measures.
 */
class SampleModelsTest {
    static final double TOLERANCE = 1e-4;

    static List<SampleModels> models() {
        return SampleModels.all();
    }

    @Test
    void theSixSampleModelsAreShipped() {
        assertEquals(List.of("breast-cancer", "cifar-c1", "cifar-c2", "fashion-cnn", "mnist-m1", "mnist-m2"),
                models().stream().map(SampleModels::name).toList());
    }

    @ParameterizedTest
    @MethodSource("models")
    void floatEvaluatorMatchesOnnxRuntimeOnEveryShippedInput(SampleModels m) throws OrtException {
        ModelGraph g = OnnxImporter.read(m.onnx());
        FloatEvaluator eval = new FloatEvaluator(g);
        List<float[]> inputs = m.inputs();
        List<float[]> expected = m.expected();
        assertEquals(100, inputs.size(), "100 test inputs");
        assertEquals(100, expected.size());
        assertEquals(100, m.labels().length);
        long[] shape = Arrays.stream(g.inputShape()).mapToLong(i -> i).toArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(m.onnx().toString(), opts)) {
                for (int s = 0; s < inputs.size(); s++) {
                    float[] x = inputs.get(s);
                    FloatTensor ours = eval.run(x);
                    float[] ort;
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                         OrtSession.Result r = session.run(Map.of(g.inputName(), t))) {
                        FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
                        ort = new float[b.remaining()];
                        b.get(ort);
                    }
                    assertEquals(ort.length, ours.size(), m + " output size");
                    for (int i = 0; i < ort.length; i++) {
                        assertClose(ort[i], ours.get(i), m + " sample " + s + " output " + i + " vs ONNX Runtime");
                        assertClose(expected.get(s)[i], ours.get(i), m + " sample " + s + " output " + i
                                + " vs expected.csv");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void cardAccuracyIsWhatTheEvaluatorMeasuresOnTheFullTestSplit(SampleModels m) {
        if (!m.hasTestSet()) {
            assertTrue(m.card().get("randomWeights").asBoolean(), m + " has no test set but claims trained weights");
            assertTrue(m.card().get("accuracy").isNull(), m + " has no test set but states an accuracy");
            return;
        }
        FloatEvaluator eval = new FloatEvaluator(OnnxImporter.read(m.onnx()));
        SampleModels.TestSet t = m.testSet();
        long correct = IntStream.range(0, t.labels().length).parallel()
                .filter(i -> eval.run(t.inputs().get(i)).argmax() == t.labels()[i]).count();
        assertEquals(m.card().get("accuracy").get("total").asInt(), t.labels().length, m + " test split size");
        assertEquals(m.card().get("accuracy").get("correct").asLong(), correct, m + " correct predictions");
    }


    private static void assertClose(double want, double got, String what) {
        double err = Math.abs(got - want) / Math.max(1.0, Math.abs(want));
        assertTrue(err <= TOLERANCE, what + ": got " + got + ", want " + want);
    }
}
