package io.sonic.desktop;

import io.sonic.desktop.app.MainWindow;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.nio.file.Path;

/** The desktop demonstrator's window. */
public final class SonicApp extends Application {
    private MainWindow window;

    static void launchApp(String[] args) {
        Application.launch(SonicApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        window = new MainWindow();
        stage.setTitle("Sonic — secure neural-network inference on two cloud servers");
        stage.setScene(new Scene(window.root(), 1280, 860));
        stage.show();
        String model = getParameters().getNamed().get("model");
        if (model != null) {
            window.model().load(Path.of(model));
        }
    }

    @Override
    public void stop() {
        if (window != null) {
            window.shutdown();
        }
    }
}
