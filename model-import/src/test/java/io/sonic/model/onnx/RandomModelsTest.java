package io.sonic.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.TypeProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random models of the supported ops (element-wise ops with constants, constant subgraphs, folding
 * forward and backward) computed by the importer's graph and the float evaluator, against ONNX
 * Runtime on the same file.
 */
class RandomModelsTest {
    private static final int MODELS = 300;
    private static final double TOLERANCE = 1e-4;

    @Test
    void importedRandomModelsComputeWhatOnnxRuntimeComputes() throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Random r = new Random(4242);
        int compared = 0;
        int refused = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            for (int i = 0; i < MODELS && System.nanoTime() < deadline; i++) {
                ModelProto proto = withoutOutputShape(RandomModels.model(r, 10));
                byte[] bytes = proto.toByteArray();
                ModelGraph g;
                try {
                    g = OnnxImporter.read(bytes, "random-" + i + ".onnx", OnnxImporter.Options.DEFAULT);
                } catch (ModelException e) {
                    refused++;
                    continue;
                }
                float[] x = new float[g.inputSize()];
                for (int k = 0; k < x.length; k++) {
                    x[k] = r.nextFloat() * 2 - 1;
                }
                FloatTensor ours = new FloatEvaluator(g).run(x);
                float[] want;
                try (OrtSession s = env.createSession(bytes, opts);
                     OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x),
                             Arrays.stream(g.inputShape()).mapToLong(v -> v).toArray());
                     OrtSession.Result res = s.run(Map.of(g.inputName(), t))) {
                    FloatBuffer b = ((OnnxTensor) res.get(0)).getFloatBuffer();
                    want = new float[b.remaining()];
                    b.get(want);
                } catch (OrtException e) {
                    fail("model " + i + " imports but ONNX Runtime refuses it: " + e.getMessage());
                    return;
                }
                assertEquals(want.length, ours.size(), "model " + i + " output size");
                for (int k = 0; k < want.length; k++) {
                    double err = Math.abs(ours.get(k) - want[k]) / Math.max(1.0, Math.abs(want[k]));
                    assertTrue(err <= TOLERANCE, "model " + i + " (layers " + g.layers().stream()
                            .map(l -> l.sourceOp()).toList() + ") output " + k + ": " + ours.get(k) + ", ONNX Runtime "
                            + want[k]);
                }
                compared++;
            }
        }
        System.out.println("random models: " + compared + " compared with ONNX Runtime, " + refused + " refused");
        assertTrue(compared >= 100, "only " + compared + " random models compared (" + refused + " refused)");
    }

    /**
     * The same random graph with its input made an initializer: the importer evaluates it at import
     * (constant folding through the layers) and must get what the float evaluator computes on it.
     */
    @Test
    void aRandomGraphOnConstantsFoldsToWhatItComputes() {
        Random r = new Random(99);
        int compared = 0;
        for (int i = 0; i < MODELS; i++) {
            ModelProto proto = RandomModels.model(r, 10);
            ModelGraph g = OnnxImporter.read(proto.toByteArray(), "random.onnx", OnnxImporter.Options.DEFAULT);
            float[] x = new float[g.inputSize()];
            for (int k = 0; k < x.length; k++) {
                x[k] = r.nextFloat() * 2 - 1;
            }
            FloatTensor want = new FloatEvaluator(g).run(x);
            ModelProto.Builder b = proto.toBuilder();
            var graph = b.getGraphBuilder();
            var init = io.sonic.model.onnx.proto.OnnxProto.TensorProto.newBuilder().setName(g.inputName())
                    .setDataType(1);
            for (int d : g.inputShape()) {
                init.addDims(d);
            }
            for (float v : x) {
                init.addFloatData(v);
            }
            graph.addInitializer(init).removeInput(0);
            long[] outShape = Arrays.stream(g.outputShape()).mapToLong(v -> v).toArray();
            graph.addInput(OnnxModels.valueInfo("fresh", outShape));
            String out = graph.getOutput(0).getName();
            for (var n : graph.getNodeBuilderList()) {
                for (int k = 0; k < n.getOutputCount(); k++) {
                    if (n.getOutput(k).equals(out)) {
                        n.setOutput(k, "folded");
                    }
                }
            }
            graph.addNode(io.sonic.model.onnx.proto.OnnxProto.NodeProto.newBuilder().setOpType("Add").setName("sum")
                    .addInput("fresh").addInput("folded").addOutput(out));
            ModelGraph folded = OnnxImporter.read(b.build().toByteArray(), "folded.onnx", OnnxImporter.Options.DEFAULT);
            assertEquals(1, folded.layers().size(), "model " + i + ": everything but the final addition folds");
            FloatTensor got = new FloatEvaluator(folded).run(new float[folded.inputSize()]);
            for (int k = 0; k < want.size(); k++) {
                double err = Math.abs(got.get(k) - want.get(k)) / Math.max(1.0, Math.abs(want.get(k)));
                assertTrue(err <= TOLERANCE, "model " + i + " output " + k + ": folded " + got.get(k) + ", computed "
                        + want.get(k));
            }
            compared++;
        }
        assertEquals(MODELS, compared);
    }

    private static ModelProto withoutOutputShape(ModelProto m) {
        ModelProto.Builder b = m.toBuilder();
        ValueInfoProto out = b.getGraph().getOutput(0);
        b.getGraphBuilder().setOutput(0, out.toBuilder().setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))));
        return b.build();
    }
}
