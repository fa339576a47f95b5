package io.sonic.desktop.app;

import io.sonic.desktop.cloud.CloudView;
import io.sonic.desktop.inference.InferenceView;
import io.sonic.desktop.model.ModelView;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/** The window: one tab per step of the workflow, and a status line with the open model and the servers. */
public final class MainWindow {
    private final AppState state = new AppState();
    private final BorderPane root = new BorderPane();
    private final TabPane tabs = new TabPane();
    private final ModelView model;
    private final CloudView cloud;
    private final InferenceView inference;

    public MainWindow() {
        model = new ModelView(state);
        cloud = new CloudView(state);
        inference = new InferenceView(state);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().add(tab("1 Model", "tabModel", model.view()));
        tabs.getTabs().add(tab("2 Split", "tabSplit", new io.sonic.desktop.split.SplitView(state).view()));
        tabs.getTabs().add(tab("3 Cloud", "tabCloud", cloud.view()));
        tabs.getTabs().add(tab("4 Inference", "tabInference", inference.view()));
        tabs.getTabs().add(tab("5 Report", "tabReport", new io.sonic.desktop.report.ReportView(state).view()));
        tabs.getTabs().add(tab("Learn", "tabLearn", new LearnView().view()));
        Label status = new Label();
        status.setId("statusLine");
        status.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                        "model: " + (state.modelProperty().get() == null ? "none" : state.modelProperty().get().name())
                                + "    servers: " + state.cloudDescriptionProperty().get()
                                + (state.uploadedModelIdProperty().get() == null ? "" : "    uploaded as '"
                                + state.uploadedModelIdProperty().get() + "'"),
                state.modelProperty(), state.cloudDescriptionProperty(), state.uploadedModelIdProperty()));
        HBox bar = new HBox(status);
        bar.setStyle("-fx-padding: 4 10; -fx-background-color: #eceff1;");
        root.setCenter(tabs);
        root.setBottom(bar);
        root.getStylesheets().add(MainWindow.class.getResource("/io/sonic/desktop/sonic.css").toExternalForm());
    }

    static Tab tab(String title, String id, javafx.scene.Node content) {
        Tab t = new Tab(title, content);
        t.setId(id);
        return t;
    }

    /** Adds a tab at a position (used for the Split and Report screens). */
    public void addTab(int index, String title, String id, javafx.scene.Node content) {
        tabs.getTabs().add(Math.min(index, tabs.getTabs().size()), tab(title, id, content));
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

    public InferenceView inference() {
        return inference;
    }

    public TabPane tabs() {
        return tabs;
    }

    /** Stops local servers when the window closes. */
    public void shutdown() {
        if (cloud.viewModel().localCloud() != null) {
            cloud.viewModel().stop();
        }
    }
}
