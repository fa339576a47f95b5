package io.sonic.engine;

import io.sonic.engine.SecureConfig.OutputMode;
import io.sonic.model.ModelGraph;
import io.sonic.model.Scores;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.OnnxImporter;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A binary classifier with one output logit z (and a final Sigmoid, left out): its classes are 0 and 1 with
 * scores (0, z), so its label is [z &gt; 0] in the clear and under the secure argmax of both suites, with the
 * argmax's documented traffic for two classes.
 */
class BinaryClassifierTest {

    /**
     * The breast-cancer model with a last product z = l₁ − l₀ of its two logits, then a Sigmoid: a one-logit
     * classifier whose label must equal the two-logit model's (class 1 exactly when l₁ &gt; l₀).
     */
    private static ModelGraph oneLogit() throws Exception {
        SampleModels bc = new SampleModels("breast-cancer");
        ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(bc.dir().resolve("breast-cancer.onnx")))
                .toBuilder();
        var g = m.getGraphBuilder();
        String logits = g.getOutput(0).getName();
        g.addInitializer(TensorProto.newBuilder().setName("diff").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addDims(1).addFloatData(-1f).addFloatData(1f));
        g.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("z").addInput(logits).addInput("diff")
                .addOutput("z"));
        g.addNode(NodeProto.newBuilder().setOpType("Sigmoid").setName("p").addInput("z").addOutput("p"));
        g.setOutput(0, g.getOutput(0).toBuilder().setName("p").clearType());
        return OnnxImporter.read(m.build().toByteArray(), "one-logit.onnx", OnnxImporter.Options.DEFAULT);
    }

    @Test
    void theLabelIsWhetherTheLogitIsPositiveInTheClearAndSecurelyUnderBothSuites() throws Exception {
        ModelGraph two = new SampleModels("breast-cancer").graph();
        ModelGraph one = oneLogit();
        assertEquals("Sigmoid", one.leftOutFinalOp());
        assertArrayEquals(new int[] {1, 1}, one.outputShape());
        List<float[]> xs = new SampleModels("breast-cancer").inputs();
        FloatEvaluator f1 = new FloatEvaluator(one);
        FloatEvaluator f2 = new FloatEvaluator(two);
        int ones = 0;
        for (float[] x : xs) {
            float z = f1.run(x).values()[0];
            assertEquals(z > 0 ? 1 : 0, f1.run(x).argmax());
            assertEquals(f2.run(x).argmax(), f1.run(x).argmax(), "the same label as the two-logit model");
            double[] p = Scores.probabilities(f1.run(x).values());
            assertEquals(1 / (1 + Math.exp(-z)), p[1], 1e-12, "the sigmoid the model ended with");
            ones += f1.run(x).argmax();
        }
        assertTrue(ones > 10 && ones < xs.size() - 10, "both classes occur: " + ones);
        for (SecureConfig.Suite suite : SecureConfig.Suite.values()) {
            for (OutputMode out : OutputMode.values()) {
                SecureConfig cfg = SecureConfig.DEFAULT.withSuite(suite).withOutput(out);
                List<CostModel.Cost> want = CostModel.of(one, cfg);
                try (SecureInference s = new SecureInference(one, cfg)) {
                    for (float[] x : xs.subList(0, 25)) {
                        InferenceResult r = s.infer(x);
                        String what = cfg.text();
                        assertEquals(f1.run(x).argmax(), r.predictedLabel(), what);
                        assertEquals(1, r.outputRing().length, what + ": the logit, or the label");
                        assertEquals(want.size(), r.layers().size(), what);
                        InferenceResult.LayerStat last = r.layers().get(want.size() - 1);
                        assertEquals(want.get(want.size() - 1).onlineBytes(), last.online().bytes(), what);
                        assertEquals(want.get(want.size() - 1).rounds(), last.online().rounds(), what);
                    }
                }
                if (out == OutputMode.LABEL) {
                    assertEquals(CostModel.argmax(2, cfg), want.get(want.size() - 1), "the argmax of two classes");
                }
            }
        }
    }
}
