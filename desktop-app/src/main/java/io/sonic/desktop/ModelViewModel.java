package io.sonic.desktop;

import io.sonic.engine.SecureSupport;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.layer.Layer;
import io.sonic.model.onnx.OnnxImporter;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** State of the model screen: the imported model's summary, its layer rows, or the import error. */
public final class ModelViewModel {
    /** One row of the layer table. */
    public record LayerRow(int index, String name, String op, String input, String output, long parameters,
                           long macs, String secure) {
    }

    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("No model loaded.");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ObservableList<LayerRow> layers = FXCollections.observableArrayList();

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ObservableList<LayerRow> layers() {
        return layers;
    }

    /** Imports a model (call from a background thread) and returns what {@link #show} displays. */
    public static ModelGraph importModel(Path file) {
        return OnnxImporter.read(file);
    }

    /** Shows an imported model (call on the FX thread). */
    public void show(ModelGraph g) {
        error.set("");
        summary.set(String.format("%s — input %s %s, output %s, %d layers, %,d parameters, %,d multiply-accumulates",
                g.name(), g.inputName(), Shapes.format(g.inputShape()), Shapes.format(g.outputShape()),
                g.layers().size(), g.parameterCount(), g.multiplyAccumulates()));
        layers.setAll(IntStream.range(0, g.layers().size()).mapToObj(i -> row(i, g.layers().get(i))).toList());
    }

    /** Shows why a model could not be imported (call on the FX thread). */
    public void showError(Throwable t) {
        layers.clear();
        summary.set("No model loaded.");
        error.set(t instanceof ModelException ? t.getMessage()
                : "Could not open the model: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    private static LayerRow row(int i, Layer l) {
        String in = IntStream.range(0, l.inputs().size()).mapToObj(k -> Shapes.format(l.inputShape(k)))
                .collect(Collectors.joining(" + "));
        return new LayerRow(i, l.name(), l.sourceOp(), in, Shapes.format(l.outputShape()), l.parameterCount(),
                l.multiplyAccumulates(), SecureSupport.protocolFor(l).orElse("no"));
    }
}
