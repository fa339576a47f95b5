package io.sonic.desktop;

import io.sonic.desktop.app.MainWindow;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Screen;
import javafx.stage.Stage;

import java.io.InputStream;
import java.nio.file.Path;

/** The desktop demonstrator's window: it fills the screen it opens on (1024×768 up to any size). */
public final class SonicApp extends Application {
    private MainWindow window;

    static void launchApp(String[] args) {
        Application.launch(SonicApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        window = new MainWindow();
        stage.setTitle("Sonic — secure neural-network inference on two cloud servers");
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        stage.setScene(new Scene(window.root(), screen.getWidth(), screen.getHeight()));
        stage.setX(screen.getMinX());
        stage.setY(screen.getMinY());
        stage.setMinWidth(Math.min(1000, screen.getWidth()));
        stage.setMinHeight(Math.min(700, screen.getHeight()));
        stage.setMaximized(true);
        window.state().zoom().start(io.sonic.desktop.app.Zoom.forScreen(screen.getWidth(), screen.getHeight()));
        try (InputStream icon = SonicApp.class.getResourceAsStream("/io/sonic/desktop/sonic.png")) {
            if (icon != null) {
                stage.getIcons().add(new Image(icon));
            }
        } catch (java.io.IOException e) {
            // no icon: the window still works
        }
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
