package io.sonic.desktop.app;

import io.sonic.desktop.learn.PageView;
import io.sonic.desktop.learn.Pages;
import io.sonic.desktop.learn.Topic;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Learn tab, for a lecture: the topics on the left, one page per topic on the right with a
 * diagram, a worked example computed on small numbers, the protocol's measured cost and a button that
 * opens the topic in the Inference tab's step mode. "New numbers" draws another example; A− / A+
 * change the text size for the room.
 */
public final class LearnView {
    /** Text sizes (px) offered by A− / A+; the page starts at 18 px. */
    static final int[] SIZES = {14, 16, 18, 20, 22, 24, 28, 32};
    private static final int START = 2;

    private final BorderPane root = new BorderPane();
    private final ListView<Topic> topics = new ListView<>();
    private final ScrollPane page = new ScrollPane();
    private final Label seedLabel = new Label();
    private final Consumer<String> onStepMode;
    private final Map<Topic, Long> seeds = new EnumMap<>(Topic.class);
    private int size = START;

    /** Without a step-mode callback: the "See it in step mode" button is shown disabled. */
    public LearnView() {
        this(null);
    }

    /**
     * @param onStepMode called with the topic's id ({@link Topic#id()}, e.g. "msb-relu") when the
     *                   lecturer presses "See it in step mode"; {@link Topic#shownBy(String)} tells which
     *                   layers of a run show that topic
     */
    public LearnView(Consumer<String> onStepMode) {
        this.onStepMode = onStepMode;
        root.getStyleClass().add("learn");
        root.setId("learnView");
        root.getStylesheets().add(LearnView.class.getResource("/io/sonic/desktop/learn/learn.css").toExternalForm());

        topics.setId("learnTopics");
        topics.getItems().setAll(Topic.values());
        topics.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(Topic t, boolean empty) {
                super.updateItem(t, empty);
                setText(empty || t == null ? null : (t.ordinal() + 1) + "  " + t.title());
                setWrapText(true);
                setPrefWidth(0);
            }
        });
        topics.prefWidthProperty().bind(root.widthProperty().multiply(0.2).map(w -> Math.max(210, Math.min(320,
                w.doubleValue()))));
        topics.setMinWidth(Region.USE_PREF_SIZE);
        topics.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> show());

        page.setId("learnPage");
        page.setFitToWidth(true);
        page.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        page.setVbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);

        Label header = new Label("How Sonic keeps the model, the input and the result secret");
        header.getStyleClass().add("learn-header-title");
        header.setWrapText(true);
        header.setMinWidth(0);
        Button again = new Button("New numbers");
        again.setId("learnNewNumbers");
        again.setTooltip(new Tooltip("Draw the worked example again with other random values"));
        again.setOnAction(e -> {
            Topic t = selected();
            seeds.put(t, seeds.getOrDefault(t, Pages.FIRST_SEED) + 1);
            show();
        });
        Button smaller = new Button("A−");
        smaller.setId("learnSmaller");
        smaller.setTooltip(new Tooltip("Smaller text"));
        smaller.setOnAction(e -> resize(-1));
        Button larger = new Button("A+");
        larger.setId("learnLarger");
        larger.setTooltip(new Tooltip("Larger text"));
        larger.setOnAction(e -> resize(+1));
        seedLabel.setId("learnSeed");
        seedLabel.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(header, Priority.ALWAYS);
        header.setMaxWidth(Double.MAX_VALUE);
        for (Button b : new Button[] {again, smaller, larger}) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox bar = new HBox(header, seedLabel, again, smaller, larger);
        bar.getStyleClass().add("learn-header");
        bar.setAlignment(Pos.CENTER_LEFT);

        root.setTop(bar);
        root.setLeft(topics);
        root.setCenter(page);
        applySize();
        topics.getSelectionModel().selectFirst();
    }

    public Node view() {
        return root;
    }

    /** Shows a topic's page (as the list would). */
    public void select(Topic t) {
        topics.getSelectionModel().select(t);
    }

    Topic selected() {
        Topic t = topics.getSelectionModel().getSelectedItem();
        return t == null ? Topic.values()[0] : t;
    }

    private void resize(int delta) {
        size = Math.max(0, Math.min(SIZES.length - 1, size + delta));
        applySize();
        show();
    }

    private double scale = 1;

    /** Follows the window's zoom: the page's text is its own size (A− / A+) times the zoom. */
    public void follow(Zoom zoom) {
        zoom.scaleProperty().addListener((o, a, z) -> {
            scale = z.doubleValue();
            applySize();
            show();
        });
        scale = zoom.scale();
        applySize();
        show();
    }

    private void applySize() {
        root.setStyle(String.format(java.util.Locale.ROOT, "-fx-font-size: %.1fpx;", SIZES[size] * scale));
    }

    private void show() {
        Topic t = selected();
        long seed = seeds.getOrDefault(t, Pages.FIRST_SEED);
        seedLabel.setText("numbers #" + seed);
        PageView v = new PageView(Pages.of(t, seed), onStepMode, SIZES[size] * scale / 18.0);
        page.setContent(v.node());
        page.setVvalue(0);
    }
}
