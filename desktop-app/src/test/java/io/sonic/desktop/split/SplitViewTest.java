package io.sonic.desktop.split;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.desktop.app.AppState;
import io.sonic.model.ModelGraph;
import io.sonic.model.onnx.OnnxImporter;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Split screen in a real (headless) window: the split appears, the upload goes through the button. */
@ExtendWith(ApplicationExtension.class)
class SplitViewTest {
    private AppState state;
    private ModelGraph graph;

    @Start
    void start(Stage stage) {
        Path file = SplitViewModelTest.sample("mnist-m1");
        graph = OnnxImporter.read(file);
        state = new AppState();
        state.modelProperty().set(io.sonic.desktop.app.OpenModel.of(file, graph));
        SplitView view = new SplitView(state, io.sonic.desktop.app.Tasks.pool());
        stage.setScene(new Scene((Parent) view.view(), 1320, 820));
        stage.show();
    }

    private static void waitForTheSplit(FxRobot robot) throws Exception {
        Label check = robot.lookup("#splitCheck").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> check.getText().startsWith("✓"));
    }

    @Test
    void showsTheSharesOfTheChosenLayer(FxRobot robot) throws Exception {
        waitForTheSplit(robot);
        ComboBox<SplitViewModel.LayerItem> layer = robot.lookup("#splitLayer").queryComboBox();
        assertEquals(3, layer.getItems().size());
        for (String id : new String[] {"#splitWeights", "#splitShare0", "#splitShare1", "#splitSum"}) {
            ImageView image = robot.lookup(id).queryAs(ImageView.class);
            assertNotNull(image.getImage(), id);
            assertEquals(128, image.getImage().getWidth(), id);
            assertEquals(256, image.getImage().getHeight(), id);
        }
        robot.interact(() -> layer.getSelectionModel().select(2));
        Label check = robot.lookup("#splitCheck").queryAs(Label.class);
        assertTrue(check.getText().contains(graph.layers().get(4).name()), check.getText());
        assertTrue(check.getText().startsWith("✓"), check.getText());
        ImageView share1 = robot.lookup("#splitShare1").queryAs(ImageView.class);
        assertEquals(10 * 3, share1.getImage().getWidth(), "ten columns stretched to 30 pixels");
        assertEquals(256, share1.getImage().getHeight());
    }

    @Test
    void theUploadWaitsForServersThenSendsTheShares(FxRobot robot) throws Exception {
        waitForTheSplit(robot);
        Button upload = robot.lookup("#uploadShares").queryButton();
        assertTrue(upload.isDisabled());
        assertEquals(SplitViewModel.NO_CLOUD_HINT, robot.lookup("#uploadHint").queryLabeled().getText());
        try (LocalCloud cloud = LocalCloud.start(null)) {
            CloudClient client = cloud.client();
            robot.interact(() -> state.cloudProperty().set(client));
            assertFalse(upload.isDisabled());
            robot.clickOn("#uploadShares");
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                    () -> "mnist-m1".equals(state.uploadedModelIdProperty().get()));
            WaitForAsyncUtils.waitForFxEvents();
            String status = robot.lookup("#uploadStatus").queryLabeled().getText();
            assertTrue(status.startsWith("Uploaded as 'mnist-m1'"), status);
            assertEquals(1, client.models(1).models().size());
        }
    }
}
