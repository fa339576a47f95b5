package io.sonic.desktop.flow;

import io.sonic.desktop.app.Bytes;
import io.sonic.desktop.flow.MessageFlow.Exchange;
import io.sonic.desktop.flow.MessageFlow.Kind;
import io.sonic.desktop.flow.MessageFlow.Message;
import io.sonic.engine.InferenceResult;
import io.sonic.model.ModelGraph;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The message-flow view in a real (headless) window at 1024 × 768, with flows of real secure runs of M2. */
@ExtendWith(ApplicationExtension.class)
class MessageFlowViewFxTest {
    private static ModelGraph graph;
    private static InferenceResult logits;
    private static InferenceResult label;

    private BorderPane root;
    private MessageFlowView view;

    @BeforeAll
    static void runM2() {
        graph = MessageFlowTest.m2();
        float[] x = MessageFlowTest.firstInput();
        logits = MessageFlowTest.run(graph, MessageFlowTest.FAITHFUL, x);
        label = MessageFlowTest.run(graph, MessageFlowTest.LABEL, x);
    }

    @Start
    void start(Stage stage) {
        view = new MessageFlowView();
        root = new BorderPane(view.view());
        root.setStyle("-fx-font-size: 13px;");
        stage.setScene(new Scene(root, 1024, 768));
        stage.setX(0);
        stage.setY(0);
        stage.setWidth(1024);
        stage.setHeight(768);
        stage.show();
    }

    private void show(FxRobot robot, MessageFlow f) {
        robot.interact(() -> view.show(f));
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static List<Label> labels(Node n) {
        List<Label> out = new ArrayList<>();
        if (n instanceof Label l) {
            out.add(l);
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                out.addAll(labels(c));
            }
        }
        return out;
    }

    private <T extends FlowRow> List<T> rows(Class<T> kind) {
        return view.rowNodes().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static List<String> texts(Node n) {
        return labels(n).stream().map(Label::getText).toList();
    }

    /** Every message of the flow is one row whose labels carry its bytes; every round one row with both. */
    private void assertRowsAreTheMessages(MessageFlow f) {
        List<FlowRow.MessageRow> messages = rows(FlowRow.MessageRow.class);
        List<Message> notOnline = f.messages().stream().filter(m -> m.kind() != Kind.ONLINE).toList();
        assertEquals(notOnline, messages.stream().map(FlowRow.MessageRow::message).toList());
        for (FlowRow.MessageRow r : messages) {
            List<String> t = r.labels().stream().map(Label::getText).toList();
            assertTrue(t.contains(Bytes.exact(r.message().bytes())), t.toString());
            assertTrue(t.contains(r.message().what()), t.toString());
        }
        List<FlowRow.ExchangeRow> rounds = rows(FlowRow.ExchangeRow.class);
        assertEquals(f.rounds(), rounds.size(), "one row per round");
        assertEquals(f.exchanges(), rounds.stream().map(FlowRow.ExchangeRow::exchange).toList());
        for (FlowRow.ExchangeRow r : rounds) {
            Exchange e = r.exchange();
            String all = String.join("|", r.labels().stream().map(Label::getText).toList());
            assertTrue(all.contains(Bytes.exact(e.toServer1().bytes())), all);
            assertTrue(all.contains(Bytes.exact(e.toServer0().bytes())), all);
            assertTrue(all.contains(e.what()), all);
            assertTrue(all.contains(String.valueOf(e.round())), all);
        }
        Label title = (Label) view.view().lookup("#flowTitle");
        assertEquals(f.title(), title.getText());
        String summary = String.join(" ", texts(view.view().lookup("#flowSummary")));
        if (!f.local()) {
            assertTrue(summary.contains(Bytes.exact(f.onlineBytes()) + " in " + f.rounds()), summary);
        }
        for (int p = 0; p < 2; p++) {
            Node pane = view.view().lookup("#flowKnows" + p);
            List<String> t = texts(pane);
            assertTrue(t.get(0).startsWith("What server " + p + " knows"), t.get(0));
            for (MessageFlow.Knowledge k : f.knows(p)) {
                assertTrue(t.contains(k.value()) && t.contains(k.caption()), k.toString());
            }
            assertEquals(f.knows(p).size(), labels(pane).stream().filter(l -> l instanceof Noise).count(),
                    "one noise swatch per item");
        }
    }

    @Test
    void aBeaverLayerShowsTheDealerTheUserAndTwoRounds(FxRobot robot) {
        MessageFlow f = MessageFlow.of(logits, 0, graph);
        show(robot, f);
        assertRowsAreTheMessages(f);
        assertEquals(2, rows(FlowRow.ExchangeRow.class).size());
        // two seeds, server 1's corrections, two input shares
        assertEquals(5, rows(FlowRow.MessageRow.class).size());
        assertTrue(view.view().lookup("#flowPlaceholder").isVisible() == false);
    }

    @Test
    void anMsbReluLayerShowsEightRounds(FxRobot robot) {
        MessageFlow f = MessageFlow.of(logits, 2, graph);
        show(robot, f);
        assertRowsAreTheMessages(f);
        assertEquals(8, rows(FlowRow.ExchangeRow.class).size());
        assertEquals(1, rows(FlowRow.MessageRow.class).size(), "only the dealer's corrections");
    }

    @Test
    void aLocalLayerSaysNoMessage(FxRobot robot) {
        MessageFlow f = MessageFlow.of(logits, 6, graph);
        show(robot, f);
        assertRowsAreTheMessages(f);
        List<FlowRow.LocalRow> local = rows(FlowRow.LocalRow.class);
        assertEquals(1, local.size());
        assertEquals("No message: each server transforms its own share.", local.get(0).text().getText());
        assertEquals(0, rows(FlowRow.ExchangeRow.class).size());
        assertEquals(0, rows(FlowRow.MessageRow.class).size());
    }

    @Test
    void theArgmaxShowsItsThirtyTwoRoundsInFourLevelsAndTheLabelShares(FxRobot robot) {
        MessageFlow f = MessageFlow.of(label, graph.layers().size(), graph);
        show(robot, f);
        assertRowsAreTheMessages(f);
        assertEquals(32, rows(FlowRow.ExchangeRow.class).size());
        long levels = rows(FlowRow.Section.class).stream()
                .filter(s -> s.text().getText().startsWith("argmax level")).count();
        assertEquals(4, levels);
        List<FlowRow.MessageRow> toUser = rows(FlowRow.MessageRow.class).stream()
                .filter(r -> r.message().to() == MessageFlow.Lane.USER).toList();
        assertEquals(2, toUser.size());
        assertTrue(toUser.get(0).labels().stream().anyMatch(l -> l.getText().equals("8 B")));
        ScrollPane scroll = view.scroll();
        assertTrue(scroll.getContent().getLayoutBounds().getHeight() > scroll.getViewportBounds().getHeight(),
                "32 rounds scroll");
    }

    @Test
    void nullShowsThePlaceholder(FxRobot robot) {
        show(robot, MessageFlow.of(logits, 0, graph));
        show(robot, null);
        assertNull(view.flow());
        Label p = (Label) view.view().lookup("#flowPlaceholder");
        assertTrue(p.isVisible());
        assertTrue(p.getText().startsWith("Select a layer"));
        assertFalse(view.view().lookup("#flowTitle").isVisible() && view.view().lookup("#flowTitle").getParent()
                .isVisible());
    }

    /** Every label and arrow lies inside the view's width; labels in a row inside the row. */
    private void assertNothingWiderThanTheView(String what) {
        ScrollPane scroll = view.scroll();
        double viewport = scroll.getViewportBounds().getWidth();
        assertTrue(viewport > 600, "viewport " + viewport);
        Node content = scroll.getContent();
        assertTrue(content.getLayoutBounds().getWidth() <= viewport + 1, what + ": content "
                + content.getLayoutBounds().getWidth() + " in " + viewport);
        Bounds sceneView = view.view().localToScene(view.view().getLayoutBounds());
        assertTrue(sceneView.getMaxX() <= 1024 + 1, what + ": view ends at " + sceneView.getMaxX());
        for (Label l : labels(view.view())) {
            if (!l.isVisible() || l.getScene() == null) {
                continue;
            }
            Bounds b = l.localToScene(l.getLayoutBounds());
            assertTrue(b.getMinX() >= sceneView.getMinX() - 1 && b.getMaxX() <= sceneView.getMaxX() + 1,
                    what + ": '" + l.getText() + "' at " + b);
        }
        for (FlowRow r : view.rowNodes()) {
            for (Node n : r.getChildrenUnmodifiable()) {
                Bounds b = n.getBoundsInParent();
                assertTrue(b.getMinX() >= -1 && b.getMaxX() <= r.getWidth() + 1, what + ": " + n + " at " + b
                        + " in a row of " + r.getWidth());
            }
        }
        // lane names do not touch each other
        List<Label> lanes = view.header().titles();
        for (int i = 1; i < lanes.size(); i++) {
            Bounds a = lanes.get(i - 1).getBoundsInParent();
            Bounds b = lanes.get(i).getBoundsInParent();
            assertTrue(a.getMaxX() < b.getMinX(), what + ": lane names overlap: " + a + " " + b);
        }
    }

    @Test
    void nothingIsWiderThanTheViewAt1024AtBothFontSizes(FxRobot robot) {
        List<MessageFlow> flows = List.of(MessageFlow.of(logits, 0, graph), MessageFlow.of(logits, 1, graph),
                MessageFlow.of(logits, 6, graph), MessageFlow.of(logits, graph.layers().size() - 1, graph),
                MessageFlow.of(label, graph.layers().size(), graph));
        for (String size : List.of("13px", "26px")) {
            robot.interact(() -> root.setStyle("-fx-font-size: " + size + ";"));
            for (MessageFlow f : flows) {
                show(robot, f);
                assertNothingWiderThanTheView(size + " " + f.title());
            }
        }
    }

    @Test
    void theTextGrowsWithTheRootFontSize(FxRobot robot) {
        MessageFlow f = MessageFlow.of(logits, 2, graph);
        show(robot, f);
        FlowRow.ExchangeRow row = rows(FlowRow.ExchangeRow.class).get(0);
        Label what = row.labels().get(1);
        Label title = (Label) view.view().lookup("#flowTitle");
        Noise swatch = labels(view.view().lookup("#flowKnows0")).stream().filter(l -> l instanceof Noise)
                .map(Noise.class::cast).findFirst().orElseThrow();
        double font = what.getFont().getSize();
        double titleFont = title.getFont().getSize();
        double rowHeight = row.getHeight();
        double swatchWidth = swatch.image().getFitWidth();
        assertEquals(13, font, 0.01);
        assertTrue(titleFont > font, "the title is larger than the text");

        robot.interact(() -> root.setStyle("-fx-font-size: 26px;"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2 * font, what.getFont().getSize(), 0.01);
        assertEquals(2 * titleFont, title.getFont().getSize(), 0.2);
        assertTrue(row.getHeight() > 1.8 * rowHeight, "row " + rowHeight + " -> " + row.getHeight());
        assertEquals(2 * swatchWidth, swatch.image().getFitWidth(), 0.01);
        assertTrue(what.getHeight() > 1.8 * what.getFont().getSize() / 2, "the label is laid out at the new size");
        robot.interact(() -> root.setStyle("-fx-font-size: 13px;"));
    }
}
