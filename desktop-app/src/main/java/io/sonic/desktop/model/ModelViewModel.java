package io.sonic.desktop.model;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.OpenModel;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureParty;
import io.sonic.engine.layer.LayerProtocols;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.Layer;
import io.sonic.model.onnx.OnnxImporter;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** State of the Model screen: the open model's summary, its layer rows, its bundled accuracy, or the error. */
public final class ModelViewModel {
    /** One row of the layer table. */
    public record LayerRow(int index, String name, String op, String input, String output, long parameters,
                           long macs, String secure) {
    }

    /** An imported model with, for a sample, its accuracy on the bundled inputs. */
    public record Loaded(OpenModel model, String accuracy) {
    }

    private final AppState state;
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("No model loaded.");
    private final ReadOnlyStringWrapper accuracy = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper rangeText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper classesText = new ReadOnlyStringWrapper("");
    private final javafx.beans.property.ReadOnlyObjectWrapper<Path> openedFile =
            new javafx.beans.property.ReadOnlyObjectWrapper<>();
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

    /** The open model's class names and where they came from. */
    public ReadOnlyStringProperty classesProperty() {
        return classesText.getReadOnlyProperty();
    }

    /** The file of the open model (null when none): the sample list follows it. */
    public javafx.beans.property.ReadOnlyObjectProperty<Path> openedFileProperty() {
        return openedFile.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ObservableList<LayerRow> layers() {
        return layers;
    }

    /** Imports a model (background thread): the graph, what lies beside it and, with labelled samples, the float accuracy. */
    public static Loaded load(Path file) {
        ModelGraph g = OnnxImporter.read(file).requireOneSample();
        OpenModel m = OpenModel.of(file, g);
        return new Loaded(m, accuracy(m));
    }

    /** The float model's accuracy on the samples beside it, or why there is none. */
    static String accuracy(OpenModel m) {
        OpenModel.Samples s = m.samples();
        if (m.randomWeights()) {
            return "Random weights: this model is for measuring costs; it has no meaningful accuracy"
                    + (s.size() > 0 ? " (" + s.source() + ")" : "") + ".";
        }
        if (s.size() == 0) {
            return s.source().substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.source().substring(1) + ".";
        }
        if (s.labels() == null) {
            return s.source() + "; no accuracy without true labels.";
        }
        FloatEvaluator f = new FloatEvaluator(m.graph());
        int[] labels = s.labels();
        long correct = IntStream.range(0, s.size()).filter(i -> f.run(s.inputs().get(i)).argmax() == labels[i]).count();
        return String.format(java.util.Locale.ROOT, "Plaintext accuracy on the %d bundled test samples: %d/%d (%.0f%%).",
                s.size(), correct, s.size(), 100.0 * correct / s.size());
    }

    /** Shows an imported model and makes it the app's open model (FX thread). */
    public void show(Loaded loaded) {
        show(loaded.model().name(), loaded.model().graph());
        accuracy.set(loaded.accuracy());
        OpenModel m = loaded.model();
        openedFile.set(m.file());
        rangeText.set(m.inputRange() == null ? "No input range is safe for this model: " + m.rangeNote()
                : "Input range " + m.inputRange() + " (" + m.rangeNote() + "), fixed point with "
                + m.fractionBits() + " fraction bits. The servers see only shares and cannot check an input, so this"
                + " app refuses any value outside the range: it could overflow the ring and give a silently wrong"
                + " result." + precision(m));
        SecureConfig cfg = state.configProperty().get();
        state.configProperty().set((cfg == null ? SecureConfig.DEFAULT : cfg).withFractionBits(m.fractionBits()));
        classesText.set(m.classes() == null ? m.classesSource() : "Classes: " + String.join(", ", m.classes())
                + " (" + m.classesSource().replace("class names ", "") + ").");
        state.modelProperty().set(m);
    }

    /** The layers whose multipliers the fixed-point encoding loses too much of, as sentences ("" if none). */
    static String precision(OpenModel m) {
        java.util.List<io.sonic.engine.Precision.Loss> losses = io.sonic.engine.Precision.losses(m.graph(),
                new io.sonic.model.eval.FixedPoint(m.fractionBits()));
        return losses.stream().map(l -> " Precision: " + l.text("fractionBits in the model's card.json") + ".")
                .collect(Collectors.joining());
    }

    private void show(String name, ModelGraph g) {
        error.set("");
        long unsupported = g.layers().stream().filter(l -> LayerProtocols.find(l).isEmpty()).count();
        summary.set(String.format(java.util.Locale.ROOT, "%s%s — input %s %s, output %s, %d layers, %,d parameters,"
                        + " %,d multiply-accumulates%s", name, name.equals(g.name()) ? "" : " (graph " + g.name() + ")",
                g.inputName(), Shapes.format(g.inputShape()), Shapes.format(g.outputShape()),
                g.layers().size(), g.parameterCount(), g.multiplyAccumulates(),
                unsupported == 0 ? "; every layer has a secure protocol" : "; " + unsupported
                        + " layer(s) without a secure protocol") + (g.leftOutNote() == null ? ""
                        : ". Note: " + g.leftOutNote()));
        java.util.List<io.sonic.engine.protocol.ProtocolId> protocols = SecureParty.protocols(g, SecureConfig.DEFAULT);
        layers.setAll(IntStream.range(0, g.layers().size()).mapToObj(i -> row(g, i, protocols.get(i))).toList());
    }

    /**
     * Shows why a model could not be imported (FX thread). The model open before, if any, stays open and
     * on screen, and the message says so.
     */
    public void showError(Path file, Throwable t) {
        String why = t instanceof ModelException ? t.getMessage()
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        OpenModel still = state.modelProperty().get();
        error.set("Could not open " + (file == null ? "the model" : file.getFileName()) + ": " + why
                + (still == null ? "" : "\nThe model still open is " + still.name() + "."));
        openedFile.set(still == null ? null : still.file());
    }

    private static LayerRow row(ModelGraph g, int i, io.sonic.engine.protocol.ProtocolId protocol) {
        Layer l = g.layers().get(i);
        String in = IntStream.range(0, l.inputs().size()).mapToObj(k -> Shapes.format(l.inputShape(k)))
                .collect(Collectors.joining(" + "));
        return new LayerRow(i, l.name(), l.sourceOp(), in, Shapes.format(l.outputShape()), l.parameterCount(),
                l.multiplyAccumulates(), LayerProtocols.find(l).isEmpty() ? "none: cannot run securely"
                : protocol.label());
    }
}
