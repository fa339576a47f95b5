package io.sonic.desktop.learn;

import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Learn page as JavaFX nodes: title, explanation, diagram, worked example, cost and the step-mode
 * button. On a narrow page everything is one column; from {@link #WIDE} pixels (at the normal text
 * size) the explanation and the cost go left, the diagram and the example right.
 */
public final class PageView {
    /** Page width from which two columns are used, at a text size of 18 px. */
    static final double WIDE = 1250;

    private final VBox root = new VBox(14);
    private final VBox text = new VBox(12);
    private final VBox picture = new VBox(12);
    private final List<Label> paragraphs = new ArrayList<>();
    private final VBox example;
    private final VBox costBox;
    private final HBox stepRow;
    private final Fit diagram;
    private final double zoom;
    private boolean wide;

    /**
     * @param onStep called with the topic's id when "See it in step mode" is pressed, or null to
     *               show the button disabled
     * @param zoom   text size relative to 18 px
     */
    public PageView(Page page, Consumer<String> onStep, double zoom) {
        this.zoom = zoom;
        root.getStyleClass().add("learn-page");
        root.setPadding(new Insets(16, 24, 24, 24));
        Label title = new Label(page.topic().title());
        title.setId("learnTitle");
        title.getStyleClass().add("learn-title");
        title.setWrapText(true);

        for (String p : page.paragraphs()) {
            paragraphs.add(wrapped(p, "learn-text"));
        }
        VBox cost = costBox = new VBox(8);
        cost.setId("learnCost");
        cost.getChildren().add(heading("Cost, as the traffic meter counts it"));
        for (String c : page.cost()) {
            cost.getChildren().add(wrapped("•  " + c, "learn-cost"));
        }
        Button step = new Button("See it in step mode");
        step.setId("learnStepMode");
        step.getStyleClass().add("learn-step");
        if (onStep == null) {
            step.setDisable(true);
        } else {
            step.setOnAction(e -> onStep.accept(page.topic().id()));
        }
        step.setTooltip(new Tooltip("Shows this protocol in the Inference tab's step mode"));
        stepRow = new HBox(12, step);
        stepRow.setAlignment(Pos.CENTER_LEFT);

        diagram = new Fit(Diagrams.of(page.example()));
        diagram.setId("learnDiagram");
        diagram.setMaxScale(1.35 * zoom);
        example = new VBox(8, heading(page.exampleTitle()), table(page));
        example.setId("learnExample");
        root.getChildren().add(title);
        arrange(false);
        root.widthProperty().addListener((o, a, b) -> arrange(b.doubleValue() >= WIDE * zoom));
    }

    public Node node() {
        return root;
    }

    /**
     * Narrow: title, the first paragraph, the diagram, the other paragraphs, the example, the cost and
     * the button, one under the other. Wide: the explanation, cost and button on the left, the diagram
     * and the example on the right.
     */
    private void arrange(boolean w) {
        if (w == wide && root.getChildren().size() > 1) {
            return;
        }
        wide = w;
        Node title = root.getChildren().get(0);
        root.getChildren().clear();
        text.getChildren().clear();
        picture.getChildren().clear();
        if (w) {
            text.getChildren().addAll(paragraphs);
            text.getChildren().addAll(costBox, stepRow);
            picture.getChildren().addAll(diagram, example);
            GridPane columns = new GridPane();
            columns.setId("learnColumns");
            columns.setHgap(28);
            ColumnConstraints left = new ColumnConstraints();
            left.setPercentWidth(44);
            ColumnConstraints right = new ColumnConstraints();
            right.setPercentWidth(56);
            columns.getColumnConstraints().addAll(left, right);
            GridPane.setValignment(text, VPos.TOP);
            GridPane.setValignment(picture, VPos.TOP);
            columns.add(text, 0, 0);
            columns.add(picture, 1, 0);
            root.getChildren().addAll(title, columns);
        } else {
            root.getChildren().add(title);
            root.getChildren().add(paragraphs.get(0));
            root.getChildren().add(diagram);
            root.getChildren().addAll(paragraphs.subList(1, paragraphs.size()));
            root.getChildren().addAll(example, costBox, stepRow);
        }
    }

    boolean isWide() {
        return wide;
    }

    private static Label heading(String s) {
        Label l = wrapped(s, "learn-heading");
        return l;
    }

    static Label wrapped(String s, String style) {
        Label l = new Label(s);
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.setMaxWidth(Double.MAX_VALUE);
        l.getStyleClass().add(style);
        return l;
    }

    private static GridPane table(Page page) {
        GridPane g = new GridPane();
        g.setId("learnExampleTable");
        g.getStyleClass().add("learn-table");
        g.setHgap(18);
        g.setVgap(6);
        ColumnConstraints name = new ColumnConstraints();
        name.setPercentWidth(38);
        name.setHalignment(HPos.LEFT);
        ColumnConstraints value = new ColumnConstraints();
        value.setPercentWidth(62);
        value.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(name, value);
        int row = 0;
        for (Page.Row r : page.rows()) {
            Label n = wrapped(r.name(), "learn-row-name");
            Label v = wrapped(r.value(), "learn-row-value");
            VBox cell = new VBox(1, v);
            if (!r.note().isEmpty()) {
                cell.getChildren().add(wrapped(r.note(), "learn-row-note"));
            }
            GridPane.setValignment(n, VPos.TOP);
            g.add(n, 0, row);
            g.add(cell, 1, row);
            row++;
        }
        return g;
    }
}
