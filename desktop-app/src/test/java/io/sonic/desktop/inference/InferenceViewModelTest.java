package io.sonic.desktop.inference;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.OpenModel;
import io.sonic.desktop.app.Tasks;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.net.LinkProfile;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Inference screen's view-model against real local servers, without JavaFX: every figure of an
 * outcome belongs to the input, model and settings of its own run.
 */
class InferenceViewModelTest {
    private static LocalCloud cloud;
    private static CloudClient client;

    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(null);
        client = cloud.client();
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    static Path sample(String name) {
        return Path.of(System.getProperty("sonic.root", ".."), "sample-models", name, name + ".onnx");
    }

    static Path resource(String name) {
        return Path.of("src/test/resources/models").resolve(name);
    }

    static OpenModel open(Path file) {
        ModelGraph g = OnnxImporter.read(file);
        return OpenModel.of(file, g);
    }

    private static AppState connected(OpenModel m) {
        AppState state = new AppState();
        state.configProperty().set(SecureConfig.DEFAULT.withFractionBits(m.fractionBits()));
        state.modelProperty().set(m);
        state.cloudProperty().set(client);
        return state;
    }

    /** What the screen shows equals the engine's figures for this exact input. */
    private static void assertOutcomeOf(AppState state, InferenceViewModel vm, OpenModel m, float[] x, Integer trueLabel) {
        InferenceViewModel.RunOutcome o = vm.outcomeProperty().get();
        assertNotNull(o, vm.statusProperty().get());
        assertEquals(InferenceViewModel.Ending.DONE, o.ending(), o.message());
        assertArrayEquals(x, o.input().values());
        float[] plain = new FloatEvaluator(m.graph()).run(x).values();
        assertArrayEquals(plain, o.plain(), "the plaintext answer is that of the same input");
        int plainLabel = new FloatEvaluator(m.graph()).run(x).argmax();
        assertEquals(plainLabel, o.plainLabel());
        assertEquals(trueLabel, o.input().trueLabel());
        InferenceResult r = o.result();
        double[] secure = o.secureProbabilities();
        double[] want = io.sonic.model.Scores.probabilities(r.output());
        assertArrayEquals(want, secure, 0);
        assertEquals(r.predictedLabel() == plainLabel, o.agree());
        String text = o.text();
        assertTrue(text.contains("secure prediction: " + m.className(r.predictedLabel())), text);
        assertTrue(text.contains("plaintext prediction: " + m.className(plainLabel)), text);
        assertEquals(trueLabel != null, text.contains("true label: "), text);
        // the Report gets exactly this run
        AppState.Run run = state.runs().get(state.runs().size() - 1);
        assertTrue(run.result() == r);
        assertArrayEquals(plain, run.plain());
        assertEquals(trueLabel, run.trueLabel());
        // every card shows its layer's figures, and the cards add up to the run
        long bytes = 0;
        long rounds = 0;
        for (InferenceViewModel.LayerCard c : vm.pipeline()) {
            assertEquals(InferenceViewModel.CardState.DONE, c.state.get(), "layer " + c.index);
            assertEquals(r.layers().get(c.index).online(), c.stat().online(), "layer " + c.index);
            bytes += c.stat().online().bytes();
            rounds += c.stat().online().rounds();
        }
        assertEquals(r.online().bytes(), bytes);
        assertEquals(r.online().rounds(), rounds);
    }

    @Test
    void successiveInputsAndModelsEachShowTheirOwnFigures() {
        OpenModel m = open(sample("mnist-m1"));
        AppState state = connected(m);
        InferenceViewModel vm = new InferenceViewModel(state, Tasks.direct());
        assertEquals("", vm.blockedProperty().get(), "sample 0 is chosen when the model opens");
        List<float[]> in = InputCsv.read(sample("mnist-m1").resolveSibling("inputs.csv"), 784, 5);
        int[] labels = InputCsv.readLabels(sample("mnist-m1").resolveSibling("labels.csv"));

        vm.run();
        assertOutcomeOf(state, vm, m, in.get(0), labels[0]);
        vm.chooseSample(3);
        assertNull(vm.outcomeProperty().get(), "a new input clears the old outcome at once");
        for (InferenceViewModel.LayerCard c : vm.pipeline()) {
            assertEquals(InferenceViewModel.CardState.WAITING, c.state.get());
        }
        vm.run();
        assertOutcomeOf(state, vm, m, in.get(3), labels[3]);
        // a pasted row has no true label
        String row = java.util.stream.IntStream.range(0, 784).mapToObj(i -> Float.toString(in.get(1)[i]))
                .collect(Collectors.joining(","));
        assertTrue(vm.chooseRow(row), vm.inputErrorProperty().get());
        vm.run();
        assertOutcomeOf(state, vm, m, in.get(1), null);

        // another model: a fresh pipeline, no outcome, its own first sample
        OpenModel bc = open(sample("breast-cancer"));
        state.configProperty().set(SecureConfig.DEFAULT.withFractionBits(bc.fractionBits()));
        state.modelProperty().set(bc);
        assertNull(vm.outcomeProperty().get());
        assertEquals(bc.graph().layers().size(), vm.pipeline().size());
        vm.run();
        List<float[]> bin = InputCsv.read(sample("breast-cancer").resolveSibling("inputs.csv"), 30, 1);
        assertOutcomeOf(state, vm, bc, bin.get(0), InputCsv.readLabels(sample("breast-cancer").resolveSibling("labels.csv"))[0]);
        assertTrue(vm.outcomeProperty().get().text().contains("benign") || vm.outcomeProperty().get().text()
                .contains("malignant"), "class names from the card");
        assertEquals(4, state.runs().size());
    }

    @Test
    void labelOutputHasAnArgmaxCardAndSaysWhyThereAreNoProbabilities() {
        OpenModel m = open(sample("breast-cancer"));
        AppState state = connected(m);
        InferenceViewModel vm = new InferenceViewModel(state, Tasks.direct());
        vm.outputProperty().set(SecureConfig.OutputMode.LABEL);
        assertEquals(m.graph().layers().size() + 1, vm.pipeline().size());
        InferenceViewModel.LayerCard last = vm.pipeline().get(vm.pipeline().size() - 1);
        assertEquals("secure argmax", last.protocol.get());
        vm.run();
        InferenceViewModel.RunOutcome o = vm.outcomeProperty().get();
        assertEquals(InferenceViewModel.Ending.DONE, o.ending(), o.message());
        assertNull(o.secureProbabilities());
        assertNotNull(o.plainProbabilities());
        assertTrue(o.chartNote().startsWith("Label output"), o.chartNote());
        long rounds = vm.pipeline().stream().mapToLong(c -> c.stat().online().rounds()).sum();
        assertEquals(o.result().online().rounds(), rounds, "the cards' rounds add up to the total");
        assertTrue(last.stat().online().rounds() > 0);
    }

    @Test
    void aSimulatedNetworkKeepsTheTrafficAndEveryCardSplitsItsTimeIntoComputeLatencyAndTransfer() {
        OpenModel m = open(sample("breast-cancer"));
        AppState state = connected(m);
        InferenceViewModel vm = new InferenceViewModel(state, Tasks.direct());
        LinkProfile link = LinkProfile.parse("latency=3ms,bandwidth=200mbit");
        vm.linkProperty().set(link);
        assertEquals(link, vm.config().link(), "the next run asks the servers for this network");
        vm.run();
        InferenceViewModel.RunOutcome o = vm.outcomeProperty().get();
        assertEquals(InferenceViewModel.Ending.DONE, o.ending(), o.message());
        assertEquals(io.sonic.engine.CostModel.total(m.graph(), vm.config()).rounds(), o.result().online().rounds());
        assertEquals(link, o.config().link());
        for (InferenceViewModel.LayerCard c : vm.pipeline()) {
            LinkProfile.Split sp = c.split.get();
            assertNotNull(sp, "layer " + c.index);
            assertEquals(c.stat().online().rounds() * link.latencyNanos(), sp.latencyNanos(), "layer " + c.index);
            assertEquals(link.transmitNanos(c.stat().online().bytesSent()), sp.transferNanos());
            assertEquals(Math.max(0, c.stat().nanos() - sp.latencyNanos() - sp.transferNanos()), sp.computeNanos());
        }
        assertTrue(o.result().onlineNanos() >= link.networkNanos(o.result().online().rounds(),
                o.result().online().bytesSent()), "the servers simulated the link");
        vm.select(0);
        assertTrue(vm.stepTextProperty().get().contains("On the simulated " + link.summary() + " link"),
                vm.stepTextProperty().get());
    }

    @Test
    void theLearnTabsFssTopicChoosesTheFssSuiteForStepMode() {
        OpenModel m = open(sample("mnist-m1"));
        InferenceViewModel vm = new InferenceViewModel(connected(m), Tasks.direct());
        assertEquals(SecureConfig.Suite.SONIC, vm.suiteProperty().get());
        io.sonic.desktop.learn.Topic t = io.sonic.desktop.learn.Topic.FSS;
        vm.focusTopic(t.title(), t::shownBy);
        assertEquals(SecureConfig.Suite.FSS, vm.suiteProperty().get());
        assertTrue(vm.steppingProperty().get());
        assertTrue(vm.statusProperty().get().startsWith("Protocols set to FSS. Step mode is on."),
                vm.statusProperty().get());
        // a topic both suites show keeps the suite chosen
        io.sonic.desktop.learn.Topic beaver = io.sonic.desktop.learn.Topic.BEAVER;
        vm.focusTopic(beaver.title(), beaver::shownBy);
        assertEquals(SecureConfig.Suite.FSS, vm.suiteProperty().get());
    }

    @Test
    void theFssSuiteIsChosenOnTheTabAndEveryCardShowsItsProtocolsAndFormula() {
        OpenModel m = open(sample("mnist-m1"));
        AppState state = connected(m);
        InferenceViewModel vm = new InferenceViewModel(state, Tasks.direct());
        vm.suiteProperty().set(SecureConfig.Suite.FSS);
        vm.outputProperty().set(SecureConfig.OutputMode.LABEL);
        SecureConfig cfg = vm.config();
        assertEquals(SecureConfig.Suite.FSS, cfg.suite());
        InferenceViewModel.LayerCard relu = vm.pipeline().stream()
                .filter(c -> c.protocolId.get().runs(io.sonic.engine.protocol.ProtocolName.FSS_RELU)).findFirst()
                .orElseThrow();
        assertTrue(relu.protocol.get().startsWith("FSS ReLU"), relu.protocol.get());
        assertEquals("FSS argmax", vm.pipeline().get(vm.pipeline().size() - 1).protocol.get());
        vm.select(relu.index);
        assertTrue(vm.stepTextProperty().get().contains("one round"), vm.stepTextProperty().get());
        vm.run();
        InferenceViewModel.RunOutcome o = vm.outcomeProperty().get();
        assertEquals(InferenceViewModel.Ending.DONE, o.ending(), o.message());
        var want = io.sonic.engine.CostModel.of(m.graph(), cfg);
        for (InferenceViewModel.LayerCard c : vm.pipeline()) {
            assertEquals(want.get(c.index).onlineBytes(), c.stat().online().bytes(), "card " + c.index);
            assertEquals(want.get(c.index).rounds(), c.stat().online().rounds(), "card " + c.index);
        }
        assertEquals(new io.sonic.model.eval.FloatEvaluator(m.graph()).run(m.samples().inputs().get(0)).argmax(),
                o.result().label().intValue());
        assertEquals(SecureConfig.Suite.FSS, state.runs().get(state.runs().size() - 1).config().suite());
    }

    @Test
    void aModelWithoutSamplesSaysWhyItCannotRunAndTakesAPastedRowOrACsvFile() {
        OpenModel digits = open(resource("digits8/digits8.onnx"));
        assertEquals(0, digits.samples().size());
        assertTrue(digits.input().tabular(), "64 values: an editable table");
        assertFalse(digits.input().image());
        AppState state = new AppState();
        InferenceViewModel vm = new InferenceViewModel(state, Tasks.direct());
        assertEquals("Open a model on the Model tab first.", vm.blockedProperty().get());
        state.modelProperty().set(digits);
        assertEquals("Start or connect servers on the Cloud tab first.", vm.blockedProperty().get());
        state.cloudProperty().set(client);
        assertTrue(vm.blockedProperty().get().startsWith("Choose an input: this model has no test samples"),
                vm.blockedProperty().get());
        assertFalse(vm.chooseRow("1, 2, abc"));
        assertTrue(vm.inputErrorProperty().get().contains("has 3 values, but the model's input needs 64"),
                vm.inputErrorProperty().get());
        assertFalse(vm.chooseRow(String.join(",", java.util.Collections.nCopies(63, "1")) + ",x"));
        assertTrue(vm.inputErrorProperty().get().contains("value 64 ('x') is not a number"), vm.inputErrorProperty().get());
        assertTrue(vm.loadCsv(resource("digits8-inputs.csv")), vm.inputErrorProperty().get());
        assertEquals(20, vm.sampleCount());
        assertEquals("", vm.blockedProperty().get());
        vm.chooseSample(4);
        float[] x = InputCsv.read(resource("digits8-inputs.csv"), 64, 5).get(4);
        vm.run();
        assertOutcomeOf(state, vm, digits, x, null);
        assertEquals(InputCsv.readLabels(resource("digits8-labels.csv"))[4], vm.outcomeProperty().get().result()
                .predictedLabel(), "the secure digits network reads the digit");
        assertEquals("class 3", digits.className(3));
    }

    @Test
    void valuesOutsideThePublicRangeAreRefusedBeforeAnythingIsSent() {
        OpenModel m = open(sample("mnist-m1"));
        InferenceViewModel vm = new InferenceViewModel(connected(m), Tasks.direct());
        float[] x = new float[784];
        x[5] = 1.5f;
        assertFalse(vm.chooseValues(x, "an image"));
        assertTrue(vm.inputErrorProperty().get().contains("Value 6 of an image is 1.5, outside the model's public"
                + " input range [0, 1]"), vm.inputErrorProperty().get());
    }

    @Test
    void theBatchRunCountsAgreementAndAccuracyOverEverySample() {
        OpenModel m = open(sample("breast-cancer"));
        AppState state = connected(m);
        InferenceViewModel vm = new InferenceViewModel(state, Tasks.direct());
        vm.runBatch();
        assertFalse(vm.batchRunningProperty().get());
        assertEquals(m.samples().size(), vm.batchRows().size());
        FloatEvaluator f = new FloatEvaluator(m.graph());
        int agree = 0;
        int secureRight = 0;
        int plainRight = 0;
        for (InferenceViewModel.BatchRow r : vm.batchRows()) {
            float[] x = m.samples().inputs().get(r.sample());
            assertEquals(f.run(x).argmax(), r.plainLabel());
            assertEquals(m.samples().label(r.sample()), r.trueLabel());
            agree += r.secureLabel() == r.plainLabel() ? 1 : 0;
            secureRight += r.secureLabel() == r.trueLabel() ? 1 : 0;
            plainRight += r.plainLabel() == r.trueLabel() ? 1 : 0;
        }
        String text = vm.batchTextProperty().get();
        int n = m.samples().size();
        assertTrue(text.contains("Secure = plaintext on " + agree + "/" + n), text);
        assertTrue(text.contains("secure " + secureRight + "/" + n) && text.contains("plaintext " + plainRight + "/"
                + n), text);
        long rounds = io.sonic.engine.CostModel.total(m.graph(), vm.config()).rounds();
        int batches = (n + InferenceViewModel.BATCH - 1) / InferenceViewModel.BATCH;
        assertTrue(text.contains(batches + " batches of up to " + InferenceViewModel.BATCH + ", each in " + rounds
                + " rounds (one query's)"), text);
        assertEquals(n, agree, "the secure model agrees with the float model on every bundled sample");
        assertEquals(0, state.runs().size(), "a batch is summarised on its own, not listed run by run");
    }

    @Test
    void randomWeightModelsNeverClaimAnAccuracy() {
        OpenModel c1 = OpenModel.of(sample("cifar-c1"), OnnxImporter.read(sample("cifar-c1")));
        InferenceViewModel vm = new InferenceViewModel(connected(c1), Tasks.direct());
        assertNull(c1.samples().labels(), "labels.csv of a random-weight model holds its own predictions");
        assertEquals(null, vm.inputProperty().get().trueLabel());
        vm.batchRows().add(new InferenceViewModel.BatchRow(0, null, 3, 3));
        String s = vm.batchSummary(c1, 100);
        assertTrue(s.contains("No accuracy: this model's weights are random"), s);
    }

    // ----------------------------------------------------------------- with threads: step mode and cancel

    @Test
    void stepModePausesCancelIsACancelAndPausesAreNotOnlineTime() throws Exception {
        ExecutorService ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-ui"));
        Tasks tasks = Tasks.pool(4, ui);
        try {
            OpenModel m = open(sample("breast-cancer"));
            AppState state = on(ui, () -> connected(m));
            InferenceViewModel vm = on(ui, () -> new InferenceViewModel(state, tasks));
            on(ui, () -> {
                vm.steppingProperty().set(true);
                vm.run();
                return null;
            });
            await(ui, () -> vm.pausedProperty().get() && vm.stepProperty().get() == 0);
            assertEquals(InferenceViewModel.CardState.PAUSED, on(ui, () -> vm.pipeline().get(0).state.get()));
            assertTrue(on(ui, () -> vm.stepTextProperty().get()).startsWith("Layer 0"));
            Thread.sleep(300);
            on(ui, () -> {
                vm.next();
                return null;
            });
            await(ui, () -> vm.pausedProperty().get() && vm.stepProperty().get() == 1);
            assertEquals(InferenceViewModel.CardState.DONE, on(ui, () -> vm.pipeline().get(0).state.get()));
            on(ui, () -> {
                vm.runToEnd();
                return null;
            });
            await(ui, () -> !vm.runningProperty().get());
            InferenceViewModel.RunOutcome done = on(ui, () -> vm.outcomeProperty().get());
            assertEquals(InferenceViewModel.Ending.DONE, done.ending(), done.message());
            assertTrue(done.result().pausedNanos() >= 250_000_000L, "paused " + done.result().pausedNanos());
            assertTrue(done.result().onlineNanos() < done.result().nanos() - done.result().pausedNanos() + 1,
                    "online time excludes the pauses");
            assertTrue(done.text().contains("paused in step mode, not counted"), done.text());

            // a second run, cancelled while the servers wait
            on(ui, () -> {
                vm.run();
                return null;
            });
            await(ui, () -> vm.pausedProperty().get());
            on(ui, () -> {
                vm.cancel();
                return null;
            });
            await(ui, () -> !vm.runningProperty().get());
            InferenceViewModel.RunOutcome c = on(ui, () -> vm.outcomeProperty().get());
            assertEquals(InferenceViewModel.Ending.CANCELLED, c.ending(), c.message());
            assertTrue(c.message().startsWith("Cancelled."), c.message());
            assertEquals(c.message(), on(ui, () -> vm.statusProperty().get()));
            assertEquals(-1, on(ui, () -> vm.stepProperty().get()), "nothing stays highlighted");
            for (InferenceViewModel.LayerCard card : on(ui, () -> List.copyOf(vm.pipeline()))) {
                assertTrue(card.state.get() != InferenceViewModel.CardState.PAUSED
                        && card.state.get() != InferenceViewModel.CardState.RUNNING, card.index + " " + card.state.get());
            }
            assertEquals(1, on(ui, () -> state.runs().size()), "a cancelled run is not reported as a run");
        } finally {
            tasks.shutdown();
            ui.shutdownNow();
        }
    }

    @Test
    void stepModeRunsTheFssSuiteLayerByLayerToItsFormulas() throws Exception {
        ExecutorService ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-ui"));
        Tasks tasks = Tasks.pool(4, ui);
        try {
            OpenModel m = open(sample("breast-cancer"));
            AppState state = on(ui, () -> connected(m));
            InferenceViewModel vm = on(ui, () -> new InferenceViewModel(state, tasks));
            on(ui, () -> {
                vm.suiteProperty().set(SecureConfig.Suite.FSS);
                vm.steppingProperty().set(true);
                vm.run();
                return null;
            });
            await(ui, () -> vm.pausedProperty().get() && vm.stepProperty().get() == 0);
            on(ui, () -> {
                vm.next();
                return null;
            });
            await(ui, () -> vm.pausedProperty().get() && vm.stepProperty().get() == 1);
            assertTrue(on(ui, () -> vm.stepTextProperty().get()).contains("FSS"), on(ui, () -> vm.stepTextProperty().get()));
            on(ui, () -> {
                vm.runToEnd();
                return null;
            });
            await(ui, () -> !vm.runningProperty().get());
            InferenceViewModel.RunOutcome done = on(ui, () -> vm.outcomeProperty().get());
            assertEquals(InferenceViewModel.Ending.DONE, done.ending(), done.message());
            SecureConfig cfg = on(ui, vm::config);
            assertEquals(io.sonic.engine.CostModel.total(m.graph(), cfg).onlineBytes(), done.result().online().bytes());
            assertEquals(io.sonic.engine.CostModel.total(m.graph(), cfg).rounds(), done.result().online().rounds());
        } finally {
            tasks.shutdown();
            ui.shutdownNow();
        }
    }

    @Test
    void aFailureIsReportedOnceWithoutARepeatedPrefix() {
        OpenModel m = open(sample("breast-cancer"));
        AppState state = connected(m);
        InferenceViewModel vm = new InferenceViewModel(state, Tasks.direct());
        state.uploadedModelIdProperty().set("no-such-model");
        vm.run();
        InferenceViewModel.RunOutcome o = vm.outcomeProperty().get();
        assertEquals(InferenceViewModel.Ending.FAILED, o.ending());
        String s = vm.statusProperty().get();
        assertTrue(s.startsWith("Secure inference failed: "), s);
        assertFalse(s.toLowerCase(java.util.Locale.ROOT).substring(1).contains("secure inference failed"), s);
        assertTrue(s.contains("no-such-model"), s);
    }

    private static <T> T on(ExecutorService ui, Callable<T> c) throws Exception {
        return ui.submit(c).get(30, TimeUnit.SECONDS);
    }

    private static void await(ExecutorService ui, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!on(ui, condition::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
