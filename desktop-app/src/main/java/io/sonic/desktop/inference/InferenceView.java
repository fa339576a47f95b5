package io.sonic.desktop.inference;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Background;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.ring.SharedTensor;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;

import java.io.File;

/**
 * The Inference screen: choose an input (a test sample, an image file, or a digit drawn here), see
 * the noise each server receives, run, and watch the layers light up with their live counters; then
 * the secure prediction beside the plaintext one, and a step mode that explains each layer.
 */
public final class InferenceView {
    private final AppState state;
    private final InferenceViewModel vm;
    private final BorderPane root = new BorderPane();
    private final HBox pipelineBox = new HBox(6);
    private final Canvas canvas = new Canvas(196, 196);

    public InferenceView(AppState state) {
        this.state = state;
        this.vm = new InferenceViewModel(state);

        // ---- input
        Spinner<Integer> sample = new Spinner<>(0, 99, 0);
        sample.setId("sampleIndex");
        sample.setEditable(true);
        sample.valueProperty().addListener((o, a, k) -> vm.chooseSample(k));
        Button load = new Button("Image file…");
        load.setId("loadImage");
        load.setOnAction(e -> loadImage());
        Button useDrawing = new Button("Use drawing");
        useDrawing.setId("useDrawing");
        Button clear = new Button("Clear");
        setUpCanvas();
        clear.setOnAction(e -> clearCanvas());
        useDrawing.setOnAction(e -> vm.chooseImage(drawing(), "digit drawn on the canvas"));
        VBox drawBox = new VBox(4, new Label("Draw a digit"), canvas, new HBox(4, useDrawing, clear));
        drawBox.visibleProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(vm::takesDigits,
                state.modelProperty()));
        drawBox.managedProperty().bind(drawBox.visibleProperty());

        ImageView inputImage = new ImageView();
        inputImage.setId("inputImage");
        ImageView share0 = new ImageView();
        share0.setId("share0Image");
        ImageView share1 = new ImageView();
        share1.setId("share1Image");
        Label source = new Label();
        source.textProperty().bind(vm.inputSourceProperty());
        vm.inputProperty().addListener((o, a, x) -> inputImage.setImage(x == null ? null : Images.picture(x, 4, true)));
        vm.sharesProperty().addListener((o, a, s) -> {
            share0.setImage(s == null ? null : Images.share(s[0].values(), 4));
            share1.setImage(s == null ? null : Images.share(s[1].values(), 4));
        });
        HBox views = new HBox(10, titled("Your input (only you see it)", inputImage),
                titled("What server 0 receives", share0), titled("What server 1 receives", share1));

        ComboBox<String> linear = new ComboBox<>();
        linear.setId("linearMode");
        linear.getItems().addAll("faithful", "mask-reuse");
        linear.setValue("faithful");
        ComboBox<String> output = new ComboBox<>();
        output.setId("outputMode");
        output.getItems().addAll("logits", "label");
        output.setValue("logits");
        javafx.scene.control.CheckBox stepMode = new javafx.scene.control.CheckBox("Step mode (pause before each layer)");
        stepMode.setId("stepMode");
        Button cancel = new Button("Cancel");
        cancel.setId("cancelInference");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> {
            var c = control;
            if (c != null) {
                Background.run("cancel", () -> {
                    c.cancel();
                    return true;
                }, ok -> { }, f -> { });
            }
        });
        Button run = new Button("Run secure inference");
        run.setId("runInference");
        run.setDefaultButton(true);
        run.disableProperty().bind(vm.runningProperty().or(state.modelProperty().isNull())
                .or(state.cloudProperty().isNull()).or(vm.inputProperty().isNull()));
        run.setOnAction(e -> run(linear.getValue(), output.getValue(), stepMode.isSelected()));
        Label hint = new Label();
        hint.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                        state.modelProperty().get() == null ? "Open a model on the Model tab."
                                : state.cloudProperty().get() == null ? "Start or connect servers on the Cloud tab." : "",
                state.modelProperty(), state.cloudProperty()));
        Label status = new Label();
        status.setId("inferenceStatus");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());

        VBox left = new VBox(8, new HBox(6, new Label("Test sample"), sample, load), drawBox, views,
                new HBox(6, new Label("Linear layers"), linear, new Label("Output"), output), stepMode,
                new HBox(8, run, cancel, hint),
                status);
        left.setPadding(new Insets(12));

        // ---- pipeline
        ScrollPane pipe = new ScrollPane(pipelineBox);
        pipe.setId("pipeline");
        pipe.setFitToHeight(true);
        pipe.setPrefViewportHeight(150);
        pipelineBox.setPadding(new Insets(6));
        vm.pipeline().addListener((javafx.collections.ListChangeListener<InferenceViewModel.LayerCard>) c -> rebuildPipeline());
        rebuildPipeline();

        // ---- result
        Label result = new Label();
        result.setId("resultText");
        result.setWrapText(true);
        result.textProperty().bind(vm.resultProperty());
        Label badge = new Label();
        badge.setId("badge");
        badge.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                vm.badgeProperty().get().equals("agree") ? "✓ agrees with the plaintext model"
                        : vm.badgeProperty().get().equals("differ") ? "✗ differs from the plaintext model" : "",
                vm.badgeProperty()));
        badge.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        badge.styleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                vm.badgeProperty().get().isEmpty() ? "" : "-fx-padding: 3 10; -fx-background-radius: 10; -fx-text-fill: white;"
                        + (vm.badgeProperty().get().equals("agree") ? "-fx-background-color: #2e7d32;"
                        : "-fx-background-color: #c62828;"), vm.badgeProperty()));
        BarChart<String, Number> chart = new BarChart<>(new CategoryAxis(), new NumberAxis(0, 1, 0.25));
        chart.setId("probabilities");
        chart.setTitle("Class probabilities (softmax of the logits)");
        chart.setAnimated(false);
        chart.setBarGap(1);
        chart.setCategoryGap(12);
        chart.setPrefHeight(220);
        vm.probabilitiesProperty().addListener((o, a, p) -> showProbabilities(chart));
        TextArea stepText = new TextArea();
        stepText.setId("stepText");
        stepText.setEditable(false);
        stepText.setWrapText(true);
        stepText.setPrefRowCount(6);
        stepText.textProperty().bind(vm.stepTextProperty());
        Button prev = new Button("◀ Previous layer");
        prev.setId("stepPrev");
        prev.setOnAction(e -> vm.step(-1));
        Button next = new Button("Next layer ▶");
        next.setId("stepNext");
        next.setOnAction(e -> {
            var c = control;
            if (c != null && c.stepping()) {
                Background.run("continue", () -> {
                    c.proceed();
                    return true;
                }, ok -> { }, f -> vm.statusProperty().set("Could not continue: " + Background.message(f)));
            } else {
                vm.step(+1);
            }
        });
        Button toEnd = new Button("Run to the end");
        toEnd.setId("stepToEnd");
        toEnd.disableProperty().bind(vm.runningProperty().not());
        toEnd.setOnAction(e -> {
            var c = control;
            if (c != null) {
                Background.run("continue", () -> {
                    c.runToEnd();
                    return true;
                }, ok -> { }, f -> { });
            }
        });
        vm.stepProperty().addListener((o, a, s) -> rebuildPipeline());
        VBox bottom = new VBox(8, new HBox(10, badge, result), chart,
                new HBox(6, new Label("Classroom step mode:"), prev, next, toEnd), stepText);
        bottom.setPadding(new Insets(12));

        VBox center = new VBox(6, new Label("  The network as a pipeline: layers light up as the servers run them"),
                pipe, bottom);
        VBox.setVgrow(bottom, Priority.ALWAYS);
        root.setLeft(new ScrollPane(left));
        root.setCenter(center);
    }

    private static VBox titled(String title, Node n) {
        Label l = new Label(title);
        l.setWrapText(true);
        l.setMaxWidth(120);
        return new VBox(4, l, n);
    }

    private volatile io.sonic.cloud.client.CloudClient.Control control;

    private void run(String linear, String output, boolean stepping) {
        SecureConfig cfg = state.configProperty().get()
                .withLinear(linear.equals("mask-reuse") ? SecureConfig.LinearMode.MASK_REUSE : SecureConfig.LinearMode.FAITHFUL)
                .withOutput(output.equals("label") ? SecureConfig.OutputMode.LABEL : SecureConfig.OutputMode.LOGITS);
        float[] x = vm.inputProperty().get();
        var client = state.cloudProperty().get();
        var model = state.modelProperty().get();
        String uploaded = state.uploadedModelIdProperty().get();
        vm.starting();
        io.sonic.cloud.client.CloudClient.Control c = new io.sonic.cloud.client.CloudClient.Control(stepping);
        control = c;
        Background.run("inference", () -> InferenceViewModel.run(client, model, uploaded, x, cfg,
                e -> Background.fx(() -> vm.onEvent(e)),
                (SharedTensor[] s) -> Background.fx(() -> vm.sharesProperty().set(s)),
                id -> Background.fx(() -> state.uploadedModelIdProperty().set(id)), c),
                r -> {
                    control = null;
                    vm.finished(r, x, cfg);
                }, f -> {
                    control = null;
                    vm.failed(Background.message(f));
                });
    }

    private void rebuildPipeline() {
        pipelineBox.getChildren().clear();
        for (InferenceViewModel.LayerCard c : vm.pipeline()) {
            Label title = new Label(c.index + "  " + c.op.get());
            title.setStyle("-fx-font-weight: bold;");
            Label proto = new Label();
            proto.textProperty().bind(c.protocol);
            proto.setWrapText(true);
            Label counters = new Label();
            counters.textProperty().bind(c.counters);
            VBox card = new VBox(3, title, proto, counters);
            card.setId("layer" + c.index);
            card.setPrefWidth(150);
            card.setMinWidth(150);
            card.setAlignment(Pos.TOP_LEFT);
            card.setPadding(new Insets(6));
            Runnable paint = () -> card.setStyle("-fx-border-color: " + (vm.stepProperty().get() == c.index ? "#1565c0"
                    : "#9e9e9e") + "; -fx-border-width: " + (vm.stepProperty().get() == c.index ? 3 : 1)
                    + "; -fx-background-color: " + switch (c.state.get()) {
                        case "running" -> "#fff59d";
                        case "paused" -> "#bbdefb";
                        case "done" -> "#c8e6c9";
                        case "failed" -> "#ffcdd2";
                        default -> "#f5f5f5";
                    } + ";");
            c.state.addListener((o, a, s) -> paint.run());
            paint.run();
            pipelineBox.getChildren().add(card);
        }
    }

    private void showProbabilities(BarChart<String, Number> chart) {
        chart.getData().clear();
        double[] secure = vm.probabilitiesProperty().get();
        double[] plain = vm.plainProbabilitiesProperty().get();
        if (secure == null) {
            return;
        }
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        s.setName("secure");
        XYChart.Series<String, Number> p = new XYChart.Series<>();
        p.setName("plaintext");
        for (int i = 0; i < secure.length; i++) {
            s.getData().add(new XYChart.Data<>(String.valueOf(i), secure[i]));
            if (plain != null && i < plain.length) {
                p.getData().add(new XYChart.Data<>(String.valueOf(i), plain[i]));
            }
        }
        chart.getData().add(s);
        chart.getData().add(p);
    }

    private void loadImage() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Choose an image");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp"));
        File f = chooser.showOpenDialog(root.getScene().getWindow());
        if (f == null) {
            return;
        }
        try {
            Image img = new Image(f.toURI().toString());
            if (img.isError()) {
                vm.statusProperty().set("Cannot read " + f.getName() + " as an image.");
                return;
            }
            vm.chooseImage(Images.fromImage(img, state.modelProperty().get().graph().inputSize()), "image " + f.getName());
        } catch (IllegalArgumentException ex) {
            vm.statusProperty().set(ex.getMessage());
        }
    }

    private void setUpCanvas() {
        clearCanvas();
        GraphicsContext g = canvas.getGraphicsContext2D();
        canvas.setOnMousePressed(e -> {
            g.setFill(Color.WHITE);
            g.fillOval(e.getX() - 8, e.getY() - 8, 16, 16);
        });
        canvas.setOnMouseDragged(e -> {
            g.setFill(Color.WHITE);
            g.fillOval(e.getX() - 8, e.getY() - 8, 16, 16);
        });
    }

    private void clearCanvas() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.BLACK);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
    }

    /** The canvas as 28×28 values in [0,1], averaged over 7×7 blocks. */
    private float[] drawing() {
        var img = canvas.snapshot(null, null);
        var r = img.getPixelReader();
        float[] v = new float[784];
        int block = (int) canvas.getWidth() / 28;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                double sum = 0;
                for (int dy = 0; dy < block; dy++) {
                    for (int dx = 0; dx < block; dx++) {
                        sum += r.getColor(x * block + dx, y * block + dy).getBrightness();
                    }
                }
                v[y * 28 + x] = (float) (sum / (block * block));
            }
        }
        return v;
    }

    public Node view() {
        return root;
    }

    public InferenceViewModel viewModel() {
        return vm;
    }
}
