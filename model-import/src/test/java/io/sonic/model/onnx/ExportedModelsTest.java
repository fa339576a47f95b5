package io.sonic.model.onnx;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.Layer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models exported by PyTorch (src/test/resources/exports/make_exports.py) that normalise their
 * input inside forward(): they import, the normalisation is folded into the first product, and the
 * float and fixed-point evaluators agree with PyTorch's logits and labels.
 */
class ExportedModelsTest {

    private static Path resource(String name) {
        try {
            return Path.of(ExportedModelsTest.class.getResource("/exports/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mlp-standardise | MatMul+Add,Relu,MatMul+Add",
            "mlp-normalise   | Sub+Div+Gemm,Relu,Gemm",
            "cnn-rescale     | Mul+Sub+Conv,Relu,Conv,Relu,MaxPool,Flatten,Gemm",
            "cnn-channels-last | Transpose,Conv,Relu,Conv,Relu,MaxPool,Transpose,Reshape,Gemm",
            "cnn-activations | Conv,LeakyRelu,LeakyRelu,LeakyRelu,LeakyRelu,Conv+Mul,Relu,Clip,Clip,Clip,Clip,MaxPool,"
                    + "Clip,Clip,Clip,Sub,Clip,Clip,Clip,Clip,Clip,Clip,Flatten,Gemm",
            "cnn-mean | Conv,Relu,Transpose,ReduceMean,ReduceMean,ReduceMean,ReduceMean,Gemm"})
    void importsFoldsTheNormalisationAndMatchesPyTorch(String name, String ops) {
        ModelGraph g = OnnxImporter.read(resource(name + ".onnx"));
        assertEquals(Arrays.asList(ops.split(",")), g.layers().stream().map(Layer::sourceOp).toList(),
                name + " layers");
        List<float[]> inputs = InputCsv.read(resource(name + "-inputs.csv"), g.inputSize(), -1);
        List<float[]> expected = InputCsv.read(resource(name + "-expected.csv"), g.outputSize(), -1);
        assertEquals(8, inputs.size());
        FloatEvaluator f = new FloatEvaluator(g);
        FixedPointEvaluator fp = new FixedPointEvaluator(g, new FixedPoint(16));
        for (int s = 0; s < inputs.size(); s++) {
            FloatTensor got = f.run(inputs.get(s));
            float[] want = expected.get(s);
            for (int i = 0; i < want.length; i++) {
                double err = Math.abs(got.get(i) - want[i]) / Math.max(1.0, Math.abs(want[i]));
                assertTrue(err <= 1e-4, name + " sample " + s + " logit " + i + ": " + got.get(i) + ", PyTorch "
                        + want[i]);
            }
            int label = argmax(want);
            assertEquals(label, got.argmax(), name + " sample " + s + " float label");
            double[] fixed = fp.runDecoded(inputs.get(s));
            float[] decoded = new float[fixed.length];
            for (int i = 0; i < fixed.length; i++) {
                decoded[i] = (float) fixed[i];
            }
            assertEquals(label, argmax(decoded), name + " sample " + s + " fixed-point label");
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
