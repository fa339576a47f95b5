package io.sonic.desktop.learn;

import io.sonic.desktop.app.LearnView;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Shape;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Learn tab in a real (headless) window at 1024 × 768: every page, its diagram, example and button. */
@ExtendWith(ApplicationExtension.class)
class LearnViewFxTest {
    private final List<String> stepped = new ArrayList<>();
    private Stage stage;
    private LearnView view;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        view = new LearnView(stepped::add);
        stage.setScene(new Scene((Parent) view.view(), 1024, 768));
        // the same stage serves every test: put it back at 1024 × 768 inside the headless screen
        stage.setX(0);
        stage.setY(0);
        stage.setWidth(1024);
        stage.setHeight(768);
        stage.show();
    }

    private static <T extends Node> T find(FxRobot robot, String id) {
        return robot.lookup(id).query();
    }

    @Test
    void everyTopicShowsItsDiagramExampleCostAndStepModeButton(FxRobot robot) {
        ListView<Topic> topics = robot.lookup("#learnTopics").queryListView();
        assertEquals(List.of(Topic.values()), topics.getItems());
        for (Topic t : Topic.values()) {
            robot.interact(() -> topics.getSelectionModel().select(t));
            WaitForAsyncUtils.waitForFxEvents();
            Page page = Pages.of(t);
            assertEquals(t.title(), robot.lookup("#learnTitle").queryAs(Label.class).getText());
            Node diagram = find(robot, "#learnDiagram");
            assertTrue(diagram.isVisible());
            Pane sketch = (Pane) ((Parent) diagram).getChildrenUnmodifiable().get(0);
            long shapes = sketch.getChildren().stream().filter(n -> n instanceof Shape && !(n instanceof Text)).count();
            assertTrue(shapes >= 6, t.id() + ": the diagram is drawn (" + shapes + " shapes)");
            assertTrue(diagram.getLayoutBounds().getHeight() > 150, t.id() + " diagram height");
            // the diagram's numbers are the example's
            List<String> words = new ArrayList<>();
            sketch.getChildren().stream().filter(n -> n instanceof Text).forEach(n -> words.add(((Text) n).getText()));
            assertFalse(words.isEmpty());
            GridPane table = find(robot, "#learnExampleTable");
            assertEquals(page.rows().size() * 2, table.getChildren().size(), t.id() + ": every row of the example");
            List<String> cells = table.getChildren().stream().flatMap(n -> labels(n).stream()).toList();
            for (Page.Row r : page.rows()) {
                assertTrue(cells.contains(r.value()), t.id() + ": " + r.value());
            }
            Node cost = find(robot, "#learnCost");
            List<String> costText = labels(cost);
            for (String c : page.cost()) {
                assertTrue(costText.stream().anyMatch(s -> s.contains(c)), t.id() + ": " + c);
            }
            Button step = robot.lookup("#learnStepMode").queryButton();
            assertFalse(step.isDisabled());
            robot.interact(step::fire);
            assertEquals(t.id(), stepped.get(stepped.size() - 1), "the callback gets the topic");
        }
        assertEquals(Topic.values().length, stepped.size());
        assertEquals(List.of("sharing", "beaver", "truncation", "msb-relu", "max-pool", "argmax", "fss", "mask-reuse",
                "non-collusion"), stepped);
    }

    @Test
    void clickingTheButtonCallsTheCallback(FxRobot robot) {
        robot.interact(() -> view.select(Topic.MAX_POOL));
        ScrollPane page = find(robot, "#learnPage");
        robot.interact(() -> page.setVvalue(1));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#learnStepMode");
        assertEquals(List.of("max-pool"), stepped);
    }

    @Test
    void nothingIsWiderThanThePageAt1024(FxRobot robot) {
        ScrollPane page = find(robot, "#learnPage");
        for (Topic t : Topic.values()) {
            robot.interact(() -> view.select(t));
            WaitForAsyncUtils.waitForFxEvents();
            double viewport = page.getViewportBounds().getWidth();
            assertTrue(viewport > 600, "viewport " + viewport);
            Node content = page.getContent();
            assertTrue(content.getLayoutBounds().getWidth() <= viewport + 1, t.id() + ": content "
                    + content.getLayoutBounds().getWidth() + " in " + viewport);
            Node diagram = find(robot, "#learnDiagram");
            Bounds d = content.sceneToLocal(diagram.localToScene(diagram.getLayoutBounds()));
            assertTrue(d.getMaxX() <= viewport + 1, t.id() + ": diagram ends at " + d.getMaxX());
            Pane sketch = (Pane) ((Parent) diagram).getChildrenUnmodifiable().get(0);
            Bounds s = content.sceneToLocal(sketch.localToScene(sketch.getLayoutBounds()));
            assertTrue(s.getMaxX() <= viewport + 1 && s.getMinX() >= 0, t.id() + ": drawing " + s);
            assertTrue(robot.lookup("#learnColumns").tryQuery().isEmpty(), "one column at 1024");
        }
    }

    @Test
    void aWideWindowUsesTwoColumns(FxRobot robot) {
        robot.interact(() -> {
            stage.setWidth(1600);
            stage.setHeight(1000);
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> view.select(Topic.BEAVER));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#learnColumns").tryQuery().isPresent(), "two columns when wide");
        Node diagram = find(robot, "#learnDiagram");
        Node title = find(robot, "#learnTitle");
        double diagramTop = diagram.localToScene(diagram.getLayoutBounds()).getMinY();
        assertTrue(diagramTop < title.localToScene(title.getLayoutBounds()).getMaxY() + 40,
                "the diagram is beside the text, near the top");
    }

    @Test
    void newNumbersAndTextSize(FxRobot robot) {
        robot.interact(() -> view.select(Topic.BEAVER));
        GridPane before = find(robot, "#learnExampleTable");
        List<String> a = labels(before);
        Label seed = robot.lookup("#learnSeed").queryAs(Label.class);
        assertEquals("numbers #1", seed.getText());
        robot.clickOn("#learnNewNumbers");
        assertEquals("numbers #2", seed.getText());
        List<String> b = labels(find(robot, "#learnExampleTable"));
        assertNotEquals(a, b, "another example");
        assertTrue(b.stream().anyMatch(s -> s.contains(Fmt.n(Examples.beaver(2).z()))));
        Label title = robot.lookup("#learnTitle").queryAs(Label.class);
        double size = title.getFont().getSize();
        robot.clickOn("#learnLarger");
        Label bigger = robot.lookup("#learnTitle").queryAs(Label.class);
        assertTrue(bigger.getFont().getSize() > size, bigger.getFont().getSize() + " > " + size);
        assertEquals("numbers #2", seed.getText(), "the example stays while the text grows");
        robot.clickOn("#learnSmaller");
        robot.clickOn("#learnSmaller");
        assertTrue(robot.lookup("#learnTitle").queryAs(Label.class).getFont().getSize() < size);
    }

    @Test
    void withoutACallbackTheButtonIsDisabled(FxRobot robot) {
        robot.interact(() -> {
            LearnView plain = new LearnView();
            stage.setScene(new Scene((Parent) plain.view(), 1024, 768));
        });
        WaitForAsyncUtils.waitForFxEvents();
        Button step = robot.lookup("#learnStepMode").queryButton();
        assertNotNull(step);
        assertTrue(step.isDisabled());
    }

    private static List<String> labels(Node n) {
        List<String> out = new ArrayList<>();
        if (n instanceof Label l) {
            out.add(l.getText());
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                out.addAll(labels(c));
            }
        }
        return out;
    }
}
