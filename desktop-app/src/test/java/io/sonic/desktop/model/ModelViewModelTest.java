package io.sonic.desktop.model;

import io.sonic.desktop.app.AppState;
import io.sonic.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelViewModelTest {
    static Path sample(String name) {
        return Path.of(System.getProperty("sonic.root", ".."), "sample-models", name, name + ".onnx");
    }

    @Test
    void showsTheLayersAndBundledAccuracyAndOpensTheModelForTheOtherScreens() {
        AppState state = new AppState();
        ModelViewModel vm = new ModelViewModel(state);
        vm.show(ModelViewModel.load(sample("breast-cancer")));
        assertEquals("", vm.errorProperty().get());
        assertTrue(vm.summaryProperty().get().contains("input input [1,30]"), vm.summaryProperty().get());
        assertTrue(vm.summaryProperty().get().contains("every layer has a secure protocol"));
        assertTrue(vm.accuracyProperty().get().matches("Plaintext accuracy on the 100 bundled test samples: \\d+/100 .*"),
                vm.accuracyProperty().get());
        assertTrue(vm.classesProperty().get().contains("malignant, benign"), vm.classesProperty().get());
        assertEquals(5, vm.layers().size());
        ModelViewModel.LayerRow first = vm.layers().get(0);
        assertEquals("[1,30]", first.input());
        assertEquals(30 * 16, first.macs());
        assertTrue(first.secure().startsWith("Beaver matmul"));
        assertEquals("breast-cancer", state.modelProperty().get().name());
    }

    @Test
    void aModelEndingInSoftmaxOpensAndSaysTheSoftmaxIsLeftOut(@TempDir Path dir) throws Exception {
        var m = io.sonic.model.onnx.proto.OnnxProto.ModelProto.parseFrom(Files.readAllBytes(sample("breast-cancer")))
                .toBuilder();
        var g = m.getGraphBuilder();
        String logits = g.getOutput(0).getName();
        g.addNode(io.sonic.model.onnx.proto.OnnxProto.NodeProto.newBuilder().setOpType("Softmax").setName("probs")
                .addInput(logits).addOutput("probabilities"));
        g.setOutput(0, g.getOutput(0).toBuilder().setName("probabilities"));
        Path file = Files.write(dir.resolve("with-softmax.onnx"), m.build().toByteArray());
        ModelViewModel vm = new ModelViewModel(new AppState());
        vm.show(ModelViewModel.load(file));
        assertEquals("", vm.errorProperty().get());
        String summary = vm.summaryProperty().get();
        assertTrue(summary.contains("every layer has a secure protocol") && summary.contains("Note: the model's final"
                + " Softmax is left out"), summary);
        assertEquals(5, vm.layers().size());
    }

    @Test
    void aBadFileShowsItsMessageAndTheOpenModelStaysOpenAndOnScreen(@TempDir Path dir) throws Exception {
        AppState state = new AppState();
        ModelViewModel vm = new ModelViewModel(state);
        vm.show(ModelViewModel.load(sample("mnist-m1")));
        int rows = vm.layers().size();
        String summary = vm.summaryProperty().get();
        Path bad = dir.resolve("bad.onnx");
        Files.writeString(bad, "hello");
        ModelException e = assertThrows(ModelException.class, () -> ModelViewModel.load(bad));
        vm.showError(bad, e);
        assertTrue(vm.errorProperty().get().contains("bad.onnx is not an ONNX model"), vm.errorProperty().get());
        assertTrue(vm.errorProperty().get().contains("The model still open is mnist-m1"), vm.errorProperty().get());
        // the screen, the state the other tabs read and the sample list agree on the model still open
        assertEquals(rows, vm.layers().size());
        assertEquals(summary, vm.summaryProperty().get());
        assertEquals("mnist-m1", state.modelProperty().get().name());
        assertEquals(sample("mnist-m1"), vm.openedFileProperty().get());
    }

    @Test
    void randomWeightModelsHaveNoAccuracyAndNoTrueLabels() {
        AppState state = new AppState();
        ModelViewModel vm = new ModelViewModel(state);
        vm.show(ModelViewModel.load(sample("cifar-c1")));
        assertTrue(vm.accuracyProperty().get().startsWith("Random weights"), vm.accuracyProperty().get());
        assertTrue(state.modelProperty().get().randomWeights());
        assertEquals(null, state.modelProperty().get().samples().labels());
        assertEquals("3 · cat", state.modelProperty().get().className(3));
    }

    @Test
    void theCatalogListsTheSampleModels() {
        assertEquals(6, SampleCatalog.samples().size());
    }
}
