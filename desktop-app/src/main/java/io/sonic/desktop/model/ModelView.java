package io.sonic.desktop.model;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Columns;
import io.sonic.desktop.app.Tasks;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Function;

/** The Model screen: pick a sample or open an ONNX file; see its layers, protocols and bundled accuracy. */
public final class ModelView {
    private final ModelViewModel vm;
    private final BorderPane root = new BorderPane();
    private final ProgressIndicator busy = new ProgressIndicator();

    private final Tasks tasks;
    private final ComboBox<Path> samples;

    public ModelView(AppState state, Tasks tasks) {
        this.vm = new ModelViewModel(state);
        this.tasks = tasks;
        samples = new ComboBox<>();
        samples.setId("sampleModels");
        samples.getItems().setAll(SampleCatalog.samples());
        samples.setPromptText("Sample models");
        samples.setConverter(new StringConverter<>() {
            @Override
            public String toString(Path p) {
                return p == null ? "" : p.getFileName().toString();
            }

            @Override
            public Path fromString(String s) {
                return null;
            }
        });
        // the list shows the open model when it is a sample, and nothing otherwise, so that picking a
        // sample always opens it
        vm.openedFileProperty().addListener((o, was, file) -> samples.setValue(sampleOf(samples, file)));
        samples.setOnAction(e -> {
            Path chosen = samples.getValue();
            if (chosen != null && !SampleCatalog.onnxOf(chosen).equals(vm.openedFileProperty().get())) {
                load(SampleCatalog.onnxOf(chosen));
            }
        });
        Button open = new Button("Open ONNX file…");
        open.setId("openModel");
        open.setOnAction(e -> openFile());
        busy.setVisible(false);
        busy.setPrefSize(22, 22);
        Label summary = new Label();
        summary.setId("summary");
        summary.textProperty().bind(vm.summaryProperty());
        summary.setWrapText(true);
        Label accuracy = new Label();
        accuracy.setId("accuracy");
        accuracy.setWrapText(true);
        accuracy.textProperty().bind(vm.accuracyProperty());
        Label classes = new Label();
        classes.setId("classes");
        classes.setWrapText(true);
        classes.textProperty().bind(vm.classesProperty());
        Label range = new Label();
        range.setId("inputRange");
        range.setWrapText(true);
        range.textProperty().bind(vm.rangeProperty());
        Label error = new Label();
        error.setId("modelError");
        error.getStyleClass().add("error");
        error.setWrapText(true);
        error.textProperty().bind(vm.errorProperty());
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        error.visibleProperty().bind(error.managedProperty());

        TableView<ModelViewModel.LayerRow> table = new TableView<>(vm.layers());
        table.setId("layers");
        table.getColumns().add(column("#", ModelViewModel.LayerRow::index, 40));
        table.getColumns().add(column("name", ModelViewModel.LayerRow::name, 150));
        table.getColumns().add(column("op", ModelViewModel.LayerRow::op, 180));
        table.getColumns().add(column("input", ModelViewModel.LayerRow::input, 120));
        table.getColumns().add(column("output", ModelViewModel.LayerRow::output, 120));
        table.getColumns().add(column("params", ModelViewModel.LayerRow::parameters, 80));
        table.getColumns().add(column("MACs", ModelViewModel.LayerRow::macs, 90));
        table.getColumns().add(column("secure protocol", ModelViewModel.LayerRow::secure, 240));
        Columns.follow(table, state.zoom());
        table.setPlaceholder(new Label("Pick a sample model or open an ONNX file."));

        VBox top = new VBox(8, new HBox(8, samples, open, busy), error, summary, accuracy, classes, range);
        top.setPadding(new Insets(12));
        root.setTop(top);
        root.setCenter(table);
        BorderPane.setMargin(table, new Insets(0, 12, 12, 12));
    }

    public Node view() {
        return root;
    }

    public ModelViewModel viewModel() {
        return vm;
    }

    /** Asks for an ONNX file and opens it (Ctrl+O). */
    public void openFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open ONNX model");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX models", "*.onnx"));
        Path current = vm.openedFileProperty().get();
        File start = current != null && current.getParent() != null ? current.getParent().toFile()
                : new File(System.getProperty("user.home"));
        if (start.isDirectory()) {
            chooser.setInitialDirectory(start);
        }
        File f = chooser.showOpenDialog(root.getScene().getWindow());
        if (f != null) {
            load(f.toPath());
        }
    }

    /** Imports in the background; the result or the error appears on this screen. */
    public void load(Path file) {
        busy.setVisible(true);
        tasks.call("model-import", () -> ModelViewModel.load(file), loaded -> {
            busy.setVisible(false);
            vm.show(loaded);
        }, failure -> {
            busy.setVisible(false);
            vm.showError(file, failure);
            samples.setValue(sampleOf(samples, vm.openedFileProperty().get()));
        });
    }

    private static Path sampleOf(ComboBox<Path> samples, Path file) {
        if (file == null) {
            return null;
        }
        for (Path dir : samples.getItems()) {
            if (SampleCatalog.onnxOf(dir).toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
                return dir;
            }
        }
        return null;
    }

    private static <T> TableColumn<ModelViewModel.LayerRow, T> column(String title,
                                                                      Function<ModelViewModel.LayerRow, T> value,
                                                                      double width) {
        TableColumn<ModelViewModel.LayerRow, T> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }
}
