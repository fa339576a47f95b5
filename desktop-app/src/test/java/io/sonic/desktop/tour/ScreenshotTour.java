package io.sonic.desktop.tour;

import io.sonic.desktop.app.MainWindow;
import io.sonic.desktop.model.SampleCatalog;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Drives the real window through the workflow and captures the screen after each step with
 * ImageMagick's {@code import -window root} (run it under {@code xvfb-run}); the PNGs go to the
 * folder given as the first argument. Used to refresh the screenshots in docs/.
 */
public final class ScreenshotTour extends Application {
    private static Path out;

    /** Entry point (not in the Application subclass, so that JavaFX loads from the class path). */
    public static final class Main {
        public static void main(String[] args) {
            out = Path.of(args.length > 0 ? args[0] : "docs/screenshots");
            Application.launch(ScreenshotTour.class);
        }
    }

    @Override
    public void start(Stage stage) throws Exception {
        Files.createDirectories(out);
        MainWindow w = new MainWindow();
        stage.setScene(new Scene(w.root(), 1280, 860));
        stage.setTitle("Sonic");
        stage.setX(0);
        stage.setY(0);
        stage.show();
        String model = System.getProperty("tour.model", "mnist-m2");
        Thread t = new Thread(() -> {
            try {
                Path onnx = SampleCatalog.samples().stream().filter(p -> p.getFileName().toString().equals(model))
                        .findFirst().map(SampleCatalog::onnxOf).orElseThrow();
                Platform.runLater(() -> w.model().load(onnx));
                await(() -> w.state().modelProperty().get() != null);
                shot("model");
                select(w, "tabCloud");
                String servers = System.getProperty("tour.servers");
                if (servers == null) {
                    Platform.runLater(() -> w.cloud().view().lookup("#startLocal")
                            .fireEvent(new javafx.event.ActionEvent()));
                } else {
                    String[] u = servers.split(",");
                    var client = io.sonic.desktop.cloud.CloudViewModel.connectRemote(u[0], u[1],
                            System.getProperty("tour.ca"), System.getProperty("tour.credential"));
                    Platform.runLater(() -> w.cloud().viewModel().connected(client, "remote servers"));
                }
                await(() -> w.state().cloudProperty().get() != null);
                Thread.sleep(3000);
                shot("cloud");
                for (String tab : new String[] {"tabSplit"}) {
                    if (w.tabs().getTabs().stream().anyMatch(x -> tab.equals(x.getId()))) {
                        select(w, tab);
                        Thread.sleep(2500);
                        shot("split");
                    }
                }
                select(w, "tabInference");
                Platform.runLater(() -> w.inference().view().lookup("#runInference")
                        .fireEvent(new javafx.event.ActionEvent()));
                await(() -> !w.state().runs().isEmpty());
                var run = w.state().runs().get(0);
                System.out.printf("tour %s: secure label %d, plain label %d, online %d bytes in %d rounds, wire %d%n",
                        model, run.result().predictedLabel(), run.plainLabel(), run.result().online().bytes(),
                        run.result().online().rounds(), run.result().wireBytes());
                Platform.runLater(() -> w.inference().viewModel().step(+1));
                Thread.sleep(1500);
                shot("inference");
                if (w.tabs().getTabs().stream().anyMatch(x -> "tabReport".equals(x.getId()))) {
                    select(w, "tabReport");
                    Thread.sleep(2500);
                    shot("report");
                }
                select(w, "tabLearn");
                Thread.sleep(1000);
                shot("learn");
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                Platform.runLater(() -> {
                    w.shutdown();
                    Platform.exit();
                });
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void select(MainWindow w, String id) throws InterruptedException {
        Platform.runLater(() -> w.tabs().getTabs().stream().filter(x -> id.equals(x.getId())).findFirst()
                .ifPresent(x -> w.tabs().getSelectionModel().select(x)));
        Thread.sleep(800);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the tour timed out");
            }
            Thread.sleep(200);
        }
    }

    private static void shot(String name) throws Exception {
        Thread.sleep(700);
        Process p = new ProcessBuilder("import", "-window", "root", "-crop", "1280x860+0+0",
                out.resolve(name + ".png").toString()).inheritIO().start();
        p.waitFor();
    }
}
