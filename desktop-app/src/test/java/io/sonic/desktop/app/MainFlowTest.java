package io.sonic.desktop.app;

import io.sonic.desktop.cloud.CloudViewModel;
import io.sonic.desktop.inference.InferenceViewModel;
import io.sonic.desktop.model.SampleCatalog;
import io.sonic.engine.CostModel;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main flow in a real (headless) window: open a sample, start local servers, run, read the results. */
@ExtendWith(ApplicationExtension.class)
class MainFlowTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow();
        stage.setScene(new Scene(window.root(), 1280, 860));
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

    private void openAndStart(FxRobot robot, String model) throws Exception {
        robot.interact(() -> window.model().load(sample(model)));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.state().modelProperty().get() != null);
        robot.clickOn("#tabCloud");
        robot.clickOn("#startLocal");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.state().cloudProperty().get() != null);
        robot.clickOn("#tabInference");
    }

    @Test
    void sampleModelLocalServersSecureInferenceAndTheCountersOfEveryLayer(FxRobot robot) throws Exception {
        openAndStart(robot, "mnist-m1");
        robot.clickOn("#runInference");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !window.state().runs().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        AppState.Run run = window.state().runs().get(0);
        InferenceResult r = run.result();
        String text = robot.lookup("#resultText").queryAs(Label.class).getText();
        assertTrue(text.contains("secure prediction: " + r.predictedLabel()), text);
        assertTrue(text.contains("plaintext prediction: " + run.plainLabel()), text);
        assertTrue(text.contains("true label: " + run.trueLabel()), text);
        assertEquals(run.plainLabel(), r.predictedLabel());
        assertEquals("✓ secure = plaintext", robot.lookup("#badge").queryAs(Label.class).getText());
        // every layer card shows the engine's figures, which equal the documented formulas
        var graph = window.state().modelProperty().get().graph();
        var cards = window.inference().viewModel().pipeline();
        assertEquals(graph.layers().size(), cards.size());
        for (InferenceViewModel.LayerCard c : cards) {
            CostModel.Cost want = CostModel.of(graph, c.index, SecureConfig.DEFAULT);
            assertEquals(want.onlineBytes(), c.stat().online().bytes(), "layer " + c.index);
            assertEquals(want.rounds(), c.stat().online().rounds(), "layer " + c.index);
            assertEquals(InferenceViewModel.CardState.DONE, c.state.get());
            if (want.rounds() > 1) {
                assertTrue(c.counters.get().contains(c.stat().online().rounds() + " rounds"), c.counters.get());
            }
        }
        // what each server received is shown, and the step mode explains a layer
        assertTrue(robot.lookup("#share0Image").queryAs(javafx.scene.image.ImageView.class).getImage() != null);
        String step = window.inference().viewModel().stepTextProperty().get();
        assertTrue(step.startsWith("Layer 0") && step.contains("Beaver"), step);
        robot.clickOn("#stepNext");
        assertTrue(window.inference().viewModel().stepTextProperty().get().startsWith("Layer 1"));
    }

    @Test
    void noDealerModeStartsTwoServersWhoseOfflineTrafficTheInferenceTabAndTheReportShow(FxRobot robot)
            throws Exception {
        robot.interact(() -> window.model().load(sample("mnist-m1")));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.state().modelProperty().get() != null);
        robot.clickOn("#tabCloud");
        robot.clickOn("#noDealer");
        assertEquals("Start local servers (no dealer)", robot.lookup("#startLocal").queryAs(Button.class).getText());
        robot.clickOn("#startLocal");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.state().cloudProperty().get() != null);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> CloudViewModel.NO_DEALER.equals(
                robot.lookup("#dealerStatus").queryAs(Label.class).getText()));
        robot.clickOn("#tabInference");
        @SuppressWarnings("unchecked")
        ComboBox<SecureConfig.Preprocessing> source = robot.lookup("#preprocessing").queryAs(ComboBox.class);
        assertEquals(SecureConfig.Preprocessing.OT, source.getValue(), "servers without a dealer make the randomness");
        robot.clickOn("#runInference");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !window.state().runs().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        AppState.Run run = window.state().runs().get(0);
        assertEquals(run.plainLabel(), run.result().predictedLabel());
        String text = robot.lookup("#resultText").queryAs(Label.class).getText();
        assertTrue(text.contains("offline no dealer: the servers sent each other "
                + Bytes.human(run.result().preprocessing().bytes())), text);
        robot.clickOn("#tabReport");
        WaitForAsyncUtils.waitForFxEvents();
        String offline = robot.lookup("#totalOffline").queryAs(Label.class).getText();
        assertTrue(offline.startsWith("Offline, between the servers (no dealer")
                && offline.contains(String.format(java.util.Locale.ROOT, "%,d B", run.result().preprocessing().bytes())),
                offline);
    }

    @Test
    void aBadModelFileIsAnInlineMessage(FxRobot robot, @TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.onnx");
        Files.writeString(bad, "not a model");
        robot.interact(() -> window.model().load(bad));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> !window.model().viewModel().errorProperty().get().isEmpty());
        String shown = robot.lookup("#modelError").queryAs(Label.class).getText();
        assertTrue(shown.contains("broken.onnx is not an ONNX model"), shown);
    }

    @Test
    void aWrongInputSizeAndAServerThatWentAwayAreReportedWithoutFreezing(FxRobot robot) throws Exception {
        openAndStart(robot, "breast-cancer");
        robot.interact(() -> window.inference().viewModel().chooseValues(new float[5], "test"));
        String status = window.inference().viewModel().inputErrorProperty().get();
        assertTrue(status.contains("has 5 values") && status.contains("needs 30"), status);
        // server 1 goes away behind the app's back
        robot.interact(() -> window.cloud().viewModel().localCloud().server(1).close());
        robot.clickOn("#runInference");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> window.inference().viewModel().statusProperty().get().startsWith("Secure inference failed"));
        String failed = robot.lookup("#inferenceStatus").queryAs(Label.class).getText();
        assertTrue(failed.contains("server"), failed);
        assertTrue(!failed.contains("\tat "), "no stack trace");
    }

    @Test
    void stepModePausesBeforeEachLayerAndCancelEndsTheRun(FxRobot robot) throws Exception {
        openAndStart(robot, "breast-cancer");
        robot.clickOn("#stepMode");
        robot.clickOn("#runInference");
        var cards = window.inference().viewModel().pipeline();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> cards.get(0).state.get() == InferenceViewModel.CardState.PAUSED);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.inference().viewModel().stepTextProperty().get().startsWith("Layer 0"),
                window.inference().viewModel().stepTextProperty().get());
        robot.clickOn("#stepNext");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> cards.get(1).state.get() == InferenceViewModel.CardState.PAUSED);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(InferenceViewModel.CardState.DONE, cards.get(0).state.get(), "layer 0 ran, layer 1 waits");
        robot.clickOn("#stepToEnd");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !window.state().runs().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        AppState.Run run = window.state().runs().get(0);
        assertEquals(run.plainLabel(), run.result().predictedLabel());
        // a second run, cancelled while paused
        robot.clickOn("#runInference");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> cards.get(0).state.get() == InferenceViewModel.CardState.PAUSED);
        robot.clickOn("#cancelInference");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> window.inference().viewModel().statusProperty().get().startsWith("Cancelled"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, window.state().runs().size());
        // nothing stays highlighted as paused or running, and the chart and badge are empty
        for (InferenceViewModel.LayerCard c : cards) {
            assertTrue(c.state.get() != InferenceViewModel.CardState.PAUSED
                    && c.state.get() != InferenceViewModel.CardState.RUNNING, c.index + " " + c.state.get());
        }
        assertEquals(InferenceViewModel.CardState.CANCELLED, cards.get(0).state.get());
        assertEquals("", robot.lookup("#badge").queryAs(Label.class).getText());
    }
}
