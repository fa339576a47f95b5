package io.sonic.desktop.inference;

import io.sonic.cloud.api.ModelIds;
import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.client.CloudClient;
import io.sonic.desktop.app.AppState;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FloatEvaluator;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * State of the Inference screen: the chosen input, what each server receives, the layer pipeline with
 * live counters (from server 0's event stream), the result beside the plaintext one, and the step
 * mode's position.
 */
public final class InferenceViewModel {
    /** One layer of the pipeline, as the event stream reports it. */
    public static final class LayerCard {
        public final int index;
        public final StringProperty name = new SimpleStringProperty();
        public final StringProperty op = new SimpleStringProperty();
        public final StringProperty protocol = new SimpleStringProperty();
        /** waiting, running, done or failed. */
        public final StringProperty state = new SimpleStringProperty("waiting");
        public final StringProperty counters = new SimpleStringProperty("");
        long sent;
        long received;
        long rounds;
        double millis;
        long wire;

        LayerCard(int index, String name, String op, String protocol) {
            this.index = index;
            this.name.set(name);
            this.op.set(op);
            this.protocol.set(protocol);
        }

        public long sent() {
            return sent;
        }

        public long received() {
            return received;
        }

        public long rounds() {
            return rounds;
        }

        /** Shows a finished layer's figures. */
        void done(long bytesSent, long bytesReceived, long roundCount, double ms, long wireBytes) {
            state.set("done");
            sent = bytesSent;
            received = bytesReceived;
            rounds = roundCount;
            millis = ms;
            wire = wireBytes;
            counters.set(InferenceViewModel.counters(this));
        }
    }

    private final AppState state;
    private final ObservableList<LayerCard> pipeline = FXCollections.observableArrayList();
    private final ObjectProperty<float[]> input = new SimpleObjectProperty<>();
    private final StringProperty inputSource = new SimpleStringProperty("");
    private final ObjectProperty<SharedTensor[]> shares = new SimpleObjectProperty<>();
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty result = new SimpleStringProperty("");
    private final StringProperty badge = new SimpleStringProperty("");
    private final ObjectProperty<double[]> probabilities = new SimpleObjectProperty<>();
    private final ObjectProperty<double[]> plainProbabilities = new SimpleObjectProperty<>();
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final IntegerProperty step = new SimpleIntegerProperty(-1);
    private final StringProperty stepText = new SimpleStringProperty("");
    private List<float[]> samples = List.of();
    private int[] sampleLabels = new int[0];

    public InferenceViewModel(AppState state) {
        this.state = state;
        state.modelProperty().addListener((o, a, m) -> modelChanged(m));
        modelChanged(state.modelProperty().get());
    }

    public ObservableList<LayerCard> pipeline() {
        return pipeline;
    }

    public ObjectProperty<float[]> inputProperty() {
        return input;
    }

    public StringProperty inputSourceProperty() {
        return inputSource;
    }

    public ObjectProperty<SharedTensor[]> sharesProperty() {
        return shares;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty resultProperty() {
        return result;
    }

    public StringProperty badgeProperty() {
        return badge;
    }

    public ObjectProperty<double[]> probabilitiesProperty() {
        return probabilities;
    }

    public ObjectProperty<double[]> plainProbabilitiesProperty() {
        return plainProbabilities;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public IntegerProperty stepProperty() {
        return step;
    }

    public StringProperty stepTextProperty() {
        return stepText;
    }

    public int sampleCount() {
        return samples.size();
    }

    private void modelChanged(AppState.OpenModel m) {
        pipeline.clear();
        input.set(null);
        shares.set(null);
        result.set("");
        badge.set("");
        probabilities.set(null);
        plainProbabilities.set(null);
        step.set(-1);
        stepText.set("");
        samples = List.of();
        sampleLabels = new int[0];
        if (m == null) {
            status.set("Open a model on the Model tab first.");
            return;
        }
        List<io.sonic.model.layer.Layer> layers = m.graph().layers();
        for (int i = 0; i < layers.size(); i++) {
            var l = layers.get(i);
            pipeline.add(new LayerCard(i, l.name(), l.sourceOp(), io.sonic.engine.SecureParty.protocolName(l,
                    state.configProperty().get())));
        }
        if (m.sampleDir() != null) {
            Path dir = m.sampleDir();
            samples = InputCsv.read(dir.resolve("inputs.csv"), m.graph().inputSize(), -1);
            if (Files.isRegularFile(dir.resolve("labels.csv"))) {
                sampleLabels = InputCsv.readLabels(dir.resolve("labels.csv"));
            }
            chooseSample(0);
        }
        status.set("Ready.");
    }

    /** Uses test sample k of the open sample model as the input. */
    public void chooseSample(int k) {
        if (k < 0 || k >= samples.size()) {
            return;
        }
        input.set(samples.get(k));
        inputSource.set("test sample " + k + (k < sampleLabels.length ? " (label " + sampleLabels[k] + ")" : ""));
        shares.set(null);
    }

    /** Uses a drawn or loaded image (values in [0,1], already shaped like the model's input). */
    public void chooseImage(float[] pixels, String source) {
        ModelGraph g = state.modelProperty().get().graph();
        if (pixels.length != g.inputSize()) {
            status.set("That input has " + pixels.length + " values; the model needs " + g.inputSize() + ".");
            return;
        }
        input.set(pixels);
        inputSource.set(source);
        shares.set(null);
    }

    /** Whether inputs can be images of 28×28 (MNIST-like models). */
    public boolean takesDigits() {
        AppState.OpenModel m = state.modelProperty().get();
        return m != null && m.graph().inputSize() == 784;
    }

    /** Called on the FX thread before the background run starts. */
    public void starting() {
        running.set(true);
        result.set("");
        badge.set("");
        probabilities.set(null);
        step.set(-1);
        stepText.set("");
        for (LayerCard c : pipeline) {
            c.state.set("waiting");
            c.counters.set("");
        }
        status.set("Running secure inference…");
    }

    /**
     * The whole query (background thread): uploads the model's shares first if this cloud does not have
     * them, then runs; {@code events} and {@code sharesSent} are called from other threads.
     */
    public static InferenceResult run(CloudClient client, AppState.OpenModel model, String uploadedId, float[] x,
                                      SecureConfig cfg, Consumer<SessionEvent> events, Consumer<SharedTensor[]> sharesSent,
                                      Consumer<String> uploaded, CloudClient.Control control) {
        String id = uploadedId;
        if (id == null) {
            id = ModelIds.from(model.name());
            client.upload(model.graph(), id, CloudClient.newToken(), cfg.fixedPoint(), model.requireRange());
            uploaded.accept(id);
        }
        return client.infer(id, x, cfg, events, sharesSent, control);
    }

    /** Applies one event of server 0's stream (FX thread). */
    public void onEvent(SessionEvent e) {
        String type = e.type();
        int index = e.index() == null ? -1 : e.index();
        if (type.equals("paused")) {
            if (index < pipeline.size()) {
                pipeline.get(index).state.set("paused");
                stepTo(index);
            } else {
                step.set(index);
                stepText.set("Output: " + Explanations.forProtocol(e.protocol(), "ArgMax"));
            }
            status.set("Paused before layer " + index + ". Press \"Next layer\" to let both servers run it.");
            return;
        }
        if (index >= 0 && index < pipeline.size()) {
            LayerCard c = pipeline.get(index);
            if (type.equals("layer-start")) {
                c.state.set("running");
                c.protocol.set(e.protocol());
            } else if (type.equals("layer-end")) {
                c.done(e.bytesSent(), e.bytesReceived(), e.rounds(), e.millis(), -1);
            }
        } else if (type.equals("failed")) {
            for (LayerCard c : pipeline) {
                if (c.state.get().equals("running")) {
                    c.state.set("failed");
                }
            }
        }
    }

    static String counters(LayerCard c) {
        return String.format("S0→S1 %s%nS1→S0 %s%n%d rounds, %.1f ms", bytes(c.sent), bytes(c.received), c.rounds,
                c.millis);
    }

    static String bytes(long b) {
        return b < 1024 ? b + " B" : b < 1024 * 1024 ? String.format("%.1f KiB", b / 1024.0)
                : String.format("%.2f MiB", b / 1048576.0);
    }

    /** Shows a finished query beside the plaintext model's answer (FX thread). */
    public void finished(InferenceResult r, float[] x, SecureConfig cfg) {
        running.set(false);
        AppState.OpenModel m = state.modelProperty().get();
        FloatTensor plain = new FloatEvaluator(m.graph()).run(x);
        int plainLabel = plain.argmax();
        int label = r.predictedLabel();
        for (InferenceResult.LayerStat s : r.layers()) {
            if (s.index() < pipeline.size()) {
                pipeline.get(s.index()).done(s.online().bytesSent(), s.online().bytesReceived(),
                        s.online().rounds(), s.nanos() / 1e6, s.wireBytes());
            }
        }
        result.set(String.format("secure prediction %d   plaintext prediction %d   —   online %s in %d rounds (%s on"
                        + " the wire), offline %s, %.0f ms", label, plainLabel, bytes(r.online().bytes()),
                r.online().rounds(), r.wireBytes() < 0 ? "-" : bytes(r.wireBytes()), bytes(r.offlineBytes()),
                r.onlineNanos() / 1e6));
        badge.set(label == plainLabel ? "agree" : "differ");
        probabilities.set(r.output().length == 0 ? null : softmax(r.output()));
        double[] p = new double[plain.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = plain.get(i);
        }
        plainProbabilities.set(softmax(p));
        status.set("Done. Step through the layers to see what each protocol did.");
        state.runs().add(new AppState.Run(m.name(), cfg, r, plain.values(), plainLabel, Instant.now()));
    }

    public void failed(String message) {
        running.set(false);
        status.set("Secure inference failed: " + message);
        badge.set("");
        for (LayerCard c : pipeline) {
            if (c.state.get().equals("running")) {
                c.state.set("failed");
            }
        }
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] e = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    /** Classroom step mode after a run: moves the highlighted layer by {@code delta} and explains it. */
    public void step(int delta) {
        if (pipeline.isEmpty()) {
            return;
        }
        stepTo(Math.max(0, Math.min(pipeline.size() - 1, step.get() + delta)));
    }

    private void stepTo(int s) {
        step.set(s);
        LayerCard c = pipeline.get(s);
        List<String> lines = new ArrayList<>();
        lines.add("Layer " + s + ": " + c.name.get() + " (" + c.op.get() + "), protocol: " + c.protocol.get());
        lines.add(Explanations.forProtocol(c.protocol.get(), c.op.get()));
        if (!c.counters.get().isEmpty()) {
            lines.add("Measured: " + c.counters.get().replace('\n', ' ') + (c.wire >= 0 ? ", " + bytes(c.wire)
                    + " on the wire" : ""));
        }
        stepText.set(String.join("\n\n", lines));
    }
}
