package io.sonic.desktop.app;

import io.sonic.desktop.inference.InferenceViewModel;
import io.sonic.desktop.model.SampleCatalog;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.model.FloatTensor;
import io.sonic.model.eval.FloatEvaluator;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.Spinner;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window as a teacher uses it (headless, 1024 × 768): what every chart, badge and text shows equals
 * the engine's figures for that exact input, model and mode, through successive runs; the state stays
 * consistent after a refused file; the presenter's keys work; nothing is clipped.
 */
@ExtendWith(ApplicationExtension.class)
class ClassroomFxTest {
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = new MainWindow();
        stage.setScene(new Scene(window.root(), 1024, 768));
        stage.setX(0);
        stage.setY(0);
        stage.setWidth(1024);
        stage.setHeight(768);
        stage.show();
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(window::shutdown);
    }

    private static Path sample(String name) {
        return SampleCatalog.samples().stream().filter(p -> p.getFileName().toString().equals(name)).findFirst()
                .map(SampleCatalog::onnxOf).orElseThrow();
    }

    private void open(FxRobot robot, String model) throws Exception {
        OpenModel before = window.state().modelProperty().get();
        robot.interact(() -> window.model().load(sample(model)));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.state().modelProperty().get() != before
                && window.state().modelProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void startServers(FxRobot robot) throws Exception {
        robot.clickOn("#tabCloud");
        robot.clickOn("#startLocal");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.state().cloudProperty().get() != null);
        robot.clickOn("#tabInference");
    }

    private InferenceViewModel vm() {
        return window.inference().viewModel();
    }

    /** Runs the chosen input and waits for the run to be listed. */
    private AppState.Run run(FxRobot robot) throws Exception {
        int before = window.state().runs().size();
        robot.clickOn("#runInference");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.state().runs().size() > before
                || vm().outcomeProperty().get() != null && vm().outcomeProperty().get().result() == null);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(before + 1, window.state().runs().size(), vm().statusProperty().get());
        return window.state().runs().get(window.state().runs().size() - 1);
    }

    private static double[] softmax(float[] z) {
        double[] d = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            d[i] = z[i];
        }
        return softmaxOf(d);
    }

    private static double[] softmaxOf(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < z.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    private static double[] bars(XYChart.Series<?, ?> s) {
        return s.getData().stream().mapToDouble(d -> ((Number) d.getYValue()).doubleValue()).toArray();
    }

    /** The chart, badge and text on screen are those of this run's input and no other. */
    private void assertScreenShows(FxRobot robot, AppState.Run run, float[] input) {
        OpenModel m = run.model();
        FloatTensor plain = new FloatEvaluator(m.graph()).run(input);
        assertArrayEquals(plain.values(), run.plain(), "the run's plaintext answer is of its own input");
        InferenceResult r = run.result();
        BarChart<?, ?> chart = robot.lookup("#probabilities").query();
        assertNotNull(chart);
        List<String> categories = new ArrayList<>(((CategoryAxis) chart.getXAxis()).getCategories());
        List<String> names = new ArrayList<>();
        for (int k = 0; k < m.classCount(); k++) {
            names.add(m.shortClassName(k));
        }
        assertEquals(names, categories, "class names on the axis");
        XYChart.Series<?, ?> plainSeries = chart.getData().get(chart.getData().size() - 1);
        assertEquals("plaintext", plainSeries.getName());
        assertArrayEquals(softmax(plain.values()), bars(plainSeries), 1e-12);
        if (r.output().length > 0) {
            XYChart.Series<?, ?> secure = chart.getData().get(0);
            assertEquals("secure", secure.getName());
            assertArrayEquals(softmaxOf(r.output()), bars(secure), 1e-12);
        } else {
            assertEquals(1, chart.getData().size(), "label output: no secure bars");
            assertTrue(robot.lookup("#chartNote").queryAs(Label.class).getText().startsWith("Label output"));
        }
        String badge = robot.lookup("#badge").queryAs(Label.class).getText();
        assertEquals(r.predictedLabel() == plain.argmax() ? "✓ secure = plaintext" : "✗ secure ≠ plaintext", badge);
        String text = robot.lookup("#resultText").queryAs(Label.class).getText();
        assertTrue(text.contains("secure prediction: " + m.className(r.predictedLabel())), text);
        assertTrue(text.contains("plaintext prediction: " + m.className(plain.argmax())), text);
        String correct = robot.lookup("#correctBadge").queryAs(Label.class).getText();
        if (run.trueLabel() != null) {
            assertTrue(text.contains("true label: " + m.className(run.trueLabel())), text);
            assertEquals(r.predictedLabel() == run.trueLabel() ? "correct" : "wrong", correct);
        } else {
            assertEquals("", correct);
        }
    }

    @Test
    void successiveInputsModelsAndModesEachShowTheirOwnNumbers(FxRobot robot) throws Exception {
        open(robot, "mnist-m2");
        startServers(robot);
        OpenModel m2 = window.state().modelProperty().get();
        AppState.Run first = run(robot);
        assertScreenShows(robot, first, m2.samples().inputs().get(0));
        // another input: the spinner, typed
        Spinner<?> spinner = robot.lookup("#sampleIndex").queryAs(Spinner.class);
        robot.interact(() -> {
            spinner.getEditor().setText("7");
            spinner.getEditor().fireEvent(new javafx.event.ActionEvent());
        });
        assertEquals(7, vm().inputProperty().get().sample());
        assertNull(robot.lookup("#probabilities").tryQuery().orElse(null), "the old chart is gone at once");
        AppState.Run second = run(robot);
        assertScreenShows(robot, second, m2.samples().inputs().get(7));
        // a drawn-like input: the values of sample 99 through the canvas path
        robot.interact(() -> vm().chooseValues(m2.samples().inputs().get(99), "a digit drawn on the canvas"));
        AppState.Run third = run(robot);
        assertNull(third.trueLabel());
        assertScreenShows(robot, third, m2.samples().inputs().get(99));
        // label output: an argmax card, the plaintext bars alone, and a note saying why
        robot.interact(() -> vm().outputProperty().set(SecureConfig.OutputMode.LABEL));
        assertNotNull(robot.lookup("#layer" + m2.graph().layers().size()).tryQuery().orElse(null), "argmax card");
        AppState.Run label = run(robot);
        assertScreenShows(robot, label, m2.samples().inputs().get(99));
        long cardRounds = vm().pipeline().stream().mapToLong(c -> c.stat().online().rounds()).sum();
        assertEquals(label.result().online().rounds(), cardRounds, "the cards' rounds add up to the total");
        // another model
        robot.interact(() -> vm().outputProperty().set(SecureConfig.OutputMode.LOGITS));
        open(robot, "breast-cancer");
        assertNull(robot.lookup("#probabilities").tryQuery().orElse(null));
        assertEquals("", robot.lookup("#badge").queryAs(Label.class).getText());
        OpenModel bc = window.state().modelProperty().get();
        AppState.Run fourth = run(robot);
        assertScreenShows(robot, fourth, bc.samples().inputs().get(0));
        assertTrue(robot.lookup("#resultText").queryAs(Label.class).getText().matches("(?s).*(benign|malignant).*"));

        // the Report follows the selected run: its lines and its charts are that run's
        robot.clickOn("#tabReport");
        for (AppState.Run r : List.of(label, fourth, first)) {
            robot.interact(() -> robot.lookup("#runs").queryListView().getSelectionModel().select(r));
            WaitForAsyncUtils.waitForFxEvents();
            String labels = robot.lookup("#labelCheck").queryAs(Label.class).getText();
            assertTrue(labels.startsWith("Secure label " + r.model().className(r.result().predictedLabel())), labels);
            BarChart<?, ?> time = robot.lookup("#timeChart").query();
            List<String> cats = new ArrayList<>(((CategoryAxis) time.getXAxis()).getCategories());
            assertEquals(r.result().layers().size(), cats.size(), "no stale category of another run");
            for (int i = 0; i < r.result().layers().size(); i++) {
                InferenceResult.LayerStat s = r.result().layers().get(i);
                assertEquals(s.index() + " " + s.name(), cats.get(i));
                XYChart.Data<?, ?> bar = time.getData().get(0).getData().get(i);
                assertEquals(cats.get(i), bar.getXValue());
                assertEquals(s.nanos() / 1e6, ((Number) bar.getYValue()).doubleValue(), 1e-9, "layer " + i);
            }
        }
    }

    @Test
    void aRefusedFileLeavesEveryScreenOnTheModelStillOpenAndTheSampleListFollows(FxRobot robot, @TempDir Path dir)
            throws Exception {
        open(robot, "mnist-m1");
        Path bad = dir.resolve("broken.onnx");
        Files.writeString(bad, "not a model");
        robot.interact(() -> window.model().load(bad));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> !window.model().viewModel().errorProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        String error = robot.lookup("#modelError").queryAs(Label.class).getText();
        assertTrue(error.contains("broken.onnx is not an ONNX model") && error.contains("still open is mnist-m1"), error);
        assertEquals("mnist-m1", window.state().modelProperty().get().name());
        assertTrue(robot.lookup("#summary").queryAs(Label.class).getText().startsWith("mnist-m1"));
        assertTrue(robot.lookup("#statusLine").queryAs(Label.class).getText().startsWith("model: mnist-m1"));
        ComboBox<?> samples = robot.lookup("#sampleModels").queryComboBox();
        assertEquals("mnist-m1", ((Path) samples.getValue()).getFileName().toString());
        // a file opened from elsewhere clears the list, so that picking the sample opens it again
        Path copy = dir.resolve("copy.onnx");
        Files.copy(sample("mnist-m1"), copy);
        OpenModel before = window.state().modelProperty().get();
        robot.interact(() -> window.model().load(copy));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> window.state().modelProperty().get() != before);
        WaitForAsyncUtils.waitForFxEvents();
        assertNull(samples.getValue());
        assertEquals("copy", window.state().modelProperty().get().name());
        OpenModel copied = window.state().modelProperty().get();
        robot.interact(() -> {
            @SuppressWarnings("unchecked")
            ComboBox<Path> c = (ComboBox<Path>) samples;
            c.setValue(c.getItems().stream().filter(p -> p.getFileName().toString().equals("mnist-m1")).findFirst()
                    .orElseThrow());
        });
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> window.state().modelProperty().get() != copied);
        assertEquals("mnist-m1", window.state().modelProperty().get().name());
    }

    @Test
    void theSpinnerRefusesTextAndEnterNeverStartsARun(FxRobot robot) throws Exception {
        open(robot, "breast-cancer");
        startServers(robot);
        Spinner<?> spinner = robot.lookup("#sampleIndex").queryAs(Spinner.class);
        robot.clickOn(spinner.getEditor());
        robot.interact(() -> spinner.getEditor().selectAll());
        robot.write("abc");
        assertEquals("0", spinner.getEditor().getText().replace("abc", ""), "letters are not accepted");
        assertFalse(spinner.getEditor().getText().contains("a"));
        robot.interact(() -> spinner.getEditor().setText(""));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, spinner.getValue(), "an empty field keeps the sample");
        robot.interact(() -> spinner.getEditor().setText("12"));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(12, vm().inputProperty().get().sample());
        assertFalse(vm().runningProperty().get(), "Enter in the sample field does not start a run");
        assertEquals(0, window.state().runs().size());
        robot.interact(() -> spinner.getEditor().setText("999"));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(99, spinner.getValue(), "beyond the last sample: the last one");
    }

    @Test
    void thePresentersKeysStepCancelSwitchTabsAndZoom(FxRobot robot) throws Exception {
        open(robot, "breast-cancer");
        startServers(robot);
        robot.interact(() -> vm().steppingProperty().set(true));
        robot.clickOn("#runInference");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm().pausedProperty().get()
                && vm().stepProperty().get() == 0);
        robot.clickOn("#pipeline");
        robot.type(KeyCode.SPACE);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm().pausedProperty().get()
                && vm().stepProperty().get() == 1);
        robot.type(KeyCode.RIGHT);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm().pausedProperty().get()
                && vm().stepProperty().get() == 2);
        assertNotNull(vm().flowProperty().get(), "the message flow of the last layer run");
        assertEquals(1, vm().flowProperty().get().layerIndex());
        robot.type(KeyCode.LEFT);
        assertEquals(1, vm().stepProperty().get(), "← goes back to read a layer again");
        assertEquals(1, vm().flowProperty().get().layerIndex());
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !vm().runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm().statusProperty().get().startsWith("Cancelled"), vm().statusProperty().get());
        // tabs and zoom
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT2).release(KeyCode.CONTROL);
        assertEquals("tabSplit", window.tabs().getSelectionModel().getSelectedItem().getId());
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT6).release(KeyCode.CONTROL);
        assertEquals("tabLearn", window.tabs().getSelectionModel().getSelectedItem().getId());
        double font = robot.lookup("#statusLine").queryAs(Label.class).getFont().getSize();
        robot.press(KeyCode.CONTROL).type(KeyCode.EQUALS).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1.1, window.state().zoom().scale(), 1e-9);
        assertTrue(robot.lookup("#statusLine").queryAs(Label.class).getFont().getSize() > font);
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT0).release(KeyCode.CONTROL);
        assertEquals(1.0, window.state().zoom().scale(), 1e-9);
        robot.type(KeyCode.F5);
        assertEquals(Zoom.PRESENTATION, window.state().zoom().scale(), 1e-9);
        robot.type(KeyCode.F5);
        assertEquals(1.0, window.state().zoom().scale(), 1e-9);
    }

    @Test
    void learnsStepModeButtonOpensTheInferenceTabInStepModeAtTheTopicsLayers(FxRobot robot) throws Exception {
        open(robot, "mnist-m2");
        robot.clickOn("#tabLearn");
        robot.interact(() -> robot.lookup("#learnTopics").queryListView().getSelectionModel()
                .select(io.sonic.desktop.learn.Topic.MSB));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> robot.lookup("#learnStepMode").queryButton().fire());
        assertEquals("tabInference", window.tabs().getSelectionModel().getSelectedItem().getId());
        assertTrue(vm().steppingProperty().get());
        List<Integer> relus = new ArrayList<>();
        for (InferenceViewModel.LayerCard c : vm().pipeline()) {
            if (c.protocol.get().equals("MSB ReLU")) {
                relus.add(c.index);
            }
        }
        assertEquals(List.of(2, 5, 8), relus);
        assertTrue(vm().statusProperty().get().contains("layers " + relus), vm().statusProperty().get());
    }

    @Test
    void at1024By768NothingIsClippedOnAnyScreenEvenInPresentationMode(FxRobot robot) throws Exception {
        open(robot, "mnist-m2");
        for (double zoom : new double[] {1.0, Zoom.PRESENTATION}) {
            robot.interact(() -> window.state().zoom().scaleProperty().set(zoom));
            robot.clickOn("#tabSplit");
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                    () -> robot.lookup("#splitCheck").queryAs(Label.class).getText().startsWith("✓"));
            WaitForAsyncUtils.waitForFxEvents();
            for (String id : new String[] {"#splitWeights", "#splitShare0", "#splitShare1", "#splitSum"}) {
                assertInside(robot.lookup(id).query(), id + " at zoom " + zoom);
            }
            robot.clickOn("#tabInference");
            WaitForAsyncUtils.waitForFxEvents();
            for (String id : new String[] {"#stepPrev", "#stepNext", "#stepToEnd"}) {
                Labeled b = robot.lookup(id).query();
                assertInside(b, id + " at zoom " + zoom);
                assertTrue(b.getWidth() >= b.prefWidth(-1) - 0.5, id + " is not squeezed: " + b.getWidth());
            }
        }
    }

    /** The node is laid out within the window, not cut off at its right or bottom edge. */
    private void assertInside(Node n, String what) {
        Bounds b = n.localToScene(n.getBoundsInLocal());
        assertTrue(b.getWidth() > 0, what + " has no size");
        assertTrue(b.getMaxX() <= stage.getScene().getWidth() + 0.5, what + " ends at x " + b.getMaxX());
        assertTrue(b.getMaxY() <= stage.getScene().getHeight() + 0.5, what + " ends at y " + b.getMaxY());
    }
}
