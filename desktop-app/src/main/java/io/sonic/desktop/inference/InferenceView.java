package io.sonic.desktop.inference;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.OpenModel;
import io.sonic.desktop.app.Tasks;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.net.LinkProfile;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.TitledPane;
import javafx.scene.control.cell.TextFieldTableCell;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import java.io.File;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The Inference screen: choose an input (a test sample, a pasted row or CSV file, an image, the table
 * of a tabular model, or a digit drawn here), see the noise each server receives, run, and watch the
 * layers light up with their live counters; then the secure prediction beside the plaintext one and the
 * true label, a step mode that explains each layer, and the messages of the selected layer. A view over
 * {@link InferenceViewModel}, which does all the work.
 */
public final class InferenceView {
    private static final double PICTURE = 112;

    private final AppState state;
    private final InferenceViewModel vm;
    private final BorderPane root = new BorderPane();
    private final HBox pipelineBox = new HBox(6);
    private final ScrollPane pipe = new ScrollPane(pipelineBox);
    private final StackPane chartHolder = new StackPane();
    private final VBox flowHolder = new VBox(6);
    private final ObservableList<TableRow> tableRows = FXCollections.observableArrayList();
    private Canvas canvas;
    private final VBox drawBox = new VBox(4);
    private boolean editingTable;

    /** One feature of a tabular input, as the table edits it. */
    public static final class TableRow {
        final OpenModel.Feature feature;
        double raw;

        TableRow(OpenModel.Feature feature, double raw) {
            this.feature = feature;
            this.raw = raw;
        }
    }

    public InferenceView(AppState state, Tasks tasks) {
        this.state = state;
        this.vm = new InferenceViewModel(state, tasks);
        root.setId("inferenceView");

        Node[] input = inputPane();
        VBox left = new VBox(10, input[0], settingsPane(), runPane(), input[1], input[2], input[3], batchPane());
        left.setPadding(new Insets(10));
        left.setFillWidth(true);
        ScrollPane leftScroll = new ScrollPane(left);
        leftScroll.setId("inferenceInputs");
        leftScroll.setFitToWidth(true);
        leftScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        leftScroll.setMinWidth(0);

        SplitPane split = new SplitPane(leftScroll, centre());
        split.setDividerPositions(0.3);
        SplitPane.setResizableWithParent(leftScroll, false);
        root.setCenter(split);
        leftScroll.prefWidthProperty().bind(state.zoom().px(330));
    }

    // ----------------------------------------------------------------- input

    /** The input's parts: how to choose it; what each server receives; the table; the canvas. */
    private Node[] inputPane() {
        Label title = heading("Input");
        Spinner<Integer> sample = new Spinner<>();
        sample.setId("sampleIndex");
        SpinnerValueFactory.IntegerSpinnerValueFactory f = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
        f.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer v) {
                return v == null ? "" : v.toString();
            }

            @Override
            public Integer fromString(String s) {
                try {
                    return Math.max(f.getMin(), Math.min(f.getMax(), Integer.parseInt(s.trim())));
                } catch (NumberFormatException e) {
                    return f.getValue();
                }
            }
        });
        sample.setValueFactory(f);
        sample.setEditable(true);
        sample.getEditor().setTextFormatter(new TextFormatter<String>(ch ->
                ch.getControlNewText().matches("\\d{0,6}") ? ch : null));
        // Enter (or leaving the field) takes the number typed; anything else puts the current one back
        Runnable commit = () -> {
            sample.commitValue();
            sample.getEditor().setText(f.getConverter().toString(f.getValue()));
        };
        sample.getEditor().setOnAction(e -> commit.run());
        sample.getEditor().focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                commit.run();
            }
        });
        sample.setPrefWidth(90);
        f.valueProperty().addListener((o, a, k) -> {
            InferenceViewModel.InputChoice now = vm.inputProperty().get();
            if (k != null && (now == null || !k.equals(now.sample()))) {
                vm.chooseSample(k);
            }
        });
        vm.inputProperty().addListener((o, a, x) -> {
            if (x != null && x.sample() != null && !x.sample().equals(f.getValue())) {
                f.setValue(x.sample());
            }
        });
        Label of = new Label();
        Runnable resetSamples = () -> {
            int n = vm.sampleCount();
            f.setMax(Math.max(0, n - 1));
            InferenceViewModel.InputChoice now = vm.inputProperty().get();
            f.setValue(now != null && now.sample() != null ? now.sample() : 0);
            of.setText(n == 0 ? "none" : "of " + n);
        };
        state.modelProperty().addListener((o, a, m) -> resetSamples.run());
        resetSamples.run();
        HBox sampleRow = new HBox(6, new Label("Test sample"), sample, of);
        sampleRow.setAlignment(Pos.CENTER_LEFT);
        sampleRow.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.sampleCount() == 0,
                vm.inputProperty(), state.modelProperty()));

        TextField row = new TextField();
        row.setId("csvRow");
        row.setPromptText("paste values, comma-separated");
        Button useRow = new Button("Use row");
        useRow.setId("useRow");
        useRow.setOnAction(e -> vm.chooseRow(row.getText()));
        row.setOnAction(e -> vm.chooseRow(row.getText()));
        HBox.setHgrow(row, Priority.ALWAYS);
        Button csv = new Button("CSV file…");
        csv.setId("loadCsv");
        csv.setOnAction(e -> {
            File file = chooser("Choose a CSV file of inputs (one sample per line)", "CSV files", "*.csv", "*.txt")
                    .showOpenDialog(root.getScene().getWindow());
            if (file != null && vm.loadCsv(file.toPath())) {
                f.setMax(Math.max(0, vm.sampleCount() - 1));
                of.setText("of " + vm.sampleCount());
            }
        });
        Button image = new Button("Image file…");
        image.setId("loadImage");
        image.setOnAction(e -> loadImage());
        image.visibleProperty().bind(Bindings.createBooleanBinding(() -> form() != null && form().image(),
                state.modelProperty()));
        image.managedProperty().bind(image.visibleProperty());
        HBox files = new HBox(6, csv, image);

        TableView<TableRow> table = featureTable();

        drawBox.setId("drawBox");
        drawBox.visibleProperty().bind(Bindings.createBooleanBinding(() -> form() != null && form().drawable(),
                state.modelProperty()));
        drawBox.managedProperty().bind(drawBox.visibleProperty());
        state.modelProperty().addListener((o, a, m) -> buildCanvas());
        buildCanvas();

        ImageView inputImage = new ImageView();
        inputImage.setId("inputImage");
        ImageView share0 = new ImageView();
        share0.setId("share0Image");
        ImageView share1 = new ImageView();
        share1.setId("share1Image");
        for (ImageView v : new ImageView[] {inputImage, share0, share1}) {
            v.setPreserveRatio(true);
            v.setSmooth(false);
            v.fitWidthProperty().bind(state.zoom().px(PICTURE));
        }
        Label source = new Label();
        source.setId("inputSource");
        source.setWrapText(true);
        source.textProperty().bind(vm.inputProperty().map(InferenceViewModel.InputChoice::source).orElse(""));
        vm.inputProperty().addListener((o, a, x) -> {
            inputImage.setImage(x == null ? null : Images.picture(x.values(), form(), PICTURE));
            if (!editingTable) {
                fillTable(x);
            }
        });
        vm.sharesProperty().addListener((o, a, s) -> {
            share0.setImage(s == null ? null : Images.share(s[0].values(), form(), PICTURE));
            share1.setImage(s == null ? null : Images.share(s[1].values(), form(), PICTURE));
        });
        FlowPane views = new FlowPane(10, 8, titled("Your input (only you see it)", inputImage),
                titled("What server 0 receives", share0), titled("What server 1 receives", share1));
        Label inputError = errorLabel("inputError");
        inputError.textProperty().bind(vm.inputErrorProperty());

        VBox choose = new VBox(8, title, sampleRow, new HBox(6, row, useRow), files, source, inputError);
        TitledPane tablePane = new TitledPane("Edit the values", table);
        tablePane.setId("tablePane");
        tablePane.visibleProperty().bind(Bindings.createBooleanBinding(() -> form() != null && form().tabular(),
                state.modelProperty()));
        tablePane.managedProperty().bind(tablePane.visibleProperty());
        return new Node[] {choose, views, tablePane, drawBox};
    }

    private OpenModel.InputForm form() {
        OpenModel m = state.modelProperty().get();
        return m == null ? null : m.input();
    }

    private TableView<TableRow> featureTable() {
        TableView<TableRow> table = new TableView<>(tableRows);
        table.setId("featureTable");
        table.setEditable(true);
        TableColumn<TableRow, String> name = new TableColumn<>("feature");
        name.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyStringWrapper(c.getValue().feature.name()));
        TableColumn<TableRow, Double> value = new TableColumn<>("value");
        value.setId("featureValue");
        value.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyObjectWrapper<>(c.getValue().raw));
        value.setEditable(true);
        value.setCellFactory(TextFieldTableCell.forTableColumn(new StringConverter<>() {
            @Override
            public String toString(Double v) {
                return v == null ? "" : String.format(Locale.ROOT, "%.6g", v);
            }

            @Override
            public Double fromString(String s) {
                try {
                    return Double.parseDouble(s.trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }));
        value.setOnEditCommit(e -> {
            if (e.getNewValue() == null || !Double.isFinite(e.getNewValue())) {
                table.refresh();
                return;
            }
            e.getRowValue().raw = e.getNewValue();
            float[] v = new float[tableRows.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = tableRows.get(i).feature.toInput(tableRows.get(i).raw);
            }
            editingTable = true;
            try {
                vm.chooseValues(v, "the values in the table");
            } finally {
                editingTable = false;
            }
        });
        TableColumn<TableRow, String> model = new TableColumn<>("model input");
        model.setCellValueFactory(c -> new javafx.beans.property.ReadOnlyStringWrapper(String.format(Locale.ROOT,
                "%.4f", c.getValue().feature.toInput(c.getValue().raw))));
        table.getColumns().add(name);
        table.getColumns().add(value);
        table.getColumns().add(model);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.prefHeightProperty().bind(state.zoom().px(220));
        table.setPlaceholder(new Label("Choose a sample, then edit its values here."));
        return table;
    }

    private void fillTable(InferenceViewModel.InputChoice x) {
        OpenModel.InputForm f = form();
        if (f == null || !f.tabular() || x == null) {
            tableRows.clear();
            return;
        }
        var rows = new java.util.ArrayList<TableRow>();
        for (int i = 0; i < f.features().size(); i++) {
            OpenModel.Feature feat = f.features().get(i);
            rows.add(new TableRow(feat, feat.toRaw(x.values()[i])));
        }
        tableRows.setAll(rows);
    }

    private void buildCanvas() {
        drawBox.getChildren().clear();
        OpenModel.InputForm f = form();
        if (f == null || !f.drawable()) {
            canvas = null;
            return;
        }
        int block = Math.max(4, 196 / f.width());
        canvas = new Canvas(block * f.width(), block * f.height());
        canvas.setId("drawCanvas");
        clearCanvas();
        GraphicsContext g = canvas.getGraphicsContext2D();
        double r = block * 1.15;
        javafx.event.EventHandler<javafx.scene.input.MouseEvent> paint = e -> {
            g.setFill(Color.WHITE);
            g.fillOval(e.getX() - r, e.getY() - r, 2 * r, 2 * r);
        };
        canvas.setOnMousePressed(paint);
        canvas.setOnMouseDragged(paint);
        Button use = new Button("Use drawing");
        use.setId("useDrawing");
        use.setOnAction(e -> vm.chooseValues(drawing(), "a digit drawn on the canvas"));
        Button clear = new Button("Clear");
        clear.setId("clearDrawing");
        clear.setOnAction(e -> clearCanvas());
        drawBox.getChildren().addAll(new Label("Draw a digit"), canvas, new HBox(4, use, clear));
    }

    private void clearCanvas() {
        if (canvas != null) {
            GraphicsContext g = canvas.getGraphicsContext2D();
            g.setFill(Color.BLACK);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        }
    }

    /** The canvas as the model's input: the mean brightness of each block, at the model's pixel scale. */
    float[] drawing() {
        OpenModel.InputForm f = form();
        var img = canvas.snapshot(null, null);
        var r = img.getPixelReader();
        int w = f.width();
        int h = f.height();
        int block = (int) canvas.getWidth() / w;
        float[] v = new float[w * h];
        double k = 255 * f.pixelScale();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                for (int dy = 0; dy < block; dy++) {
                    for (int dx = 0; dx < block; dx++) {
                        sum += r.getColor(x * block + dx, y * block + dy).getBrightness();
                    }
                }
                v[y * w + x] = (float) (sum / (block * block) * k);
            }
        }
        return v;
    }

    private void loadImage() {
        File file = chooser("Choose an image", "Images", "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif")
                .showOpenDialog(root.getScene().getWindow());
        if (file == null) {
            return;
        }
        Image img = new Image(file.toURI().toString());
        if (img.isError() || img.getWidth() < 1) {
            vm.chooseValues(new float[0], "image " + file.getName()); // reports the size mismatch
            return;
        }
        vm.chooseValues(Images.fromImage(img, form()), "image " + file.getName());
    }

    private static FileChooser chooser(String title, String kind, String... patterns) {
        FileChooser c = new FileChooser();
        c.setTitle(title);
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind, patterns));
        File home = new File(System.getProperty("user.home"));
        if (home.isDirectory()) {
            c.setInitialDirectory(home);
        }
        return c;
    }

    // ----------------------------------------------------------------- settings and run

    private Node settingsPane() {
        ComboBox<SecureConfig.Suite> suite = new ComboBox<>(FXCollections.observableArrayList(
                SecureConfig.Suite.values()));
        suite.setId("suite");
        suite.setConverter(names(s -> s == SecureConfig.Suite.SONIC ? "Sonic (MSB, 8 rounds per ReLU)"
                : "FSS (dealer keys, 1 round per ReLU)"));
        suite.valueProperty().bindBidirectional(vm.suiteProperty());
        ComboBox<SecureConfig.LinearMode> linear = new ComboBox<>(FXCollections.observableArrayList(
                SecureConfig.LinearMode.values()));
        linear.setId("linearMode");
        linear.setConverter(names(m -> m.cliName()));
        linear.valueProperty().bindBidirectional(vm.linearProperty());
        ComboBox<SecureConfig.OutputMode> output = new ComboBox<>(FXCollections.observableArrayList(
                SecureConfig.OutputMode.values()));
        output.setId("outputMode");
        output.setConverter(names(m -> m.name().toLowerCase(Locale.ROOT)));
        output.valueProperty().bindBidirectional(vm.outputProperty());
        ComboBox<LinkProfile> network = new ComboBox<>(FXCollections.observableArrayList(LinkProfile.named()));
        network.setId("network");
        network.setConverter(names(InferenceView::networkName));
        network.valueProperty().bindBidirectional(vm.linkProperty());
        network.setTooltip(new javafx.scene.control.Tooltip("The network simulated between the two servers: every"
                + " message waits its one-way latency and its bytes ÷ bandwidth. Each layer card's bar shows"
                + " computing (blue), the rounds' latency (orange) and the transfer (green)."));
        ComboBox<SecureConfig.Preprocessing> randomness = new ComboBox<>(FXCollections.observableArrayList(
                SecureConfig.Preprocessing.values()));
        randomness.setId("preprocessing");
        randomness.setConverter(names(p -> p == SecureConfig.Preprocessing.DEALER ? "from the dealer"
                : "made by the servers (OT, no dealer)"));
        randomness.valueProperty().bindBidirectional(vm.preprocessingProperty());
        randomness.setTooltip(new javafx.scene.control.Tooltip("Where the correlated randomness (triples, masks)"
                + " comes from: a dealer that never sees data sends a few hundred KiB, or the two servers make it"
                + " between themselves with oblivious transfer before the query, hundreds of MB for a CNN. The"
                + " online phase is the same either way; the FSS suite needs the dealer."));
        CheckBox stepMode = new CheckBox("Step mode (both servers pause before each layer)");
        stepMode.setId("stepMode");
        stepMode.setWrapText(true);
        stepMode.selectedProperty().bindBidirectional(vm.steppingProperty());
        for (Node n : new Node[] {suite, linear, output, network, randomness, stepMode}) {
            n.disableProperty().bind(vm.runningProperty().or(vm.batchRunningProperty()));
        }
        // each label wraps together with its selector
        FlowPane modes = new FlowPane(10, 6, labelled("Protocols", suite), labelled("Linear layers", linear),
                labelled("Output", output), labelled("Network", network), labelled("Randomness", randomness));
        modes.setAlignment(Pos.CENTER_LEFT);
        return new VBox(6, heading("Settings"), modes, stepMode);
    }

    private static Node labelled(String text, Node control) {
        HBox box = new HBox(6, new Label(text), control);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    /** A network profile as the selector names it, e.g. "WAN (20 ms one way, 100 Mbit/s)". */
    static String networkName(LinkProfile p) {
        String s = p.summary();
        String rest = s.substring(s.indexOf(':') + 1).trim();
        return p.name().equals("loopback") ? "Loopback (" + rest + ")"
                : p.name().toUpperCase(Locale.ROOT) + " (" + rest + ")";
    }

    private static <T> StringConverter<T> names(java.util.function.Function<T, String> f) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private Node runPane() {
        Button run = new Button("Run secure inference");
        run.setId("runInference");
        run.disableProperty().bind(vm.blockedProperty().isNotEmpty());
        run.setOnAction(e -> vm.run());
        Button cancel = new Button("Cancel");
        cancel.setId("cancelInference");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        Label blocked = new Label();
        blocked.setId("runBlocked");
        blocked.setWrapText(true);
        blocked.getStyleClass().add("hint");
        blocked.textProperty().bind(vm.blockedProperty().map(b -> vm.runningProperty().get()
                || vm.batchRunningProperty().get() ? "" : b));
        blocked.managedProperty().bind(blocked.textProperty().isNotEmpty());
        blocked.visibleProperty().bind(blocked.managedProperty());
        Label status = new Label();
        status.setId("inferenceStatus");
        status.setWrapText(true);
        status.setMinHeight(Region.USE_PREF_SIZE);
        status.textProperty().bind(vm.statusProperty());
        return new VBox(6, new HBox(8, run, cancel), blocked, status);
    }

    private Node batchPane() {
        Button all = new Button();
        all.setId("runBatch");
        all.textProperty().bind(Bindings.createStringBinding(() -> "Run all " + vm.sampleCount() + " test samples",
                state.modelProperty(), vm.inputProperty()));
        all.disableProperty().bind(Bindings.createBooleanBinding(() -> !vm.blockedProperty().get().isEmpty()
                || vm.sampleCount() == 0, vm.blockedProperty(), vm.inputProperty()));
        all.setOnAction(e -> vm.runBatch());
        Button stop = new Button("Stop");
        stop.setId("cancelBatch");
        stop.disableProperty().bind(vm.batchRunningProperty().not());
        stop.setOnAction(e -> vm.cancelBatch());
        ProgressBar progress = new ProgressBar(0);
        progress.setId("batchProgress");
        progress.setMaxWidth(Double.MAX_VALUE);
        progress.progressProperty().bind(vm.batchProgressProperty().map(p -> p[1] == 0 ? 0 : p[0] / p[1]));
        Label text = new Label();
        text.setId("batchText");
        text.setWrapText(true);
        text.setMinHeight(Region.USE_PREF_SIZE);
        text.textProperty().bind(vm.batchTextProperty());
        ListView<InferenceViewModel.BatchRow> rows = new ListView<>(vm.batchRows());
        rows.setId("batchRows");
        rows.prefHeightProperty().bind(state.zoom().px(140));
        rows.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(InferenceViewModel.BatchRow r, boolean empty) {
                super.updateItem(r, empty);
                OpenModel m = state.modelProperty().get();
                if (empty || r == null || m == null) {
                    setText(null);
                    return;
                }
                setText("#" + r.sample() + "  secure " + m.className(r.secureLabel()) + ", plaintext "
                        + m.className(r.plainLabel()) + (r.trueLabel() == null ? "" : ", true "
                        + m.className(r.trueLabel())) + (r.secureLabel() == r.plainLabel() ? "  =" : "  ≠"));
            }
        });
        Label note = new Label("Each sample is one secure query; the Report tab lists single runs only.");
        note.setWrapText(true);
        note.getStyleClass().add("hint");
        VBox box = new VBox(6, new HBox(8, all, stop), progress, text, rows, note);
        TitledPane pane = new TitledPane("Whole test set", box);
        pane.setId("batchPane");
        pane.setExpanded(false);
        return pane;
    }

    // ----------------------------------------------------------------- centre: pipeline, result, explanation

    private Node centre() {
        pipe.setId("pipeline");
        pipe.setVbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        pipe.prefViewportHeightProperty().bind(pipelineBox.heightProperty());
        pipe.setMinHeight(Region.USE_PREF_SIZE);
        pipelineBox.setPadding(new Insets(6));
        vm.pipeline().addListener((ListChangeListener<InferenceViewModel.LayerCard>) c -> rebuildPipeline());
        vm.stepProperty().addListener((o, a, s) -> {
            paintCards();
            scrollTo(s.intValue());
        });
        rebuildPipeline();

        Button prev = new Button("◀ Previous layer");
        prev.setId("stepPrev");
        prev.setMinWidth(Region.USE_PREF_SIZE);
        prev.setOnAction(e -> vm.previous());
        Button next = new Button("Next layer ▶");
        next.setId("stepNext");
        next.setMinWidth(Region.USE_PREF_SIZE);
        next.setOnAction(e -> vm.next());
        Button toEnd = new Button("Run to the end");
        toEnd.setId("stepToEnd");
        toEnd.setMinWidth(Region.USE_PREF_SIZE);
        toEnd.disableProperty().bind(vm.runningProperty().not());
        toEnd.setOnAction(e -> vm.runToEnd());
        Label keys = new Label("Space or → next · ← previous · Esc cancel");
        keys.getStyleClass().add("hint");
        FlowPane steps = new FlowPane(8, 6, prev, next, toEnd, keys);
        steps.setAlignment(Pos.CENTER_LEFT);
        steps.setPadding(new Insets(0, 8, 0, 8));

        // explanation and message flow (left), result and chart (right)
        Label badge = new Label();
        badge.setId("badge");
        badge.setMinWidth(Region.USE_PREF_SIZE);
        Label correct = new Label();
        correct.setId("correctBadge");
        correct.setMinWidth(Region.USE_PREF_SIZE);
        Label result = new Label();
        result.setId("resultText");
        result.setWrapText(true);
        result.setMinHeight(Region.USE_PREF_SIZE);
        Label chartNote = new Label();
        chartNote.setId("chartNote");
        chartNote.setWrapText(true);
        chartNote.getStyleClass().add("hint");
        chartNote.setMinHeight(Region.USE_PREF_SIZE);
        chartHolder.setId("chartHolder");
        VBox.setVgrow(chartHolder, Priority.ALWAYS);
        chartHolder.setMinHeight(160);
        Consumer<InferenceViewModel.RunOutcome> show = o -> {
            badge.setText(o == null || o.result() == null ? "" : o.agree() ? "✓ secure = plaintext"
                    : "✗ secure ≠ plaintext");
            badge.getStyleClass().setAll("label", "badge", o == null || o.result() == null ? "badge-none"
                    : o.agree() ? "badge-good" : "badge-bad");
            Boolean c = o == null ? null : o.correct();
            correct.setText(c == null ? "" : c ? "correct" : "wrong");
            correct.getStyleClass().setAll("label", "badge", c == null ? "badge-none" : c ? "badge-good" : "badge-bad");
            result.setText(o == null ? "" : o.text());
            result.getStyleClass().setAll("label", o != null && o.result() == null ? "error" : "result");
            chartNote.setText(o == null ? "" : o.chartNote());
            chartHolder.getChildren().setAll(chart(o));
        };
        vm.outcomeProperty().addListener((obs, a, o) -> show.accept(o));
        show.accept(vm.outcomeProperty().get());
        VBox resultBox = new VBox(6, new HBox(8, badge, correct), result, chartHolder, chartNote);
        resultBox.setPadding(new Insets(8));

        TextArea stepText = new TextArea();
        stepText.setId("stepText");
        stepText.setEditable(false);
        stepText.setWrapText(true);
        stepText.textProperty().bind(vm.stepTextProperty());
        stepText.setMinHeight(80);
        flowHolder.setId("flowHolder");
        io.sonic.desktop.flow.MessageFlowView flowView = new io.sonic.desktop.flow.MessageFlowView();
        Label flowNote = new Label();
        flowNote.setId("flowNote");
        flowNote.setWrapText(true);
        flowNote.getStyleClass().add("hint");
        flowNote.setMinHeight(Region.USE_PREF_SIZE);
        flowNote.textProperty().bind(vm.flowNoteProperty());
        flowNote.managedProperty().bind(flowNote.textProperty().isNotEmpty());
        flowNote.visibleProperty().bind(flowNote.managedProperty());
        Node flowNode = flowView.view();
        VBox.setVgrow(flowNode, Priority.ALWAYS);
        flowHolder.getChildren().setAll(flowNote, flowNode);
        flowHolder.setPadding(new Insets(4));
        flowHolder.setMinWidth(0);
        vm.flowProperty().addListener((o, a, f) -> flowView.show(f));
        flowView.show(vm.flowProperty().get());
        SplitPane explain = new SplitPane(stepText, flowHolder);
        explain.setOrientation(Orientation.VERTICAL);
        explain.setDividerPositions(0.3);

        SplitPane lower = new SplitPane(explain, resultBox);
        lower.setDividerPositions(0.56);
        // while a run goes on there is no result yet: the message flow gets the room
        vm.runningProperty().addListener((o, was, now) -> lower.setDividerPositions(now ? 0.75 : 0.56));
        VBox.setVgrow(lower, Priority.ALWAYS);

        Label title = new Label("The network as a pipeline: layers light up as the servers run them");
        title.setPadding(new Insets(6, 8, 0, 8));
        VBox centre = new VBox(4, title, pipe, steps, lower);
        centre.setMinWidth(0);
        return centre;
    }

    /** A fresh chart for an outcome: nothing of an earlier run can stay on it. */
    private Node chart(InferenceViewModel.RunOutcome o) {
        if (o == null || o.plain() == null || o.result() == null) {
            Label empty = new Label(o == null ? "Run a query to see the class probabilities." : "");
            empty.getStyleClass().add("hint");
            empty.setWrapText(true);
            return empty;
        }
        double[] secure = o.secureProbabilities();
        double[] plain = o.plainProbabilities();
        CategoryAxis x = new CategoryAxis();
        x.setAnimated(false);
        NumberAxis y = new NumberAxis(0, 1, 0.25);
        y.setAnimated(false);
        BarChart<String, Number> chart = new BarChart<>(x, y);
        chart.setId("probabilities");
        chart.setTitle(secure == null ? "Plaintext class probabilities" : "Class probabilities");
        chart.setAnimated(false);
        chart.setBarGap(1);
        chart.setCategoryGap(8);
        int[] shown = shownClasses(secure != null ? secure : plain, plain);
        ObservableList<String> categories = FXCollections.observableArrayList();
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        s.setName("secure");
        XYChart.Series<String, Number> p = new XYChart.Series<>();
        p.setName("plaintext");
        for (int k : shown) {
            String cat = o.model().shortClassName(k);
            categories.add(cat);
            if (secure != null) {
                s.getData().add(new XYChart.Data<>(cat, secure[k]));
            }
            p.getData().add(new XYChart.Data<>(cat, plain[k]));
        }
        x.setCategories(categories);
        if (secure != null) {
            chart.getData().add(s);
        }
        chart.getData().add(p);
        return chart;
    }

    /** All classes up to 20; beyond, the 10 most probable (secure or plaintext). */
    static int[] shownClasses(double[] a, double[] b) {
        int n = b.length;
        if (n <= 20) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        return java.util.stream.IntStream.range(0, n).boxed()
                .sorted((i, j) -> Double.compare(Math.max(a[j], b[j]), Math.max(a[i], b[i]))).limit(10)
                .sorted().mapToInt(Integer::intValue).toArray();
    }

    private void rebuildPipeline() {
        pipelineBox.getChildren().clear();
        for (InferenceViewModel.LayerCard c : vm.pipeline()) {
            Label title = new Label(c.index + "  " + c.op);
            title.getStyleClass().add("card-title");
            Label name = new Label(c.name);
            name.getStyleClass().add("hint");
            Label proto = new Label();
            proto.textProperty().bind(c.protocol);
            proto.setWrapText(true);
            Label counters = new Label();
            counters.getStyleClass().add("card-counters");
            counters.textProperty().bind(c.counters);
            VBox card = new VBox(2, title, name, proto, counters, timeBar(c));
            card.setId("layer" + c.index);
            card.getStyleClass().add("layer-card");
            card.prefWidthProperty().bind(state.zoom().px(150));
            card.minWidthProperty().bind(card.prefWidthProperty());
            card.setAlignment(Pos.TOP_LEFT);
            card.setPadding(new Insets(6));
            card.setOnMouseClicked(e -> vm.select(c.index));
            card.setUserData(c);
            c.state.addListener((o, a, s) -> {
                paint(card, c);
                if (s == InferenceViewModel.CardState.RUNNING || s == InferenceViewModel.CardState.PAUSED) {
                    scrollTo(c.index);
                }
            });
            paint(card, c);
            pipelineBox.getChildren().add(card);
        }
    }

    /**
     * A layer's time as a stacked bar: computing, the rounds' latency and the bytes' transfer on the run's
     * link, each in proportion (hidden until the layer has run).
     */
    private Node timeBar(InferenceViewModel.LayerCard c) {
        Region compute = new Region();
        compute.getStyleClass().add("bar-compute");
        Region latency = new Region();
        latency.getStyleClass().add("bar-latency");
        Region transfer = new Region();
        transfer.getStyleClass().add("bar-transfer");
        HBox bar = new HBox(compute, latency, transfer);
        bar.setId("timeBar" + c.index);
        bar.getStyleClass().add("time-bar");
        bar.maxWidthProperty().bind(state.zoom().px(138));
        Runnable update = () -> {
            LinkProfile.Split s = c.split.get();
            bar.setVisible(s != null);
            bar.setManaged(s != null);
            if (s == null) {
                return;
            }
            double total = Math.max(1, s.total());
            Region[] parts = {compute, latency, transfer};
            long[] nanos = {s.computeNanos(), s.latencyNanos(), s.transferNanos()};
            for (int i = 0; i < 3; i++) {
                parts[i].prefWidthProperty().bind(state.zoom().px(138).multiply(nanos[i] / total));
                parts[i].minWidthProperty().bind(parts[i].prefWidthProperty());
            }
            javafx.scene.control.Tooltip.install(bar, new javafx.scene.control.Tooltip(
                    InferenceViewModel.splitText(s)));
        };
        c.split.addListener((o, a, b) -> update.run());
        update.run();
        return bar;
    }

    private void paintCards() {
        for (Node n : pipelineBox.getChildren()) {
            paint(n, (InferenceViewModel.LayerCard) n.getUserData());
        }
    }

    private void paint(Node card, InferenceViewModel.LayerCard c) {
        card.getStyleClass().setAll("layer-card", "card-" + c.state.get().name().toLowerCase(Locale.ROOT));
        if (vm.stepProperty().get() == c.index) {
            card.getStyleClass().add("card-selected");
        }
    }

    /** Keeps a layer's card in view. */
    private void scrollTo(int index) {
        if (index < 0 || index >= pipelineBox.getChildren().size()) {
            return;
        }
        pipe.layout();
        Node card = pipelineBox.getChildren().get(index);
        Bounds b = card.getBoundsInParent();
        double content = pipelineBox.getWidth();
        double view = pipe.getViewportBounds().getWidth();
        if (content <= view || view <= 0) {
            return;
        }
        double left = pipe.getHvalue() * (content - view);
        if (b.getMinX() < left || b.getMaxX() > left + view) {
            double target = b.getMinX() - (view - b.getWidth()) / 2;
            pipe.setHvalue(Math.max(0, Math.min(1, target / (content - view))));
        }
    }

    // ----------------------------------------------------------------- building blocks

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("heading");
        return l;
    }

    private static Label errorLabel(String id) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("error");
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.managedProperty().bind(l.textProperty().isNotEmpty());
        l.visibleProperty().bind(l.managedProperty());
        return l;
    }

    private VBox titled(String title, Node n) {
        Label l = new Label(title);
        l.setWrapText(true);
        l.maxWidthProperty().bind(state.zoom().px(PICTURE + 10));
        return new VBox(4, l, n);
    }

    public Node view() {
        return root;
    }

    public InferenceViewModel viewModel() {
        return vm;
    }

    /** Stops a running query when the window closes. */
    public void shutdown() {
        vm.shutdown();
    }
}
