package io.sonic.desktop;

import io.sonic.model.ModelGraph;
import javafx.application.Application;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Function;

/** The desktop window: open an ONNX model and see its layers. */
public final class SonicApp extends Application {
    private final ModelViewModel model = new ModelViewModel();

    static void launchApp(String[] args) {
        Application.launch(SonicApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        Label title = new Label("Sonic — secure neural-network inference on two cloud servers");
        title.setStyle("-fx-font-size: 18px; -fx-font-weight: bold;");
        Label intro = new Label("Open a trained ONNX model to see its layers and which of them Sonic evaluates"
                + " securely.");
        intro.setWrapText(true);
        Button open = new Button("Open ONNX model…");
        open.setId("openModel");
        Label summary = new Label();
        summary.setId("summary");
        summary.textProperty().bind(model.summaryProperty());
        summary.setWrapText(true);
        Label error = new Label();
        error.setId("error");
        error.setStyle("-fx-text-fill: #b00020;");
        error.setWrapText(true);
        error.textProperty().bind(model.errorProperty());

        TableView<ModelViewModel.LayerRow> table = new TableView<>(model.layers());
        table.setId("layers");
        table.getColumns().add(column("#", ModelViewModel.LayerRow::index, 40));
        table.getColumns().add(column("name", ModelViewModel.LayerRow::name, 170));
        table.getColumns().add(column("op", ModelViewModel.LayerRow::op, 190));
        table.getColumns().add(column("input", ModelViewModel.LayerRow::input, 130));
        table.getColumns().add(column("output", ModelViewModel.LayerRow::output, 130));
        table.getColumns().add(column("params", ModelViewModel.LayerRow::parameters, 90));
        table.getColumns().add(column("MACs", ModelViewModel.LayerRow::macs, 100));
        table.getColumns().add(column("secure", ModelViewModel.LayerRow::secure, 110));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

        open.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Open ONNX model");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX models", "*.onnx"));
            File samples = new File("sample-models");
            if (samples.isDirectory()) {
                chooser.setInitialDirectory(samples);
            }
            File f = chooser.showOpenDialog(stage);
            if (f != null) {
                load(f.toPath(), open);
            }
        });

        VBox top = new VBox(8, title, intro, new HBox(8, open), summary, error);
        top.setPadding(new Insets(12));
        BorderPane root = new BorderPane(table);
        root.setTop(top);
        BorderPane.setMargin(table, new Insets(0, 12, 12, 12));
        stage.setTitle("Sonic");
        stage.setScene(new Scene(root, 1100, 640));
        stage.show();
        Path initial = getParameters().getNamed().containsKey("model")
                ? Path.of(getParameters().getNamed().get("model")) : null;
        if (initial != null) {
            load(initial, open);
        }
    }

    private void load(Path file, Button open) {
        Task<ModelGraph> task = new Task<>() {
            @Override
            protected ModelGraph call() {
                return ModelViewModel.importModel(file);
            }
        };
        open.disableProperty().bind(task.runningProperty());
        task.setOnSucceeded(ev -> model.show(task.getValue()));
        task.setOnFailed(ev -> model.showError(task.getException()));
        Thread t = new Thread(task, "model-import");
        t.setDaemon(true);
        t.start();
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
