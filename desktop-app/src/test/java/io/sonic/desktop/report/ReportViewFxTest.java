package io.sonic.desktop.report;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.AppState.Run;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureConfig.LinearMode;
import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report screen in a headless window, with two real secure runs. */
@ExtendWith(ApplicationExtension.class)
class ReportViewFxTest {
    private static Run breastCancer;
    private static Run mnistLabel;

    private AppState state;
    private ReportView view;

    @BeforeAll
    static void runTheSamples() {
        Instant now = Instant.now();
        breastCancer = SampleRuns.run(SampleRuns.BREAST_CANCER, LinearMode.FAITHFUL, now.minusSeconds(5));
        mnistLabel = SampleRuns.run(SampleRuns.MNIST_M1, SampleRuns.config(LinearMode.MASK_REUSE)
                .withOutput(SecureConfig.OutputMode.LABEL), now);
    }

    @Start
    void start(Stage stage) {
        state = new AppState();
        state.runs().add(breastCancer);
        state.runs().add(mnistLabel);
        view = new ReportView(state, io.sonic.desktop.app.Tasks.pool());
        stage.setScene(new Scene((javafx.scene.Parent) view.view(), 1280, 900));
        stage.show();
    }

    @Test
    void showsTheNewestRunAndFollowsTheSelection(FxRobot robot) {
        TableView<?> table = robot.lookup("#layerTable").queryTableView();
        ListView<Run> runs = robot.lookup("#runs").queryListView();
        assertEquals(List.of(mnistLabel, breastCancer), runs.getItems());
        assertSame(mnistLabel, runs.getSelectionModel().getSelectedItem());
        assertEquals(mnistLabel.result().layers().size(), table.getItems().size());
        BarChart<?, ?> bytes = robot.lookup("#bytesChart").query();
        assertEquals(2, bytes.getData().size());
        assertEquals(mnistLabel.result().layers().size(), bytes.getData().get(0).getData().size());

        robot.interact(() -> runs.getSelectionModel().select(breastCancer));
        assertEquals(breastCancer.result().layers().size(), table.getItems().size());
        bytes = robot.lookup("#bytesChart").query();
        assertEquals(breastCancer.result().layers().size(), bytes.getData().get(0).getData().size());
        Label headline = robot.lookup("#reportHeadline").queryAs(Label.class);
        assertTrue(headline.getText().startsWith("breast-cancer"), headline.getText());
        Label hint = robot.lookup("#comparisonText").queryAs(Label.class);
        assertEquals(ReportViewModel.COMPARE_HINT, hint.getText());

        Run again = SampleRuns.run(SampleRuns.MNIST_M1, LinearMode.FAITHFUL, Instant.now());
        robot.interact(() -> state.runs().add(again));
        assertSame(again, runs.getSelectionModel().getSelectedItem(), "a new run is shown as it arrives");
        assertEquals(again.result().layers().size(), table.getItems().size());
        BarChart<?, ?> comparison = robot.lookup("#comparisonChart").query();
        assertEquals(2, comparison.getData().size());
    }

    @Test
    void exportsTheChartsAsPngAndTheRunAsCsv(FxRobot robot, @TempDir Path dir) throws Exception {
        Path png = dir.resolve("charts.png");
        Path csv = dir.resolve("run.csv");
        robot.interact(() -> {
            view.exportPng(png);
            view.exportCsv(csv);
        });
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Files.exists(png) && Files.exists(csv));
        WaitForAsyncUtils.waitForFxEvents();
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image);
        assertTrue(image.getWidth() > 400 && image.getHeight() > 400, image.getWidth() + "x" + image.getHeight());
        assertEquals(ReportViewModel.toCsv(mnistLabel), Files.readString(csv));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left");
        }
        assertEquals("", view.viewModel().errorProperty().get());
    }

    @Test
    void aFailedExportShowsItsReasonInline(FxRobot robot, @TempDir Path dir) throws Exception {
        Path target = dir.resolve("no-such-folder").resolve("run.json");
        robot.interact(() -> view.exportJson(target));
        Label error = robot.lookup("#reportError").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !error.getText().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(error.getText().startsWith("Could not save run.json: no such folder"), error.getText());
        assertTrue(error.isVisible());
    }

    @Test
    void withoutRunsTheScreenSaysWhereToStart(FxRobot robot) {
        Label empty = robot.lookup("#reportEmpty").queryAs(Label.class);
        assertFalse(empty.isVisible());
        robot.interact(() -> state.runs().clear());
        assertTrue(empty.isVisible());
        assertEquals(ReportViewModel.EMPTY_TEXT, empty.getText());
        assertFalse(empty.getParent().getChildrenUnmodifiable().get(0).isVisible(), "the report is hidden");
        assertTrue(robot.lookup("#layerTable").queryTableView().getItems().isEmpty());
        assertTrue(robot.lookup("#exportCsv").queryButton().isDisabled());
    }
}
