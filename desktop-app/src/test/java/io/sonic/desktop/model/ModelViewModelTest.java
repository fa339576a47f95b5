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
        assertTrue(vm.accuracyProperty().get().matches("plaintext accuracy on the 100 bundled inputs: \\d+/100 .*"),
                vm.accuracyProperty().get());
        assertEquals(5, vm.layers().size());
        ModelViewModel.LayerRow first = vm.layers().get(0);
        assertEquals("[1,30]", first.input());
        assertEquals(30 * 16, first.macs());
        assertTrue(first.secure().startsWith("Beaver matmul"));
        assertEquals("breast-cancer", state.modelProperty().get().name());
    }

    @Test
    void aBadFileShowsItsMessageAndClearsTheTable(@TempDir Path dir) throws Exception {
        ModelViewModel vm = new ModelViewModel();
        vm.show(ModelViewModel.load(sample("mnist-m1")));
        Path bad = dir.resolve("bad.onnx");
        Files.writeString(bad, "hello");
        ModelException e = assertThrows(ModelException.class, () -> ModelViewModel.load(bad));
        vm.showError(e);
        assertTrue(vm.errorProperty().get().contains("bad.onnx is not an ONNX model"), vm.errorProperty().get());
        assertEquals(0, vm.layers().size());
        assertEquals("No model loaded.", vm.summaryProperty().get());
    }

    @Test
    void theCatalogListsTheSampleModels() {
        assertEquals(6, SampleCatalog.samples().size());
    }
}
