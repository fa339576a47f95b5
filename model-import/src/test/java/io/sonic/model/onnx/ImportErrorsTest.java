package io.sonic.model.onnx;

import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.UnsupportedModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad model gets one clear message naming what is wrong. */
class ImportErrorsTest {

    private static OnnxModels mlp() {
        return OnnxModels.create().input("x", -1, 4).output("y", -1, 3)
                .randomWeight("W", 1, 3, 4).randomWeight("b", 2, 3)
                .node("Gemm", "fc", new String[] {"x", "W", "b"}, new String[] {"h"}, OnnxModels.intAttr("transB", 1))
                .node("Relu", "act", new String[] {"h"}, new String[] {"y"});
    }

    private static ModelException fails(byte[] bytes) {
        return assertThrows(ModelException.class, () -> OnnxImporter.read(bytes, "model.onnx",
                OnnxImporter.Options.DEFAULT));
    }

    @Test
    void validModelImports() {
        ModelGraph g = OnnxImporter.read(mlp().bytes(), "model.onnx", OnnxImporter.Options.DEFAULT);
        assertEquals(2, g.layers().size());
        assertTrue(Arrays.equals(new int[] {1, 4}, g.inputShape()), "symbolic batch becomes 1");
        assertTrue(Arrays.equals(new int[] {1, 3}, g.outputShape()));
    }

    @Test
    void notAnOnnxFile() {
        ModelException e = fails("name,age\nalice,31\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("model.onnx is not an ONNX model"), e.getMessage());
    }

    @Test
    void emptyFile() {
        ModelException e = fails(new byte[0]);
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }

    @Test
    void truncatedFile() {
        byte[] full = mlp().bytes();
        for (int cut : new int[] {full.length / 2, full.length - 3, 20}) {
            ModelException e = fails(Arrays.copyOf(full, cut));
            assertTrue(e.getMessage().contains("truncated"), "cut at " + cut + ": " + e.getMessage());
        }
    }

    @Test
    void missingFile(@TempDir Path dir) {
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.read(dir.resolve("nope.onnx")));
        assertTrue(e.getMessage().contains("model file not found"), e.getMessage());
    }

    @Test
    void directoryInsteadOfFile(@TempDir Path dir) {
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.read(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void unsupportedOperatorNamesOpNodeAndSupportedList() {
        byte[] bytes = OnnxModels.create().input("x", 1, 4).output("y", 1, 4)
                .node("Sigmoid", "squash_1", new String[] {"x"}, new String[] {"y"}).bytes();
        ModelException e = fails(bytes);
        assertTrue(e instanceof UnsupportedModelException);
        String m = e.getMessage();
        assertTrue(m.contains("unsupported operator 'Sigmoid'"), m);
        assertTrue(m.contains("node 'squash_1'"), m);
        assertTrue(m.contains("Sonic supports: ") && m.contains("Conv") && m.contains("MaxPool"), m);
    }

    @Test
    void everyUnsupportedOperatorIsNamedAtOnceWithHintsForCommonOnes() {
        byte[] bytes = OnnxModels.create().input("x", 1, 4).output("y", 1, 4)
                .node("Erf", "gelu_erf", new String[] {"x"}, new String[] {"a"})
                .node("Softmax", "probs", new String[] {"a"}, new String[] {"b"})
                .node("Relu", "r", new String[] {"b"}, new String[] {"y"}).bytes();
        String m = fails(bytes).getMessage();
        assertTrue(m.startsWith("2 unsupported operators: 'Erf' in node 'gelu_erf' (Erf), 'Softmax' in node 'probs'"
                + " (Softmax). Sonic supports: "), m);
        assertTrue(m.contains("Replace the operators or export the model without them."), m);
        assertTrue(m.contains("'Erf' comes from GELU") && m.contains("only as the model's last operator is it left"
                + " out"), m);
    }

    @Test
    void aFixedBatchOfSeveralSamplesIsRefusedAndBatchOneOrADynamicBatchIsRead() {
        byte[] four = OnnxModels.create().input("x", 4, 10).output("y", 4, 10)
                .node("Relu", "r", new String[] {"x"}, new String[] {"y"}).bytes();
        ModelGraph read = OnnxImporter.read(four, "four.onnx", OnnxImporter.Options.DEFAULT);
        assertEquals(4, read.inputShape()[0], "the importer reads it (ONNX's test data has such graphs)");
        String m = assertThrows(io.sonic.model.UnsupportedModelException.class, read::requireOneSample).getMessage();
        assertTrue(m.contains("input 'x' has a fixed batch of 4 samples (shape [4,10]) and output 'y' keeps it ([4,10])")
                && m.contains("re-export the model with batch size 1 or a dynamic batch axis"), m);
        for (long batch : new long[] {1, -1}) {
            byte[] ok = OnnxModels.create().input("x", batch, 10).output("y", batch, 10)
                    .node("Relu", "r", new String[] {"x"}, new String[] {"y"}).bytes();
            assertEquals(1, OnnxImporter.read(ok, "ok.onnx", OnnxImporter.Options.DEFAULT).requireOneSample()
                    .inputShape()[0]);
        }
    }

    @Test
    void inputShapeThatCannotBeMadeStatic() {
        byte[] bytes = OnnxModels.create().input("image", -1, 1, -2, 28).output("y", -1, 1, -2, 28)
                .node("Relu", "r", new String[] {"image"}, new String[] {"y"}).bytes();
        String m = fails(bytes).getMessage();
        assertTrue(m.contains("input 'image'") && m.contains("'H'") && m.contains("axis 2")
                && m.contains("cannot be made static"), m);
    }

    @Test
    void severalInputs() {
        byte[] bytes = OnnxModels.create().input("a", 1, 4).input("b", 1, 4).output("y", 1, 4)
                .node("Add", "sum", new String[] {"a", "b"}, new String[] {"y"}).bytes();
        String m = fails(bytes).getMessage();
        assertTrue(m.contains("2 inputs [a, b]") && m.contains("exactly one input"), m);
    }

    @Test
    void severalOutputs() {
        byte[] bytes = OnnxModels.create().input("x", 1, 4).output("y", 1, 4).output("z", 1, 4)
                .node("Relu", "r1", new String[] {"x"}, new String[] {"y"})
                .node("Relu", "r2", new String[] {"x"}, new String[] {"z"}).bytes();
        String m = fails(bytes).getMessage();
        assertTrue(m.contains("2 outputs [y, z]") && m.contains("exactly one output"), m);
    }

    @Test
    void opsetOutOfRange() {
        byte[] bytes = mlp().opset(99).bytes();
        String m = fails(bytes).getMessage();
        assertTrue(m.contains("opset 99") && m.contains("opset_version"), m);
    }

    @Test
    void productOfTwoActivationsIsUnsupported() {
        byte[] bytes = OnnxModels.create().input("x", 1, 4).output("y", 1, 1).randomWeight("W", 1, 4, 4)
                .node("MatMul", "proj", new String[] {"x", "W"}, new String[] {"h"})
                .node("Transpose", "t", new String[] {"h"}, new String[] {"ht"})
                .node("MatMul", "gram", new String[] {"h", "ht"}, new String[] {"y"}).bytes();
        String m = fails(bytes).getMessage();
        // the transpose of an activation is a local layer; the product of two activations is what is refused
        assertTrue(m.contains("node 'gram' (MatMul): both operands depend on the model input"), m);
    }

    @Test
    void cliStyleMessagesCarryNoValues(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("weights.onnx");
        Files.write(f, Arrays.copyOf(mlp().bytes(), 40));
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.read(f));
        assertTrue(e.getMessage().startsWith("weights.onnx is truncated"), e.getMessage());
    }
}
