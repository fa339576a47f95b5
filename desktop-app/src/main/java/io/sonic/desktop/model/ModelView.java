package io.sonic.desktop.model;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Background;
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

    public ModelView(AppState state) {
        this.vm = new ModelViewModel(state);
        ComboBox<Path> samples = new ComboBox<>();
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
        samples.setOnAction(e -> {
            if (samples.getValue() != null) {
                load(SampleCatalog.onnxOf(samples.getValue()));
            }
        });
        Button open = new Button("Open ONNX file…");
        open.setId("openModel");
        open.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Open ONNX model");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX models", "*.onnx"));
            File f = chooser.showOpenDialog(root.getScene().getWindow());
            if (f != null) {
                load(f.toPath());
            }
        });
        busy.setVisible(false);
        busy.setPrefSize(22, 22);
        Label summary = new Label();
        summary.setId("summary");
        summary.textProperty().bind(vm.summaryProperty());
        summary.setWrapText(true);
        Label accuracy = new Label();
        accuracy.setId("accuracy");
        accuracy.textProperty().bind(vm.accuracyProperty());
        Label range = new Label();
        range.setId("inputRange");
        range.setWrapText(true);
        range.textProperty().bind(vm.rangeProperty());
        Label error = new Label();
        error.setId("modelError");
        error.getStyleClass().add("error");
        error.setWrapText(true);
        error.textProperty().bind(vm.errorProperty());

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
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("Pick a sample model or open an ONNX file."));

        VBox top = new VBox(8, new HBox(8, samples, open, busy), summary, accuracy, range, error);
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

    /** Imports in the background; the result or the error appears on this screen. */
    public void load(Path file) {
        busy.setVisible(true);
        Background.run("model-import", () -> ModelViewModel.load(file), loaded -> {
            busy.setVisible(false);
            vm.show(loaded);
        }, failure -> {
            busy.setVisible(false);
            vm.showError(failure);
        });
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
