package io.sonic.desktop.tour;

import io.sonic.desktop.app.MainWindow;
import io.sonic.desktop.inference.InferenceViewModel;
import io.sonic.desktop.model.SampleCatalog;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Drives the real window through the workflow and captures the screen after each step with
 * ImageMagick's {@code import -window root} (run it under {@code xvfb-run}); the PNGs go to the folder
 * given as the first argument. The window fills the virtual screen, as the app does, so the screen size
 * chosen for Xvfb is the size shot. Used to refresh the screenshots in docs/.
 *
 * <p>System properties: {@code tour.model} (default mnist-m2), {@code tour.suffix} (appended to each file
 * name, e.g. "-1024x768"), {@code tour.presentation=true} (presentation mode), {@code tour.servers},
 * {@code tour.ca}, {@code tour.credential} (remote servers instead of local ones). With local servers the tour
 * ends with the same query on servers started without a dealer ({@code *-nodealer}).
 */
public final class ScreenshotTour extends Application {
    private static Path out;
    private static String suffix;

    /** Entry point (not in the Application subclass, so that JavaFX loads from the class path). */
    public static final class Main {
        public static void main(String[] args) {
            out = Path.of(args.length > 0 ? args[0] : "docs/screenshots");
            suffix = System.getProperty("tour.suffix", "");
            Application.launch(ScreenshotTour.class);
        }
    }

    @Override
    public void start(Stage stage) throws Exception {
        Files.createDirectories(out);
        MainWindow w = new MainWindow();
        Rectangle2D screen = Screen.getPrimary().getBounds();
        stage.setScene(new Scene(w.root(), screen.getWidth(), screen.getHeight()));
        stage.setTitle("Sonic");
        stage.setX(0);
        stage.setY(0);
        stage.show();
        w.state().zoom().start(io.sonic.desktop.app.Zoom.forScreen(screen.getWidth(), screen.getHeight()));
        if (Boolean.getBoolean("tour.presentation")) {
            w.state().zoom().presentationProperty().set(true);
        }
        String model = System.getProperty("tour.model", "mnist-m2");
        Thread t = new Thread(() -> {
            try {
                Path onnx = SampleCatalog.samples().stream().filter(p -> p.getFileName().toString().equals(model))
                        .findFirst().map(SampleCatalog::onnxOf).orElseThrow();
                Platform.runLater(() -> w.model().load(onnx));
                await(() -> w.state().modelProperty().get() != null);
                shot("model");
                select(w, "tabSplit");
                Thread.sleep(2500);
                shot("split");
                select(w, "tabCloud");
                String servers = System.getProperty("tour.servers");
                Platform.runLater(() -> {
                    var vm = w.cloud().viewModel();
                    if (servers == null) {
                        vm.startLocal();
                    } else {
                        String[] u = servers.split(",");
                        vm.url0Property().set(u[0]);
                        vm.url1Property().set(u[1]);
                        vm.caPinProperty().set(System.getProperty("tour.ca", ""));
                        vm.credentialProperty().set(System.getProperty("tour.credential", ""));
                        vm.connect();
                    }
                });
                await(() -> w.state().cloudProperty().get() != null);
                select(w, "tabInference");
                InferenceViewModel vm = w.inference().viewModel();
                Platform.runLater(() -> {
                    vm.chooseSample(1);
                    vm.run();
                });
                await(() -> !w.state().runs().isEmpty());
                var run = w.state().runs().get(0);
                System.out.printf("tour %s: secure label %d, plain label %d, online %d bytes in %d rounds, wire %d%n",
                        model, run.result().predictedLabel(), run.plainLabel(), run.result().online().bytes(),
                        run.result().online().rounds(), run.result().wireBytes());
                Platform.runLater(() -> vm.select(Math.min(2, vm.pipeline().size() - 1)));
                Thread.sleep(1500);
                shot("inference");
                // the same query under the FSS suite: one round per comparison
                Platform.runLater(() -> {
                    vm.suiteProperty().set(io.sonic.engine.SecureConfig.Suite.FSS);
                    vm.run();
                });
                await(() -> w.state().runs().size() >= 2);
                Platform.runLater(() -> vm.select(Math.min(2, vm.pipeline().size() - 1)));
                Thread.sleep(1500);
                shot("inference-fss");
                // the Sonic suite's query again, on a simulated WAN between the servers: the rounds cost 20 ms each
                Platform.runLater(() -> {
                    vm.suiteProperty().set(io.sonic.engine.SecureConfig.Suite.SONIC);
                    vm.linkProperty().set(io.sonic.engine.net.LinkProfile.WAN);
                    vm.run();
                });
                await(() -> w.state().runs().size() >= 3);
                Platform.runLater(() -> vm.select(Math.min(2, vm.pipeline().size() - 1)));
                Thread.sleep(1500);
                shot("inference-wan");
                Platform.runLater(() -> vm.linkProperty().set(io.sonic.engine.net.LinkProfile.LOOPBACK));
                select(w, "tabCloud");
                Thread.sleep(4500);
                shot("cloud");
                select(w, "tabInference");
                // step mode: pause before a later layer, so the pipeline has to scroll to it
                Platform.runLater(() -> {
                    vm.steppingProperty().set(true);
                    vm.run();
                });
                int target = Math.min(6, vm.pipeline().size() - 1);
                for (int k = 0; k <= target; k++) {
                    int layer = k;
                    await(() -> vm.pausedProperty().get() && vm.stepProperty().get() == layer);
                    if (k < target) {
                        Platform.runLater(vm::next);
                        Thread.sleep(300);
                    }
                }
                Thread.sleep(1200);
                shot("stepmode");
                Platform.runLater(vm::runToEnd);
                await(() -> !vm.runningProperty().get());
                select(w, "tabReport");
                Thread.sleep(2500);
                shot("report");
                select(w, "tabLearn");
                Thread.sleep(1500);
                shot("learn");
                Platform.runLater(() -> w.learn().select(io.sonic.desktop.learn.Topic.FSS));
                Thread.sleep(1500);
                shot("learn-fss");
                if (servers == null) {
                    // the same query without a dealer: local servers that make the randomness themselves
                    var cloud = w.cloud().viewModel();
                    Platform.runLater(() -> {
                        cloud.stop();
                        cloud.withoutDealerProperty().set(true);
                        cloud.startLocal();
                    });
                    await(() -> w.state().noDealerProperty().get() && w.state().cloudProperty().get() != null);
                    int before = w.state().runs().size();
                    select(w, "tabInference");
                    Platform.runLater(() -> {
                        vm.steppingProperty().set(false);
                        vm.chooseSample(1);
                        vm.run();
                    });
                    await(() -> w.state().runs().size() > before);
                    var ot = w.state().runs().get(w.state().runs().size() - 1);
                    System.out.printf("tour %s without a dealer: secure label %d, %d bytes between the servers"
                                    + " offline in %d rounds, online %d bytes%n", model, ot.result().predictedLabel(),
                            ot.result().preprocessing().bytes(), ot.result().preprocessing().rounds(),
                            ot.result().online().bytes());
                    Platform.runLater(() -> vm.select(0));
                    Thread.sleep(1500);
                    shot("inference-nodealer");
                    select(w, "tabCloud");
                    Thread.sleep(4500);
                    shot("cloud-nodealer");
                    select(w, "tabReport");
                    Thread.sleep(2500);
                    shot("report-nodealer");
                }
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
            Thread.sleep(100);
        }
    }

    private static void shot(String name) throws Exception {
        Thread.sleep(700);
        Process p = new ProcessBuilder("import", "-window", "root", out.resolve(name + suffix + ".png").toString())
                .inheritIO().start();
        p.waitFor();
    }
}
