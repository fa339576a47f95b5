package io.sonic.desktop;

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
    void showsTheLayersOfAnImportedModel() {
        ModelViewModel vm = new ModelViewModel();
        vm.show(ModelViewModel.importModel(sample("breast-cancer")));
        assertEquals("", vm.errorProperty().get());
        assertTrue(vm.summaryProperty().get().contains("input input [1,30]"), vm.summaryProperty().get());
        assertEquals(5, vm.layers().size());
        ModelViewModel.LayerRow first = vm.layers().get(0);
        assertEquals(0, first.index());
        assertEquals("[1,30]", first.input());
        assertEquals(30 * 16, first.macs());
    }

    @Test
    void aBadFileShowsItsMessageAndClearsTheTable(@TempDir Path dir) throws Exception {
        ModelViewModel vm = new ModelViewModel();
        vm.show(ModelViewModel.importModel(sample("mnist-m1")));
        Path bad = dir.resolve("bad.onnx");
        Files.writeString(bad, "hello");
        ModelException e = assertThrows(ModelException.class, () -> ModelViewModel.importModel(bad));
        vm.showError(e);
        assertTrue(vm.errorProperty().get().contains("bad.onnx is not an ONNX model"), vm.errorProperty().get());
        assertEquals(0, vm.layers().size());
        assertEquals("No model loaded.", vm.summaryProperty().get());
    }
}
