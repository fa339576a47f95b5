package io.sonic.desktop.report;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.AppState.Run;
import io.sonic.desktop.app.Bytes;
import io.sonic.desktop.app.Columns;
import io.sonic.desktop.app.Zoom;
import io.sonic.desktop.app.Tasks;
import io.sonic.desktop.report.ReportViewModel.LayerRow;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The report screen: the secure runs (newest first), the selected run's layers, totals and charts
 * (bytes and milliseconds per layer, faithful vs mask-reuse), and exports to CSV, JSON and PNG. A
 * thin view over {@link ReportViewModel}; files are written in the background.
 */
public final class ReportView {
    private final ReportViewModel vm;
    private final StackPane root;
    private final VBox charts;
    private final Tasks tasks;
    private File lastFolder;

    public ReportView(AppState state, Tasks tasks) {
        this(new ReportViewModel(state), tasks, state.zoom());
    }

    ReportView(ReportViewModel vm, Tasks tasks, Zoom zoom) {
        this.vm = vm;
        this.tasks = tasks;

        ListView<Run> runs = new ListView<>(vm.runs());
        runs.setId("runs");
        runs.setPrefWidth(260);
        runs.setPlaceholder(new Label("No secure runs yet."));
        runs.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(Run run, boolean empty) {
                super.updateItem(run, empty);
                setText(empty || run == null ? null : ReportViewModel.describe(run));
            }
        });
        runs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null && now != vm.getSelectedRun()) {
                vm.selectedRunProperty().set(now);
            }
        });
        vm.selectedRunProperty().addListener((o, was, now) -> select(runs, now));
        vm.runs().addListener((ListChangeListener<Run>) c -> select(runs, vm.getSelectedRun()));
        select(runs, vm.getSelectedRun());

        Label headline = new Label();
        headline.setId("reportHeadline");
        headline.getStyleClass().add("title");
        headline.textProperty().bind(vm.headlineProperty());
        headline.setWrapText(true);
        Label online = text("totalOnline", vm.onlineTextProperty());
        Label offline = text("totalOffline", vm.offlineTextProperty());
        Label time = text("totalTime", vm.timeTextProperty());
        Label label = text("labelCheck", vm.labelTextProperty());
        Label error = text("reportError", vm.errorProperty());
        error.setTextFill(Color.web("#b00020"));
        Label status = text("reportStatus", vm.statusProperty());

        Button csv = new Button("Export CSV…");
        csv.setId("exportCsv");
        csv.setOnAction(e -> choose("Export the run as CSV", "CSV files", "csv").ifPresent(this::exportCsv));
        Button json = new Button("Export JSON…");
        json.setId("exportJson");
        json.setOnAction(e -> choose("Export the run as JSON", "JSON files", "json").ifPresent(this::exportJson));
        Button png = new Button("Export PNG…");
        png.setId("exportPng");
        png.setOnAction(e -> choose("Export the charts as PNG", "PNG images", "png").ifPresent(this::exportPng));
        for (Button b : List.of(csv, json, png)) {
            b.disableProperty().bind(vm.selectedRunProperty().isNull());
        }
        HBox buttons = new HBox(8, csv, json, png);
        buttons.setAlignment(Pos.CENTER_LEFT);

        VBox top = new VBox(4, headline, online, offline, time, label, buttons, status, error);
        top.setPadding(new Insets(0, 0, 8, 0));

        TableView<LayerRow> table = new TableView<>();
        table.setId("layerTable");
        SortedList<LayerRow> sorted = new SortedList<>(vm.layers());
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.getColumns().add(column("#", LayerRow::index, 40, String::valueOf));
        table.getColumns().add(column("layer", LayerRow::name, 130, s -> s));
        table.getColumns().add(column("op", LayerRow::op, 150, s -> s));
        table.getColumns().add(column("protocol", LayerRow::protocol, 210, s -> s));
        table.getColumns().add(numeric(column("online bytes", LayerRow::onlineBytes, 100, ReportView::count)));
        table.getColumns().add(numeric(column("wire bytes", LayerRow::wireBytes, 90,
                b -> b < 0 ? "–" : count(b))));
        table.getColumns().add(numeric(column("rounds", LayerRow::rounds, 60, String::valueOf)));
        table.getColumns().add(numeric(column("messages", LayerRow::messages, 75, String::valueOf)));
        table.getColumns().add(numeric(column("offline bytes", LayerRow::offlineBytes, 100, ReportView::count)));
        table.getColumns().add(numeric(column("ms", LayerRow::millis, 70, ms -> String.format(java.util.Locale.ROOT,
                "%.2f", ms))));
        Columns.follow(table, zoom);
        table.setPlaceholder(new Label("Select a run."));

        Node bytesChart = chart("bytesChart", "Bytes per layer: online (both directions) vs offline", "bytes", true, true, vm.bytesSeries());
        Node timeChart = chart("timeChart", "Online milliseconds per layer (server 0)", "ms",
                false, false, vm.timeSeries());
        Node compareChart = chart("comparisonChart", vm.comparisonTitleProperty()::get,
                () -> vm.comparisonInBytesProperty().get(), vm.comparisonSeries());
        Label compareText = text("comparisonText", vm.comparisonTextProperty());
        charts = new VBox(8, bytesChart, timeChart, compareChart, compareText);
        charts.setId("charts");
        charts.setPadding(new Insets(8));
        charts.setStyle("-fx-background-color: white;");
        ScrollPane chartScroll = new ScrollPane(charts);
        chartScroll.setFitToWidth(true);

        SplitPane center = new SplitPane(table, chartScroll);
        center.setOrientation(Orientation.VERTICAL);
        center.setDividerPositions(0.35);
        BorderPane right = new BorderPane(center);
        right.setTop(top);
        SplitPane content = new SplitPane(runs, right);
        content.setDividerPositions(0.24);
        SplitPane.setResizableWithParent(runs, false);

        Label emptyLabel = new Label(ReportViewModel.EMPTY_TEXT);
        emptyLabel.setId("reportEmpty");
        emptyLabel.getStyleClass().add("title");
        emptyLabel.visibleProperty().bind(vm.emptyProperty());
        content.visibleProperty().bind(vm.emptyProperty().not());
        root = new StackPane(content, emptyLabel);
        root.setPadding(new Insets(12));
    }

    /** The screen, for the app's tab. */
    public Node view() {
        return root;
    }

    ReportViewModel viewModel() {
        return vm;
    }

    // ---- exports ----

    void exportCsv(Path target) {
        export(target, vm.csvExport(target));
    }

    void exportJson(Path target) {
        export(target, vm.jsonExport(target));
    }

    /** Snapshots the charts now (FX thread) and writes the PNG in the background. */
    void exportPng(Path target) {
        if (vm.getSelectedRun() == null) {
            return;
        }
        BufferedImage image;
        try {
            WritableImage shot = charts.snapshot(new SnapshotParameters(), null);
            image = SwingFXUtils.fromFXImage(shot, null);
        } catch (RuntimeException e) {
            vm.exportFailed(target, e);
            return;
        }
        export(target, () -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer available");
            }
            AtomicWrite.write(target, bytes.toByteArray());
            return target;
        });
    }

    private void export(Path target, Callable<Path> work) {
        if (work != null) {
            tasks.call("export", work, vm::exported, t -> vm.exportFailed(target, t));
        }
    }

    private Optional<Path> choose(String title, String kind, String extension) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind, "*." + extension));
        chooser.setInitialFileName(vm.suggestedFileName(extension));
        File start = lastFolder != null && lastFolder.isDirectory() ? lastFolder
                : new File(System.getProperty("user.home"));
        if (start.isDirectory()) {
            chooser.setInitialDirectory(start);
        }
        File f = chooser.showSaveDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (f == null) {
            return Optional.empty();
        }
        lastFolder = f.getParentFile();
        Path p = f.toPath();
        if (!p.getFileName().toString().contains(".")) {
            p = p.resolveSibling(p.getFileName() + "." + extension);
        }
        return Optional.of(p);
    }

    // ---- building blocks ----

    private static void select(ListView<Run> list, Run run) {
        if (run == null) {
            list.getSelectionModel().clearSelection();
        } else if (list.getSelectionModel().getSelectedItem() != run && list.getItems().contains(run)) {
            list.getSelectionModel().select(run);
            list.scrollTo(run);
        }
    }

    private static Label text(String id, javafx.beans.value.ObservableValue<String> value) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.textProperty().bind(value);
        l.managedProperty().bind(l.textProperty().isNotEmpty());
        l.visibleProperty().bind(l.managedProperty());
        return l;
    }

    private static <T> TableColumn<LayerRow, T> column(String title, Function<LayerRow, T> value, double width,
                                                       Function<T, String> format) {
        TableColumn<LayerRow, T> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setCellFactory(col -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : format.apply(item));
            }
        });
        c.setPrefWidth(width);
        return c;
    }

    private static <T> TableColumn<LayerRow, T> numeric(TableColumn<LayerRow, T> c) {
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    private static String count(long n) {
        return Bytes.count(n);
    }

    /**
     * A holder whose chart is built anew from the series each time they change, so that no category,
     * bar or title of an earlier run can stay on it.
     */
    /** A chart whose title and unit (bytes, else ms) are read as its data changes. */
    private static Node chart(String id, java.util.function.Supplier<String> title,
                              java.util.function.BooleanSupplier bytes, ObservableList<ReportViewModel.Series> data) {
        StackPane holder = new StackPane();
        holder.setId(id + "Holder");
        holder.setMinHeight(220);
        holder.setPrefHeight(280);
        Runnable fill = () -> holder.getChildren().setAll(build(id, title.get(), bytes.getAsBoolean() ? "bytes" : "ms",
                bytes.getAsBoolean(), true, List.copyOf(data)));
        data.addListener((ListChangeListener<ReportViewModel.Series>) c -> fill.run());
        fill.run();
        return holder;
    }

    private static Node chart(String id, String title, String unit, boolean bytes, boolean legend,
                              ObservableList<ReportViewModel.Series> data) {
        StackPane holder = new StackPane();
        holder.setId(id + "Holder");
        holder.setMinHeight(220);
        holder.setPrefHeight(280);
        Runnable fill = () -> holder.getChildren().setAll(build(id, title, unit, bytes, legend, List.copyOf(data)));
        data.addListener((ListChangeListener<ReportViewModel.Series>) c -> fill.run());
        fill.run();
        return holder;
    }

    private static BarChart<String, Number> build(String id, String title, String unit, boolean bytes, boolean legend,
                                                  List<ReportViewModel.Series> data) {
        CategoryAxis x = new CategoryAxis();
        x.setLabel("layer");
        x.setAnimated(false);
        NumberAxis y = new NumberAxis();
        y.setLabel(unit);
        y.setAnimated(false);
        if (bytes) {
            y.setTickLabelFormatter(new StringConverter<>() {
                @Override
                public String toString(Number n) {
                    return Bytes.human(n.longValue());
                }

                @Override
                public Number fromString(String s) {
                    throw new UnsupportedOperationException();
                }
            });
        }
        BarChart<String, Number> chart = new BarChart<>(x, y);
        chart.setId(id);
        chart.setTitle(title);
        chart.setAnimated(false);
        chart.setLegendVisible(legend);
        {
            Set<String> categories = new LinkedHashSet<>();
            List<XYChart.Series<String, Number>> series = new ArrayList<>();
            for (ReportViewModel.Series s : data) {
                XYChart.Series<String, Number> fx = new XYChart.Series<>();
                fx.setName(s.name());
                for (ReportViewModel.Bar b : s.bars()) {
                    categories.add(b.category());
                    XYChart.Data<String, Number> d = new XYChart.Data<>(b.category(), b.value());
                    String tip = s.name() + ", " + b.category() + ": " + (bytes
                            ? count((long) b.value()) + " B" : String.format(java.util.Locale.ROOT, "%.2f %s", b.value(),
                            unit));
                    d.nodeProperty().addListener((o, was, node) -> {
                        if (node != null) {
                            Tooltip.install(node, new Tooltip(tip));
                        }
                    });
                    fx.getData().add(d);
                }
                series.add(fx);
            }
            x.setCategories(FXCollections.observableArrayList(categories));
            chart.getData().addAll(series);
        }
        return chart;
    }
}
