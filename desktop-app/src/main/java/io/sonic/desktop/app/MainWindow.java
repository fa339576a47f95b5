package io.sonic.desktop.app;

import io.sonic.desktop.cloud.CloudView;
import io.sonic.desktop.inference.InferenceView;
import io.sonic.desktop.learn.Topic;
import io.sonic.desktop.model.ModelView;
import io.sonic.desktop.report.ReportView;
import io.sonic.desktop.split.SplitView;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.Stage;

import java.util.Locale;

/**
 * The window: one tab per step of the workflow and the Learn tab, a status line with the open model
 * and the servers, the zoom and presentation mode, and the presenter's keys:
 * Space or → next layer, ← previous layer, Esc cancel (on the Inference tab); Ctrl+1…6 tabs, Ctrl+O open
 * a model, Ctrl+Plus / Ctrl+Minus / Ctrl+0 zoom, F5 presentation mode, F11 full screen.
 */
public final class MainWindow {
    /** The keys, as the status line's tooltip and the user guide list them. */
    public static final String KEYS = "Space or → next layer · ← previous layer · Esc cancel · Ctrl+1…6 tabs ·"
            + " Ctrl+O open a model · Ctrl+Plus / Ctrl+Minus / Ctrl+0 zoom · F5 presentation · F11 full screen";

    private final AppState state = new AppState();
    private final Tasks tasks;
    private final BorderPane root = new BorderPane();
    private final TabPane tabs = new TabPane();
    private final ModelView model;
    private final CloudView cloud;
    private final InferenceView inference;
    private final LearnView learn;
    private final Tab inferenceTab;

    public MainWindow() {
        this(Tasks.pool());
    }

    public MainWindow(Tasks tasks) {
        this.tasks = tasks;
        model = new ModelView(state, tasks);
        cloud = new CloudView(state, tasks);
        inference = new InferenceView(state, tasks);
        learn = new LearnView(id -> {
            Topic t = Topic.byId(id);
            select(inferenceTab());
            inference.viewModel().focusTopic(t.title(), t::shownBy);
        });
        learn.follow(state.zoom());
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().add(tab("1 Model", "tabModel", model.view()));
        tabs.getTabs().add(tab("2 Split", "tabSplit", new SplitView(state, tasks).view()));
        tabs.getTabs().add(tab("3 Cloud", "tabCloud", cloud.view()));
        inferenceTab = tab("4 Inference", "tabInference", inference.view());
        tabs.getTabs().add(inferenceTab);
        tabs.getTabs().add(tab("5 Report", "tabReport", new ReportView(state, tasks).view()));
        tabs.getTabs().add(tab("6 Learn", "tabLearn", learn.view()));

        Label status = new Label();
        status.setId("statusLine");
        status.setWrapText(false);
        status.setMinWidth(0);
        status.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(status, Priority.ALWAYS);
        status.textProperty().bind(Bindings.createStringBinding(() ->
                        "model: " + (state.modelProperty().get() == null ? "none" : state.modelProperty().get().name())
                                + "    servers: " + state.cloudDescriptionProperty().get()
                                + (state.uploadedModelIdProperty().get() == null ? "" : "    uploaded as '"
                                + state.uploadedModelIdProperty().get() + "'"),
                state.modelProperty(), state.cloudDescriptionProperty(), state.uploadedModelIdProperty()));
        Tooltip.install(status, new Tooltip(KEYS));
        Label zoomText = new Label();
        zoomText.setId("zoomLevel");
        zoomText.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        zoomText.textProperty().bind(state.zoom().scaleProperty().map(z -> String.format(Locale.ROOT, "%.0f%%",
                z.doubleValue() * 100)));
        ToggleButton presentation = new ToggleButton("Presentation");
        presentation.setId("presentation");
        presentation.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        presentation.setTooltip(new Tooltip("Larger text, pictures and charts for a projector (F5)"));
        presentation.selectedProperty().bindBidirectional(state.zoom().presentationProperty());
        HBox bar = new HBox(10, status, zoomText, presentation);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("status-bar");
        root.setCenter(tabs);
        root.setBottom(bar);
        root.getStylesheets().add(MainWindow.class.getResource("/io/sonic/desktop/sonic.css").toExternalForm());
        root.styleProperty().bind(state.zoom().rootStyle());
        root.addEventFilter(KeyEvent.KEY_PRESSED, this::key);
    }

    private Tab inferenceTab() {
        return inferenceTab;
    }

    private void select(Tab t) {
        tabs.getSelectionModel().select(t);
    }

    /** The presenter's keys; typing in a field keeps its own keys. */
    void key(KeyEvent e) {
        Zoom zoom = state.zoom();
        if (e.isShortcutDown()) {
            switch (e.getCode()) {
                case DIGIT1, DIGIT2, DIGIT3, DIGIT4, DIGIT5, DIGIT6, NUMPAD1, NUMPAD2, NUMPAD3, NUMPAD4, NUMPAD5,
                        NUMPAD6 -> {
                    int k = e.getCode().getName().charAt(e.getCode().getName().length() - 1) - '1';
                    if (k >= 0 && k < tabs.getTabs().size()) {
                        tabs.getSelectionModel().select(k);
                        e.consume();
                    }
                }
                case O -> {
                    select(tabs.getTabs().get(0));
                    model.openFile();
                    e.consume();
                }
                case PLUS, EQUALS, ADD -> {
                    zoom.zoomIn();
                    e.consume();
                }
                case MINUS, SUBTRACT -> {
                    zoom.zoomOut();
                    e.consume();
                }
                case DIGIT0, NUMPAD0 -> {
                    zoom.reset();
                    e.consume();
                }
                default -> {
                }
            }
            return;
        }
        if (e.getCode() == KeyCode.F11) {
            Stage s = stage();
            if (s != null) {
                s.setFullScreen(!s.isFullScreen());
            }
            e.consume();
            return;
        }
        if (e.getCode() == KeyCode.F5) {
            zoom.presentationProperty().set(!zoom.presentationProperty().get());
            e.consume();
            return;
        }
        if (tabs.getSelectionModel().getSelectedItem() != inferenceTab || typing(e)) {
            return;
        }
        switch (e.getCode()) {
            case SPACE, RIGHT, PAGE_DOWN -> {
                inference.viewModel().next();
                e.consume();
            }
            case LEFT, PAGE_UP -> {
                inference.viewModel().previous();
                e.consume();
            }
            case ESCAPE -> {
                inference.viewModel().cancel();
                e.consume();
            }
            default -> {
            }
        }
    }

    /** Whether the key goes to a control that uses it (a text field, a spinner, a list, a table). */
    private static boolean typing(KeyEvent e) {
        Node n = e.getTarget() instanceof Node t ? t : null;
        Scene scene = n == null ? null : n.getScene();
        Node focus = scene == null ? n : scene.getFocusOwner();
        for (Node x = focus; x != null; x = x.getParent()) {
            if (x instanceof TextInputControl || x instanceof Spinner || x instanceof ComboBoxBase
                    || x instanceof TableView || x instanceof javafx.scene.control.ListView) {
                return true;
            }
        }
        return false;
    }

    private Stage stage() {
        return root.getScene() != null && root.getScene().getWindow() instanceof Stage s ? s : null;
    }

    static Tab tab(String title, String id, Node content) {
        Tab t = new Tab(title, content);
        t.setId(id);
        return t;
    }

    public Parent root() {
        return root;
    }

    public AppState state() {
        return state;
    }

    public ModelView model() {
        return model;
    }

    public CloudView cloud() {
        return cloud;
    }

    public LearnView learn() {
        return learn;
    }

    public InferenceView inference() {
        return inference;
    }

    public TabPane tabs() {
        return tabs;
    }

    /** Stops a running query and local servers, and the background threads, when the window closes. */
    public void shutdown() {
        inference.shutdown();
        cloud.viewModel().stopNow();
        tasks.shutdown();
    }
}
