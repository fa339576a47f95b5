package io.sonic.desktop.inference;

import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.client.CloudClient;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Bytes;
import io.sonic.desktop.app.OpenModel;
import io.sonic.desktop.app.Tasks;
import io.sonic.desktop.flow.MessageFlow;
import io.sonic.engine.BatchResult;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureParty;
import io.sonic.model.ModelGraph;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.net.LinkProfile;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelException;
import io.sonic.model.Scores;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.layer.Layer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * State and actions of the Inference screen: the chosen input, what each server receives, the layer
 * pipeline with live counters (from server 0's event stream), step mode, and the outcome of the run.
 *
 * <p>Every figure shown after a run comes from one {@link RunOutcome}: the secure result, the float
 * model's answer for the same input (computed with it, in the same job) and the input's true label. A
 * new run, input, model or mode replaces the outcome as a whole, so nothing on the screen can mix two
 * runs. Background work goes through {@link Tasks}; with {@link Tasks#direct()} the whole view-model
 * runs on the test's thread.
 */
public final class InferenceViewModel {

    /** How far a layer has come. */
    public enum CardState { WAITING, PAUSED, RUNNING, DONE, FAILED, CANCELLED }

    /** One layer of the pipeline (and, in label-output mode, the final argmax). */
    public static final class LayerCard {
        public final int index;
        public final String name;
        public final String op;
        /** The protocols' display text, and the protocols themselves (what explanations key on). */
        public final StringProperty protocol = new SimpleStringProperty();
        public final ObjectProperty<ProtocolId> protocolId = new SimpleObjectProperty<>();
        public final ObjectProperty<CardState> state = new SimpleObjectProperty<>(CardState.WAITING);
        public final StringProperty counters = new SimpleStringProperty("");
        /** Where the layer's time went on the run's link (null until it has run). */
        public final ObjectProperty<LinkProfile.Split> split = new SimpleObjectProperty<>();
        private InferenceResult.LayerStat stat;

        LayerCard(int index, String name, String op, ProtocolId protocol) {
            this.index = index;
            this.name = name;
            this.op = op;
            runs(protocol);
        }

        void runs(ProtocolId p) {
            protocolId.set(p);
            protocol.set(p.label());
        }

        /** The layer's measured figures once it has run, else null. */
        public InferenceResult.LayerStat stat() {
            return stat;
        }

        void done(InferenceResult.LayerStat s, LinkProfile link) {
            stat = s;
            runs(s.protocol());
            LinkProfile.Split sp = link.split(s.nanos(), s.online().rounds(), s.online().bytesSent());
            split.set(sp);
            state.set(CardState.DONE);
            counters.set(counters(s));
        }

        void reset() {
            stat = null;
            split.set(null);
            state.set(CardState.WAITING);
            counters.set("");
        }
    }

    /**
     * The input chosen for the next run. {@code trueLabel} is null when the input has none; {@code sample}
     * is its index among the test samples, or null when it is not one of them.
     */
    public record InputChoice(float[] values, String source, Integer trueLabel, Integer sample) {
    }

    /** How a run ended. */
    public enum Ending { DONE, CANCELLED, FAILED }

    /**
     * Everything one run shows: its model, settings and input, the float model's output for that same
     * input, and the secure result (null when the run was cancelled or failed; {@code message} says why).
     */
    public record RunOutcome(OpenModel model, SecureConfig config, InputChoice input, float[] plain, int plainLabel,
                             InferenceResult result, Ending ending, String message) {

        /** The secure class probabilities (softmax of the reconstructed logits), or null in label mode or without a result. */
        public double[] secureProbabilities() {
            return result == null || result.output().length == 0 ? null : Scores.probabilities(result.output());
        }

        /** The float model's class probabilities for the same input, or null when it was not computed. */
        public double[] plainProbabilities() {
            return plain == null ? null : Scores.probabilities(plain);
        }

        /** Whether the secure label equals the float model's (false without a result). */
        public boolean agree() {
            return result != null && result.predictedLabel() == plainLabel;
        }

        /** Whether the secure label equals the true label; null when there is no result or no true label. */
        public Boolean correct() {
            return result == null || input.trueLabel() == null ? null : result.predictedLabel() == input.trueLabel();
        }

        /** The result in words: predictions with class names, the true label, the traffic and the time. */
        public String text() {
            if (result == null) {
                return message;
            }
            StringBuilder s = new StringBuilder();
            s.append("secure prediction: ").append(model.className(result.predictedLabel()))
                    .append("    plaintext prediction: ").append(model.className(plainLabel));
            if (input.trueLabel() != null) {
                s.append("    true label: ").append(model.className(input.trueLabel()));
            }
            s.append('\n').append(String.format(Locale.ROOT, "online %s in %d rounds (%s on the wire), %s,"
                            + " %.1f ms online", Bytes.human(result.online().bytes()), result.online().rounds(),
                    result.wireBytes() < 0 ? "not measured in one process" : Bytes.human(result.wireBytes()),
                    offlineText(), result.onlineNanos() / 1e6));
            if (result.pausedNanos() > 0) {
                s.append(String.format(Locale.ROOT, " (and %.1f s paused in step mode, not counted)",
                        result.pausedNanos() / 1e9));
            }
            return s.toString();
        }

        /** The offline phase in words: the dealer's bytes, or what the servers sent each other to make the randomness. */
        String offlineText() {
            if (config.preprocessing() == SecureConfig.Preprocessing.OT) {
                Traffic t = result.preprocessing();
                return String.format(Locale.ROOT, "offline no dealer: the servers sent each other %s in %d rounds"
                        + " (%s) to make the randomness", Bytes.human(t.bytes()), t.rounds(),
                        Bytes.millis(result.offlineNanos() / 1e6));
            }
            return "offline " + Bytes.human(result.offlineBytes()) + " from the dealer";
        }

        /** Why the chart shows what it shows (label output has no secure probabilities). */
        public String chartNote() {
            if (result != null && result.output().length == 0) {
                return "Label output: the servers computed only the label with a secure argmax, so no logits were"
                        + " revealed and there are no secure probabilities to draw. The bars are the plaintext"
                        + " model's probabilities for the same input.";
            }
            return "";
        }
    }

    /** The batch run's figures so far. */
    public record BatchRow(int sample, Integer trueLabel, int secureLabel, int plainLabel) {
    }

    private final AppState state;
    private final Tasks tasks;
    private final ObservableList<LayerCard> pipeline = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<InputChoice> input = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SharedTensor[]> shares = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper inputError = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<RunOutcome> outcome = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper paused = new ReadOnlyBooleanWrapper();
    private final IntegerProperty step = new SimpleIntegerProperty(-1);
    private final ReadOnlyStringWrapper stepText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper blocked = new ReadOnlyStringWrapper("");
    private final ObjectProperty<SecureConfig.Suite> suite = new SimpleObjectProperty<>(SecureConfig.Suite.SONIC);
    private final ObjectProperty<SecureConfig.LinearMode> linear = new SimpleObjectProperty<>(
            SecureConfig.LinearMode.FAITHFUL);
    private final ObjectProperty<SecureConfig.OutputMode> output = new SimpleObjectProperty<>(
            SecureConfig.OutputMode.LOGITS);
    private final ObjectProperty<LinkProfile> link = new SimpleObjectProperty<>(LinkProfile.LOOPBACK);
    private final ObjectProperty<SecureConfig.Preprocessing> preprocessing = new SimpleObjectProperty<>(
            SecureConfig.Preprocessing.DEALER);
    private final BooleanProperty stepping = new SimpleBooleanProperty();
    private final ObservableList<BatchRow> batchRows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper batchText = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper batchRunning = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<double[]> batchProgress = new ReadOnlyObjectWrapper<>(new double[] {0, 0});
    private BatchStats batchStats = BatchStats.NONE;

    /** The whole-test-set run's batches so far: how many, their rounds (each one query's), bytes and online time. */
    record BatchStats(int batches, int samples, long rounds, long bytes, long onlineNanos) {
        static final BatchStats NONE = new BatchStats(0, 0, 0, 0, 0);

        BatchStats plus(BatchResult b) {
            return new BatchStats(batches + 1, samples + b.size(), Math.max(rounds, b.online().rounds()),
                    bytes + b.online().bytes(), onlineNanos + b.onlineNanos());
        }
    }
    private final ReadOnlyObjectWrapper<MessageFlow> flow = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper flowNote = new ReadOnlyStringWrapper("");

    private OpenModel.Samples samples = OpenModel.Samples.NONE;
    /** The CSV file the samples came from, or null for the model's own test samples. */
    private String csvName;
    private long serial;
    private CloudClient.Control control;
    private Tasks.Handle job;

    public InferenceViewModel(AppState state, Tasks tasks) {
        this.state = state;
        this.tasks = tasks;
        state.modelProperty().addListener((o, a, m) -> modelChanged(m));
        state.cloudProperty().addListener((o, a, c) -> updateBlocked());
        state.configProperty().addListener((o, a, c) -> settingsChanged());
        suite.addListener((o, a, b) -> settingsChanged());
        linear.addListener((o, a, b) -> settingsChanged());
        output.addListener((o, a, b) -> settingsChanged());
        link.addListener((o, a, b) -> settingsChanged());
        preprocessing.addListener((o, a, b) -> settingsChanged());
        // servers without a dealer can only make the randomness themselves; servers with one start with the dealer
        state.noDealerProperty().addListener((o, a, none) -> {
            preprocessing.set(none ? SecureConfig.Preprocessing.OT : SecureConfig.Preprocessing.DEALER);
            updateBlocked();
        });
        input.addListener((o, a, b) -> updateBlocked());
        running.addListener((o, a, b) -> updateBlocked());
        batchRunning.addListener((o, a, b) -> updateBlocked());
        step.addListener((o, a, b) -> updateFlow());
        outcome.addListener((o, a, b) -> updateFlow());
        modelChanged(state.modelProperty().get());
    }

    // ----------------------------------------------------------------- properties

    public ObservableList<LayerCard> pipeline() {
        return pipeline;
    }

    public ReadOnlyObjectProperty<InputChoice> inputProperty() {
        return input.getReadOnlyProperty();
    }

    /** The two input shares of the latest run, as sent (null before the run's shares exist). */
    public ReadOnlyObjectProperty<SharedTensor[]> sharesProperty() {
        return shares.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Why the last input could not be used, or "". */
    public ReadOnlyStringProperty inputErrorProperty() {
        return inputError.getReadOnlyProperty();
    }

    /** The latest run's outcome, or null while none has ended since the input, model or mode changed. */
    public ReadOnlyObjectProperty<RunOutcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** True while both servers wait in step mode. */
    public ReadOnlyBooleanProperty pausedProperty() {
        return paused.getReadOnlyProperty();
    }

    /** The highlighted layer (step mode, or browsing after a run), or -1. */
    public IntegerProperty stepProperty() {
        return step;
    }

    public ReadOnlyStringProperty stepTextProperty() {
        return stepText.getReadOnlyProperty();
    }

    /** Why a run cannot start now, or "" when it can. */
    public ReadOnlyStringProperty blockedProperty() {
        return blocked.getReadOnlyProperty();
    }

    /** The protocol suite of the next run: Sonic's (the paper) or FSS (one round per comparison). */
    public ObjectProperty<SecureConfig.Suite> suiteProperty() {
        return suite;
    }

    public ObjectProperty<SecureConfig.LinearMode> linearProperty() {
        return linear;
    }

    public ObjectProperty<SecureConfig.OutputMode> outputProperty() {
        return output;
    }

    /**
     * The network simulated between the two servers in the next run (loopback: none; LAN, WAN: each message
     * waits its latency and transmission time on the servers' link).
     */
    public ObjectProperty<LinkProfile> linkProperty() {
        return link;
    }

    /**
     * Where the next run's correlated randomness comes from: the dealer, or the two servers themselves with
     * oblivious transfer before the online phase (the Sonic suite only).
     */
    public ObjectProperty<SecureConfig.Preprocessing> preprocessingProperty() {
        return preprocessing;
    }

    public BooleanProperty steppingProperty() {
        return stepping;
    }

    public ObservableList<BatchRow> batchRows() {
        return batchRows;
    }

    public ReadOnlyStringProperty batchTextProperty() {
        return batchText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty batchRunningProperty() {
        return batchRunning.getReadOnlyProperty();
    }

    /** {done, total} of the batch run. */
    public ReadOnlyObjectProperty<double[]> batchProgressProperty() {
        return batchProgress.getReadOnlyProperty();
    }

    /**
     * The messages of the highlighted layer, or, while that layer has not run yet (step mode), of the last
     * layer that has; null when no layer has run.
     */
    public ReadOnlyObjectProperty<MessageFlow> flowProperty() {
        return flow.getReadOnlyProperty();
    }

    /** Which layer the message flow shows and why, when it is not the highlighted one. */
    public ReadOnlyStringProperty flowNoteProperty() {
        return flowNote.getReadOnlyProperty();
    }

    public OpenModel.Samples samples() {
        return samples;
    }

    public int sampleCount() {
        return samples.size();
    }

    /** The configuration the next run uses. */
    public SecureConfig config() {
        return state.configProperty().get().withSuite(suite.get()).withLinear(linear.get()).withOutput(output.get())
                .withLink(link.get()).withPreprocessing(preprocessingRefused() == null ? preprocessing.get()
                        : SecureConfig.Preprocessing.DEALER);
    }

    /** Why the chosen suite cannot run with the chosen source of randomness (the run is blocked), or null. */
    private String preprocessingRefused() {
        String r = SecureConfig.refusal(suite.get(), preprocessing.get());
        return r == null ? null : Character.toUpperCase(r.charAt(0)) + r.substring(1) + ".";
    }

    // ----------------------------------------------------------------- inputs

    /** Uses test sample k of the open model. */
    public void chooseSample(int k) {
        if (k < 0 || k >= samples.size()) {
            inputError.set(samples.size() == 0 ? "This model has no test samples; paste a row or load a CSV file."
                    : "There are test samples 0 to " + (samples.size() - 1) + ".");
            return;
        }
        Integer label = samples.label(k);
        OpenModel m = state.modelProperty().get();
        if (csvName != null) {
            chooseSampleFromFile(k, csvName);
            return;
        }
        choose(new InputChoice(samples.inputs().get(k), "test sample " + k + (label == null ? ""
                : " (true label " + m.className(label) + ")"), label, k));
    }

    /** Uses values typed or pasted as one comma-separated row. */
    public boolean chooseRow(String text) {
        OpenModel m = state.modelProperty().get();
        if (m == null) {
            return false;
        }
        try {
            float[] v = InputCsv.row(text, m.graph().inputSize(), "the pasted row");
            return choose(new InputChoice(v, "a pasted row of " + v.length + " values", null, null));
        } catch (ModelException e) {
            inputError.set(e.getMessage());
            return false;
        }
    }

    /** Uses the samples of a CSV file (one sample per line) as this model's test samples, without labels. */
    public boolean loadCsv(Path file) {
        OpenModel m = state.modelProperty().get();
        if (m == null) {
            return false;
        }
        try {
            List<float[]> rows = InputCsv.read(file, m.graph().inputSize(), 10_000);
            samples = new OpenModel.Samples(rows, null, rows.size() + " samples from " + file.getFileName());
            csvName = file.getFileName().toString();
            inputError.set("");
            chooseSampleFromFile(0, file.getFileName().toString());
            return true;
        } catch (ModelException e) {
            inputError.set(e.getMessage());
            return false;
        }
    }

    private void chooseSampleFromFile(int k, String name) {
        choose(new InputChoice(samples.inputs().get(k), name + " row " + (k + 1), null, k));
    }

    /** Uses values from an image, the table or the canvas (already shaped like the model's input). */
    public boolean chooseValues(float[] values, String source) {
        return choose(new InputChoice(values, source, null, null));
    }

    private boolean choose(InputChoice c) {
        OpenModel m = state.modelProperty().get();
        if (m == null) {
            return false;
        }
        if (c.values().length != m.graph().inputSize()) {
            inputError.set("That input has " + c.values().length + " values; the model needs "
                    + m.graph().inputSize() + ".");
            return false;
        }
        if (m.inputRange() != null) {
            int bad = m.inputRange().firstOutside(c.values());
            if (bad >= 0) {
                inputError.set(String.format(Locale.ROOT, "Value %d of %s is %s, outside the model's public input"
                                + " range %s; the servers cannot check shares, so the app refuses it.", bad + 1,
                        c.source(), c.values()[bad], m.inputRange()));
                return false;
            }
        }
        inputError.set("");
        input.set(c);
        shares.set(null);
        clearOutcome();
        return true;
    }

    // ----------------------------------------------------------------- running

    /** Starts a secure query of the chosen input with the chosen settings (UI thread). */
    public void run() {
        if (!blocked.get().isEmpty()) {
            status.set(blocked.get());
            return;
        }
        OpenModel m = state.modelProperty().get();
        CloudClient client = state.cloudProperty().get();
        InputChoice x = input.get();
        SecureConfig cfg = config();
        boolean stepMode = stepping.get();
        long me = ++serial;
        CloudClient.Control c = new CloudClient.Control(stepMode);
        control = c;
        clearOutcome();
        shares.set(null);
        running.set(true);
        status.set(stepMode ? "Starting in step mode: both servers will pause before each layer…"
                : "Running secure inference…");
        job = tasks.run("inference", h -> {
            float[] plain = new FloatEvaluator(m.graph()).run(x.values()).values();
            String id = ensureUploaded(client, m);
            try {
                return new Finished(plain, client.infer(id, x.values(), cfg,
                        e -> tasks.ui(() -> onEvent(me, e)),
                        s -> tasks.ui(() -> {
                            if (me == serial) {
                                shares.set(s);
                            }
                        }), c), null);
            } catch (RuntimeException e) {
                return new Finished(plain, null, e);
            }
        }, f -> ended(me, m, cfg, x, f), t -> ended(me, m, cfg, x, new Finished(null, null, t)));
    }

    private record Finished(float[] plain, InferenceResult result, Throwable failure) {
    }

    private String ensureUploaded(CloudClient client, OpenModel m) {
        String id = state.uploads().current();
        if (id != null) {
            return id;
        }
        CloudClient.Upload u = state.uploads().upload(client, m, null);
        tasks.ui(() -> state.uploads().uploaded(client, m, u));
        return u.modelId();
    }

    /** Cancels the running query on both servers. */
    public void cancel() {
        CloudClient.Control c = control;
        if (c != null && running.get()) {
            status.set("Cancelling…");
            tasks.fire("cancel", c::cancel, t -> status.set("Could not cancel: " + Tasks.message(t)));
        }
    }

    /** Step mode: lets both servers run the layer they wait before; after a run: highlights the next layer. */
    public void next() {
        CloudClient.Control c = control;
        if (c != null && running.get() && c.stepping()) {
            if (paused.get()) {
                paused.set(false);
                tasks.fire("continue", c::proceed, t -> status.set("Could not continue: " + Tasks.message(t)));
            }
        } else {
            moveStep(+1);
        }
    }

    /** Highlights the previous layer (to read its explanation again). */
    public void previous() {
        moveStep(-1);
    }

    /** Step mode: lets both servers run every remaining layer without pausing. */
    public void runToEnd() {
        CloudClient.Control c = control;
        if (c != null && running.get()) {
            paused.set(false);
            tasks.fire("continue", c::runToEnd, t -> status.set("Could not continue: " + Tasks.message(t)));
        }
    }

    /** Applies one event of server 0's stream (UI thread); events of an earlier run are ignored. */
    void onEvent(long run, SessionEvent e) {
        if (run != serial || !running.get()) {
            return;
        }
        int index = e.index() == null ? -1 : e.index();
        LayerCard card = index >= 0 && index < pipeline.size() ? pipeline.get(index) : null;
        switch (e.type()) {
            case SessionEvent.PAUSED -> {
                if (card != null) {
                    card.state.set(CardState.PAUSED);
                }
                paused.set(true);
                step.set(index);
                explain(index);
                status.set("Both servers wait before layer " + index + (card == null ? "" : " (" + card.name + ")")
                        + ". Next layer lets them run it.");
            }
            case SessionEvent.LAYER_START -> {
                if (card != null) {
                    card.state.set(CardState.RUNNING);
                    card.runs(ProtocolId.parse(e.protocolId()));
                }
            }
            case SessionEvent.LAYER_END -> {
                if (card != null) {
                    card.done(CloudClient.layerStat(e, -1), config().link()); // redone with the servers' link at the end
                    if (step.get() == index) {
                        explain(index);
                    }
                    updateFlow();
                }
            }
            default -> {
            }
        }
    }

    private void ended(long run, OpenModel m, SecureConfig asked, InputChoice x, Finished f) {
        if (run != serial) {
            return;
        }
        // the network the servers simulated: the one asked for, or a server's own (serve --link)
        SecureConfig cfg = f.result() == null ? asked : asked.withLink(f.result().link());
        control = null;
        job = null;
        running.set(false);
        paused.set(false);
        if (f.result() != null) {
            for (InferenceResult.LayerStat s : f.result().layers()) {
                if (s.index() < pipeline.size()) {
                    pipeline.get(s.index()).done(s, cfg.link());
                }
            }
            int plainLabel = Scores.label(f.plain());
            RunOutcome o = new RunOutcome(m, cfg, x, f.plain(), plainLabel, f.result(), Ending.DONE, "");
            outcome.set(o);
            status.set("Done. Step through the layers with Next / Previous to see what each protocol did.");
            state.runs().add(new AppState.Run(m, cfg, f.result(), f.plain(), plainLabel, x.trueLabel(), x.source(),
                    Instant.now()));
            if (step.get() < 0 || step.get() >= pipeline.size()) {
                step.set(pipeline.isEmpty() ? -1 : 0);
            }
            explain(step.get());
            return;
        }
        boolean cancelled = f.failure() instanceof CloudClient.CancelledException;
        for (LayerCard c : pipeline) {
            if (c.state.get() == CardState.RUNNING || c.state.get() == CardState.PAUSED) {
                c.state.set(cancelled ? CardState.CANCELLED : CardState.FAILED);
            }
        }
        step.set(-1);
        stepText.set("");
        String why = f.failure() == null ? "" : Tasks.message(f.failure());
        String msg = cancelled ? "Cancelled. Both servers stopped and dropped the session; no result was revealed."
                : "Secure inference failed: " + stripPrefix(why);
        outcome.set(new RunOutcome(m, cfg, x, f.plain(), f.plain() == null ? -1 : Scores.label(f.plain()), null,
                cancelled ? Ending.CANCELLED : Ending.FAILED, msg));
        status.set(msg);
    }

    /** "secure inference failed: X" from a lower layer is not repeated. */
    private static String stripPrefix(String why) {
        String p = "secure inference failed: ";
        return why.regionMatches(true, 0, p, 0, p.length()) ? why.substring(p.length()) : why;
    }

    // ----------------------------------------------------------------- batch

    /** Test samples per batch of the whole-test-set run: every round carries all of them. */
    static final int BATCH = 25;

    /**
     * Runs every test sample securely, {@value #BATCH} at a time in one session per batch (every round
     * carries the whole batch, so it costs one query's rounds), and counts agreement and accuracy.
     */
    public void runBatch() {
        if (!blocked.get().isEmpty() || samples.size() == 0) {
            status.set(samples.size() == 0 ? "This model has no test samples to run as a batch." : blocked.get());
            return;
        }
        OpenModel m = state.modelProperty().get();
        CloudClient client = state.cloudProperty().get();
        SecureConfig cfg = config();
        OpenModel.Samples set = samples;
        long me = ++serial;
        CloudClient.Control c = new CloudClient.Control(false);
        control = c;
        batchRows.clear();
        batchStats = BatchStats.NONE;
        batchRunning.set(true);
        batchProgress.set(new double[] {0, set.size()});
        batchText.set("Running " + set.size() + " test samples securely…");
        FloatEvaluator plain = new FloatEvaluator(m.graph());
        job = tasks.run("batch", h -> {
            String id = ensureUploaded(client, m);
            for (int from = 0; from < set.size(); from += BATCH) {
                if (h.cancelled() || c.cancelled()) {
                    throw new CloudClient.CancelledException();
                }
                List<float[]> xs = set.inputs().subList(from, Math.min(set.size(), from + BATCH));
                BatchResult b = client.inferBatch(id, xs, cfg);
                List<BatchRow> rows = new ArrayList<>();
                for (int i = 0; i < xs.size(); i++) {
                    int k = from + i;
                    rows.add(new BatchRow(k, set.label(k), b.samples().get(i).predictedLabel(),
                            plain.run(xs.get(i)).argmax()));
                }
                tasks.ui(() -> {
                    if (me == serial) {
                        batchRows.addAll(rows);
                        batchStats = batchStats.plus(b);
                        batchProgress.set(new double[] {batchRows.size(), set.size()});
                        batchText.set(batchSummary(m, set.size()));
                    }
                });
            }
            return Boolean.TRUE;
        }, ok -> batchEnded(me, m, set.size(), null), t -> batchEnded(me, m, set.size(), t));
    }

    private void batchEnded(long run, OpenModel m, int total, Throwable t) {
        if (run != serial) {
            return;
        }
        control = null;
        job = null;
        batchRunning.set(false);
        String summary = batchSummary(m, total);
        if (t instanceof CloudClient.CancelledException) {
            batchText.set("Cancelled after " + batchRows.size() + " of " + total + " samples. " + summary);
        } else if (t != null) {
            batchText.set("The batch stopped after " + batchRows.size() + " of " + total + " samples: "
                    + stripPrefix(Tasks.message(t)) + ". " + summary);
        } else {
            batchText.set(summary);
        }
    }

    /** Agreement and accuracy over the batch rows so far. */
    String batchSummary(OpenModel m, int total) {
        int n = batchRows.size();
        if (n == 0) {
            return "No sample has finished yet.";
        }
        int agree = 0;
        int labelled = 0;
        int secureRight = 0;
        int plainRight = 0;
        for (BatchRow r : batchRows) {
            agree += r.secureLabel() == r.plainLabel() ? 1 : 0;
            if (r.trueLabel() != null) {
                labelled++;
                secureRight += r.secureLabel() == r.trueLabel() ? 1 : 0;
                plainRight += r.plainLabel() == r.trueLabel() ? 1 : 0;
            }
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d of %d samples run. Secure = plaintext on"
                + " %d/%d (%.1f%%).", n, total, agree, n, 100.0 * agree / n));
        if (batchStats.batches() > 0) {
            s.append(String.format(Locale.ROOT, " %d batch%s of up to %d, each in %d rounds (one query's): %s online,"
                            + " %.0f inferences/s online.", batchStats.batches(), batchStats.batches() == 1 ? "" : "es",
                    BATCH, batchStats.rounds(), Bytes.human(batchStats.bytes()),
                    batchStats.samples() / (batchStats.onlineNanos() / 1e9)));
        }
        if (m.randomWeights()) {
            s.append(" No accuracy: this model's weights are random, so it has no true labels.");
        } else if (labelled > 0) {
            s.append(String.format(Locale.ROOT, " Accuracy against the true labels: secure %d/%d (%.1f%%), plaintext"
                            + " %d/%d (%.1f%%).", secureRight, labelled, 100.0 * secureRight / labelled, plainRight,
                    labelled, 100.0 * plainRight / labelled));
        } else {
            s.append(" No accuracy: these samples have no true labels.");
        }
        return s.toString();
    }

    /** Cancels the batch run. */
    public void cancelBatch() {
        CloudClient.Control c = control;
        Tasks.Handle h = job;
        if (batchRunning.get() && c != null) {
            batchText.set("Cancelling after the current batch…");
            tasks.fire("cancel", c::cancel, t -> { });
            if (h != null) {
                h.cancel();
                batchEnded(serial, state.modelProperty().get(), (int) batchProgress.get()[1],
                        new CloudClient.CancelledException());
            }
        }
    }

    // ----------------------------------------------------------------- step mode and explanations

    private void moveStep(int delta) {
        if (pipeline.isEmpty()) {
            return;
        }
        int s = Math.max(0, Math.min(pipeline.size() - 1, step.get() + delta));
        if (running.get()) {
            // while the servers run, only layers that have already run (and the one they wait before) can be shown
            int last = -1;
            for (LayerCard c : pipeline) {
                if (c.state.get() != CardState.WAITING) {
                    last = c.index;
                }
            }
            s = Math.min(s, Math.max(0, last));
        }
        step.set(s);
        explain(s);
    }

    /**
     * Turns step mode on for a topic of the Learn tab: after a run, highlights the first layer whose
     * protocol shows it; before one, says which layers will.
     */
    public void focusTopic(String title, java.util.function.Predicate<ProtocolId> shownBy) {
        if (!running.get()) {
            stepping.set(true);
        }
        List<Integer> layers = shownIn(shownBy);
        String switched = "";
        if (layers.isEmpty() && !running.get() && state.modelProperty().get() != null) {
            // a topic of the other suite (FSS, say): choose that suite, whose pipeline shows it
            for (SecureConfig.Suite other : SecureConfig.Suite.values()) {
                ModelGraph g = state.modelProperty().get().graph();
                boolean shows = SecureParty.protocols(g, config().withSuite(other)).stream().anyMatch(shownBy);
                if (other != suite.get() && shows) {
                    suite.set(other);
                    layers = shownIn(shownBy);
                    switched = "Protocols set to " + other.cliName().toUpperCase(Locale.ROOT) + ". ";
                    break;
                }
            }
        }
        if (layers.isEmpty()) {
            status.set("No layer of this model shows " + title + (output.get() == SecureConfig.OutputMode.LOGITS
                    && title.toLowerCase(Locale.ROOT).contains("argmax") ? " (choose label output)" : "") + ".");
            return;
        }
        if (outcome.get() != null && outcome.get().result() != null) {
            select(layers.get(0));
            status.set(switched + title + ": layers " + layers + ". Next and Previous move through the layers.");
        } else {
            status.set(switched + "Step mode is on. " + title + " happens in layers " + layers + ": run a query and press Next"
                    + " layer (or Space) until the servers wait before one of them.");
        }
    }

    private List<Integer> shownIn(java.util.function.Predicate<ProtocolId> shownBy) {
        List<Integer> layers = new ArrayList<>();
        for (LayerCard c : pipeline) {
            if (shownBy.test(c.protocolId.get())) {
                layers.add(c.index);
            }
        }
        return layers;
    }

    /** Highlights a layer (a click on its card). */
    public void select(int index) {
        if (index >= 0 && index < pipeline.size()) {
            step.set(index);
            explain(index);
        }
    }

    private void explain(int s) {
        if (s < 0 || s >= pipeline.size()) {
            stepText.set(s >= 0 && running.get() ? "The output: " + Explanations.forProtocol(SecureParty.argmaxProtocol(config()), "ArgMax")
                    : "");
            return;
        }
        LayerCard c = pipeline.get(s);
        List<String> lines = new ArrayList<>();
        lines.add("Layer " + s + ": " + c.name + " (" + c.op + "), protocol: " + c.protocol.get()
                + (c.state.get() == CardState.PAUSED ? " — about to run" : ""));
        lines.add(Explanations.forProtocol(c.protocolId.get(), c.op));
        if (madeByServers() && c.stat() != null && c.stat().offlineBytes() > 0) {
            lines.add("No dealer in this run: what the explanation calls the dealer's (triples, masks, random bits) the"
                    + " two servers made between themselves with oblivious transfer before the query. The online"
                    + " messages are the same.");
        }
        if (c.stat() != null) {
            InferenceResult.LayerStat st = c.stat();
            lines.add(String.format(Locale.ROOT, "Measured: server 0 sent %s and received %s in %d rounds, %s%s",
                    Bytes.exact(st.online().bytesSent()), Bytes.exact(st.online().bytesReceived()),
                    st.online().rounds(), Bytes.millis(st.nanos() / 1e6), st.offlineBytes() <= 0 ? ""
                            : madeByServers() ? "; before the query the servers sent each other "
                            + Bytes.exact(st.offlineBytes()) + " to make its randomness"
                            : "; the dealer sent " + Bytes.exact(st.offlineBytes()) + " for it before the query"));
            RunOutcome done = outcome.get();
            LinkProfile l = done != null && done.result() != null ? done.config().link() : config().link();
            if (l.simulated() && c.split.get() != null) {
                lines.add("On the simulated " + l.summary() + " link: " + splitText(c.split.get()) + " (the rounds"
                        + " wait " + st.online().rounds() + " × the latency; the bytes server 0 sent wait ÷ the"
                        + " bandwidth; the rest is computing).");
            }
        }
        stepText.set(String.join("\n\n", lines));
    }

    private void updateFlow() {
        OpenModel m = state.modelProperty().get();
        int s = step.get();
        if (m == null || s < 0 || s >= pipeline.size()) {
            flow.set(null);
            flowNote.set(m == null || pipeline.isEmpty() ? "" : "Select a layer to see the messages it sent.");
            return;
        }
        int shown = s;
        while (shown >= 0 && pipeline.get(shown).stat() == null) {
            shown--;
        }
        if (shown < 0) {
            flow.set(null);
            flowNote.set("Layer " + s + " has not run yet: its messages appear here once both servers have run it.");
            return;
        }
        RunOutcome o = outcome.get();
        try {
            if (o != null && o.result() != null) {
                flow.set(MessageFlow.of(o.result(), shown, m.graph()));
            } else {
                List<InferenceResult.LayerStat> done = new ArrayList<>();
                for (LayerCard c : pipeline) {
                    if (c.stat() != null) {
                        done.add(c.stat());
                    }
                }
                // the settings cannot change while a query runs: they are the running query's
                flow.set(MessageFlow.ofRunning(done, shown, m.graph(), 2L * io.sonic.engine.crypto.Prg.SEED_BYTES,
                        madeByServers()));
            }
            flowNote.set(shown == s ? "" : "Layer " + s + " has not run yet; these are the messages of layer " + shown
                    + ", the last one both servers ran.");
        } catch (IllegalArgumentException e) {
            flow.set(null);
            flowNote.set("No message flow for this layer: " + e.getMessage());
        }
    }

    // ----------------------------------------------------------------- model and settings

    private void modelChanged(OpenModel m) {
        abandonRun();
        samples = m == null ? OpenModel.Samples.NONE : m.samples();
        csvName = null;
        input.set(null);
        inputError.set("");
        batchRows.clear();
        batchText.set("");
        rebuildPipeline(m, m == null ? null : config());
        clearOutcome();
        if (m == null) {
            status.set("Open a model on the Model tab first.");
        } else {
            if (samples.size() > 0) {
                chooseSample(0);
            }
            status.set("Ready.");
        }
        updateBlocked();
    }

    /** Whether the run shown (or, before one, the next run) has its randomness made by the servers. */
    private boolean madeByServers() {
        RunOutcome done = outcome.get();
        SecureConfig c = done != null ? done.config() : config();
        return c.preprocessing() == SecureConfig.Preprocessing.OT;
    }

    private void settingsChanged() {
        if (!running.get()) {
            rebuildPipeline(state.modelProperty().get(), config());
            clearOutcome();
        }
        updateBlocked();
    }

    /** Forgets a run in progress (its events and result are ignored from now on) and stops it on the servers. */
    private void abandonRun() {
        serial++;
        CloudClient.Control c = control;
        control = null;
        if (c != null) {
            tasks.fire("cancel", c::cancel, t -> { });
        }
        Tasks.Handle h = job;
        job = null;
        if (h != null) {
            h.cancel();
        }
        running.set(false);
        paused.set(false);
        batchRunning.set(false);
    }

    private void clearOutcome() {
        outcome.set(null);
        step.set(-1);
        stepText.set("");
        if (!running.get()) {
            for (LayerCard c : pipeline) {
                c.reset();
            }
        }
    }

    private void rebuildPipeline(OpenModel m, SecureConfig cfg) {
        List<LayerCard> cards = new ArrayList<>();
        if (m != null) {
            List<Layer> layers = m.graph().layers();
            List<ProtocolId> protocols = SecureParty.protocols(m.graph(), cfg);
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                cards.add(new LayerCard(i, l.name(), l.sourceOp(), protocols.get(i)));
            }
            if (cfg.output() == SecureConfig.OutputMode.LABEL) {
                cards.add(new LayerCard(layers.size(), "output", "ArgMax", SecureParty.argmaxProtocol(cfg)));
            }
        }
        pipeline.setAll(cards);
    }

    private void updateBlocked() {
        OpenModel m = state.modelProperty().get();
        String why = m == null ? "Open a model on the Model tab first."
                : m.inputRange() == null ? "This model cannot run securely: " + m.rangeNote()
                : state.cloudProperty().get() == null ? "Start or connect servers on the Cloud tab first."
                : running.get() ? "A query is running."
                : batchRunning.get() ? "A batch run is running."
                : preprocessingRefused() != null ? preprocessingRefused()
                : state.noDealerProperty().get() && config().preprocessing() == SecureConfig.Preprocessing.DEALER
                ? "These servers run without a dealer: choose randomness made by the servers, or start servers"
                + " with a dealer on the Cloud tab."
                : input.get() == null ? (samples.size() == 0
                ? "Choose an input: this model has no test samples, so paste a row, load a CSV file"
                + (m.input().image() ? " or an image" : "") + "." : "Choose an input.")
                : "";
        blocked.set(why);
    }

    // ----------------------------------------------------------------- helpers

    static String counters(InferenceResult.LayerStat s) {
        Traffic t = s.online();
        return "S0→S1 " + Bytes.human(t.bytesSent()) + "\nS1→S0 " + Bytes.human(t.bytesReceived()) + "\n"
                + t.rounds() + (t.rounds() == 1 ? " round, " : " rounds, ") + Bytes.millis(s.nanos() / 1e6);
    }

    /** A layer's time on a simulated link in words: what computing, the rounds' latency and the bytes took. */
    static String splitText(LinkProfile.Split s) {
        return "compute " + Bytes.millis(s.computeNanos() / 1e6) + " · latency " + Bytes.millis(s.latencyNanos() / 1e6)
                + " · transfer " + Bytes.millis(s.transferNanos() / 1e6);
    }

    /** Stops a running query or batch (the window closes). */
    public void shutdown() {
        abandonRun();
    }
}
