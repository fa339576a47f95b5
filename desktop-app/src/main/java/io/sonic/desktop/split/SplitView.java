package io.sonic.desktop.split;

import io.sonic.cloud.client.CloudClient;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Tasks;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The Split screen, the model owner's view: a layer of the open model next to the two shares the
 * servers receive and their sum, a live check that the shares add up to the weights, and the upload of
 * those very shares. All state lives in {@link SplitViewModel}; splitting and uploading run through
 * {@link Tasks}. Build it on the FX thread.
 */
public final class SplitView {
    private static final String OK_STYLE = "-fx-text-fill: #1b7f3b; -fx-font-weight: bold;";
    private static final String FAIL_STYLE = "-fx-text-fill: #b00020; -fx-font-weight: bold;";

    private final AppState state;
    private final SplitViewModel vm;
    private final ScrollPane root;
    private final Tasks tasks;
    private Tasks.Handle splitting;

    public SplitView(AppState state, Tasks tasks) {
        this.state = state;
        this.tasks = tasks;
        this.vm = new SplitViewModel(state, tasks::ui);
        this.root = build();
        vm.requestProperty().addListener((o, was, now) -> split(now));
        split(vm.requestProperty().get());
    }

    /** The screen's root node, for a tab of the main window. */
    public Node view() {
        return root;
    }

    public SplitViewModel viewModel() {
        return vm;
    }

    private void split(SplitViewModel.SplitRequest r) {
        if (splitting != null) {
            splitting.cancel();
            splitting = null;
        }
        if (r != null) {
            splitting = tasks.call("split", () -> SplitViewModel.split(r), vm::setShares,
                    t -> vm.splitFailed(r, t));
        }
    }

    private void upload() {
        CloudClient client = state.cloudProperty().get();
        if (client != null && vm.canUploadProperty().get()) {
            // the view-model reports progress, the outcome and failures itself
            tasks.call("upload", () -> vm.upload(client), u -> { }, t -> { });
        }
    }

    /**
     * The side of each of the four pictures: as large as the zoom asks (256 px at scale 1), but never so
     * large that the four and their operators overflow the screen's width.
     */
    private final javafx.beans.property.DoubleProperty side = new javafx.beans.property.SimpleDoubleProperty(256);

    private ScrollPane build() {
        Label title = new Label("Split the model into secret shares");
        title.getStyleClass().add("title");
        Label intro = new Label("Before anything leaves the model owner's machine, every weight is split into two"
                + " additive shares. Server 0 receives one share, server 1 the other; each alone is random noise.");
        intro.setWrapText(true);

        Label status = new Label();
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(18, 18);
        busy.visibleProperty().bind(vm.splittingProperty());
        busy.managedProperty().bind(busy.visibleProperty());

        ComboBox<SplitViewModel.LayerItem> layer = new ComboBox<>(vm.layers());
        layer.setId("splitLayer");
        layer.setPromptText("no layer with parameters");
        layer.setVisibleRowCount(12);
        layer.valueProperty().bindBidirectional(vm.selectedLayerProperty());
        layer.disableProperty().bind(vm.splittingProperty());
        layer.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(layer, javafx.scene.layout.Priority.ALWAYS);
        Label layerLabel = new Label("Layer:");
        layerLabel.setMinWidth(Region.USE_PREF_SIZE);
        HBox chooser = new HBox(8, layerLabel, layer, busy);
        chooser.setAlignment(Pos.CENTER_LEFT);

        HBox panes = new HBox(10,
                pane("Weights (model owner only)", "splitWeights", vm.weightsProperty(), Heatmap.Palette.DIVERGING),
                operator("→"),
                pane("Share for server 0", "splitShare0", vm.share0Property(), Heatmap.Palette.GRAY),
                operator("+"),
                pane("Share for server 1", "splitShare1", vm.share1Property(), Heatmap.Palette.GRAY),
                operator("="),
                pane("Share 0 + share 1", "splitSum", vm.sumProperty(), Heatmap.Palette.DIVERGING));
        panes.setAlignment(Pos.CENTER_LEFT);

        Label check = new Label();
        check.setId("splitCheck");
        check.setWrapText(true);
        check.textProperty().bind(vm.checkProperty());
        check.styleProperty().bind(vm.checkPassedProperty().map(ok -> ok ? OK_STYLE : FAIL_STYLE));

        Label caption = new Label();
        caption.setId("splitCaption");
        caption.setWrapText(true);
        caption.textProperty().bind(vm.captionProperty());
        Label legend = new Label();
        legend.setStyle("-fx-text-fill: #555;");
        legend.textProperty().bind(vm.legendProperty());

        Button upload = new Button("Upload shares to the servers");
        upload.setId("uploadShares");
        upload.disableProperty().bind(vm.canUploadProperty().not());
        upload.setMinWidth(Region.USE_PREF_SIZE);
        upload.setOnAction(e -> upload());
        ProgressBar progress = new ProgressBar();
        progress.setPrefWidth(160);
        progress.progressProperty().bind(vm.uploadProgressProperty());
        Label uploadStatus = new Label();
        uploadStatus.setId("uploadStatus");
        uploadStatus.setWrapText(true);
        uploadStatus.textProperty().bind(vm.uploadStatusProperty());
        Label hint = new Label();
        hint.setId("uploadHint");
        hint.setStyle("-fx-text-fill: #8a5a00; -fx-font-style: italic;");
        hint.textProperty().bind(vm.uploadHintProperty());
        hint.visibleProperty().bind(vm.uploadHintProperty().isNotEmpty());
        hint.managedProperty().bind(hint.visibleProperty());
        HBox uploadRow = new HBox(10, upload, progress, hint, uploadStatus);
        uploadRow.setAlignment(Pos.CENTER_LEFT);

        VBox content = new VBox(10, title, intro, status, chooser, panes, check, caption, legend, uploadRow);
        content.setPadding(new Insets(12));
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        Runnable resize = () -> {
            double z = state.zoom().scale();
            double free = (scroll.getViewportBounds().getWidth() - 24 - 3 * (10 + 30 * z) - 3 * 10) / 4 - 8;
            side.set(Math.max(96, Math.min(Heatmap.TARGET * z, free)));
        };
        scroll.viewportBoundsProperty().addListener((o, a, b) -> resize.run());
        state.zoom().scaleProperty().addListener((o, a, b) -> resize.run());
        return scroll;
    }

    private static Label operator(String symbol) {
        Label l = new Label(symbol);
        l.getStyleClass().add("operator");
        return l;
    }

    private VBox pane(String title, String id, ReadOnlyObjectProperty<double[][]> matrix, Heatmap.Palette palette) {
        Label heading = new Label(title);
        heading.setStyle("-fx-font-weight: bold;");
        heading.setWrapText(true);
        heading.maxWidthProperty().bind(side);
        ImageView image = new ImageView();
        image.setId(id);
        image.setSmooth(false);
        image.setPreserveRatio(true);
        image.fitWidthProperty().bind(side);
        image.fitHeightProperty().bind(side);
        StackPane frame = new StackPane(image);
        frame.minWidthProperty().bind(side.add(8));
        frame.minHeightProperty().bind(side.add(8));
        frame.maxWidthProperty().bind(side.add(8));
        frame.maxHeightProperty().bind(side.add(8));
        frame.setStyle("-fx-border-color: #c8c8c8; -fx-background-color: #f4f4f4;");
        matrix.addListener((o, was, m) -> {
            double scale = palette == Heatmap.Palette.DIVERGING ? vm.weightScaleProperty().get() : 1;
            image.setImage(m == null ? null : Heatmap.image(m, palette, scale));
        });
        VBox box = new VBox(4, heading, frame);
        box.setAlignment(Pos.TOP_CENTER);
        return box;
    }
}
