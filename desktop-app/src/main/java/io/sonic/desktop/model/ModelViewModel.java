package io.sonic.desktop.model;

import io.sonic.desktop.app.AppState;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureSupport;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.Layer;
import io.sonic.model.onnx.OnnxImporter;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** State of the Model screen: the open model's summary, its layer rows, its bundled accuracy, or the error. */
public final class ModelViewModel {
    /** One row of the layer table. */
    public record LayerRow(int index, String name, String op, String input, String output, long parameters,
                           long macs, String secure) {
    }

    /** An imported model with, for a sample, its accuracy on the bundled inputs. */
    public record Loaded(AppState.OpenModel model, String accuracy) {
    }

    private final AppState state;
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("No model loaded.");
    private final ReadOnlyStringWrapper accuracy = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper rangeText = new ReadOnlyStringWrapper("");
    private final ObservableList<LayerRow> layers = FXCollections.observableArrayList();

    public ModelViewModel(AppState state) {
        this.state = state;
    }

    public ModelViewModel() {
        this(new AppState());
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty accuracyProperty() {
        return accuracy.getReadOnlyProperty();
    }

    /** The open model's public input range and where it came from. */
    public ReadOnlyStringProperty rangeProperty() {
        return rangeText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ObservableList<LayerRow> layers() {
        return layers;
    }

    /** Imports a model (background thread): the graph and, for a sample, the float accuracy on its inputs. */
    public static Loaded load(Path file) {
        ModelGraph g = OnnxImporter.read(file);
        Path dir = file.getParent();
        boolean sample = dir != null && Files.isRegularFile(dir.resolve("card.json"))
                && Files.isRegularFile(dir.resolve("inputs.csv")) && Files.isRegularFile(dir.resolve("labels.csv"));
        String acc = "";
        if (sample) {
            List<float[]> in = InputCsv.read(dir.resolve("inputs.csv"), g.inputSize(), -1);
            int[] labels = InputCsv.readLabels(dir.resolve("labels.csv"));
            FloatEvaluator f = new FloatEvaluator(g);
            long correct = IntStream.range(0, Math.min(in.size(), labels.length))
                    .filter(i -> f.run(in.get(i)).argmax() == labels[i]).count();
            acc = String.format("plaintext accuracy on the %d bundled inputs: %d/%d (%.0f%%)", in.size(), correct,
                    in.size(), 100.0 * correct / in.size());
        }
        return new Loaded(AppState.OpenModel.of(g.name(), file, sample ? dir : null, g), acc);
    }

    /** Shows an imported model and makes it the app's open model (FX thread). */
    public void show(Loaded loaded) {
        show(loaded.model().graph());
        accuracy.set(loaded.accuracy());
        AppState.OpenModel m = loaded.model();
        rangeText.set(m.inputRange() == null ? "No input range is safe for this model: " + m.rangeNote()
                : "Input range " + m.inputRange() + " (" + m.rangeNote() + "), fixed point with "
                + m.fractionBits() + " fraction bits. The servers see only shares and cannot check an input, so this"
                + " app refuses any value outside the range: it could overflow the ring and give a silently wrong"
                + " result.");
        SecureConfig cfg = state.configProperty().get();
        state.configProperty().set((cfg == null ? SecureConfig.DEFAULT : cfg).withFractionBits(m.fractionBits()));
        state.modelProperty().set(m);
        state.uploadedModelIdProperty().set(null);
    }

    public void show(ModelGraph g) {
        error.set("");
        long unsupported = g.layers().stream().filter(l -> SecureSupport.protocolFor(l).isEmpty()).count();
        summary.set(String.format("%s — input %s %s, output %s, %d layers, %,d parameters, %,d multiply-accumulates%s",
                g.name(), g.inputName(), Shapes.format(g.inputShape()), Shapes.format(g.outputShape()),
                g.layers().size(), g.parameterCount(), g.multiplyAccumulates(),
                unsupported == 0 ? "; every layer has a secure protocol" : "; " + unsupported
                        + " layer(s) without a secure protocol"));
        layers.setAll(IntStream.range(0, g.layers().size()).mapToObj(i -> row(i, g.layers().get(i))).toList());
    }

    /** Shows why a model could not be imported (FX thread). */
    public void showError(Throwable t) {
        layers.clear();
        accuracy.set("");
        summary.set("No model loaded.");
        error.set(t instanceof ModelException ? t.getMessage()
                : "Could not open the model: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    private static LayerRow row(int i, Layer l) {
        String in = IntStream.range(0, l.inputs().size()).mapToObj(k -> Shapes.format(l.inputShape(k)))
                .collect(Collectors.joining(" + "));
        return new LayerRow(i, l.name(), l.sourceOp(), in, Shapes.format(l.outputShape()), l.parameterCount(),
                l.multiplyAccumulates(), SecureSupport.protocolFor(l).orElse("none: cannot run securely"));
    }
}
