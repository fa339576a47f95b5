package io.sonic.desktop.split;

import io.sonic.cloud.client.CloudClient;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Background;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.concurrent.Task;
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
 * {@link Background}. Build it on the FX thread.
 */
public final class SplitView {
    private static final String OK_STYLE = "-fx-text-fill: #1b7f3b; -fx-font-weight: bold;";
    private static final String FAIL_STYLE = "-fx-text-fill: #b00020; -fx-font-weight: bold;";

    private final AppState state;
    private final SplitViewModel vm;
    private final ScrollPane root;
    private Task<SplitViewModel.Split> splitting;

    public SplitView(AppState state) {
        this.state = state;
        this.vm = new SplitViewModel(state);
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
            splitting = Background.run("split", () -> SplitViewModel.split(r), vm::setShares,
                    t -> vm.splitFailed(r, t));
        }
    }

    private void upload() {
        CloudClient client = state.cloudProperty().get();
        if (client != null && vm.canUploadProperty().get()) {
            // the view-model reports progress, the outcome and failures itself
            Background.run("upload", () -> vm.upload(client), u -> { }, t -> { });
        }
    }

    private ScrollPane build() {
        Label title = new Label("Split the model into secret shares");
        title.setStyle("-fx-font-size: 16px; -fx-font-weight: bold;");
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
        layer.setPrefWidth(460);
        layer.setMinWidth(Region.USE_PREF_SIZE);
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
        return scroll;
    }

    private static Label operator(String symbol) {
        Label l = new Label(symbol);
        l.setStyle("-fx-font-size: 24px; -fx-text-fill: #555;");
        return l;
    }

    private VBox pane(String title, String id, ReadOnlyObjectProperty<double[][]> matrix, Heatmap.Palette palette) {
        Label heading = new Label(title);
        heading.setStyle("-fx-font-weight: bold;");
        ImageView image = new ImageView();
        image.setId(id);
        image.setSmooth(false);
        StackPane frame = new StackPane(image);
        frame.setMinSize(Heatmap.TARGET + 8, Heatmap.TARGET + 8);
        frame.setPrefSize(Heatmap.TARGET + 8, Heatmap.TARGET + 8);
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
