package io.sonic.desktop.cloud;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Background;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.util.Duration;

/** The Cloud screen: start two local servers and the dealer with one click, or connect to remote ones. */
public final class CloudView {
    private final CloudViewModel vm;
    private final VBox root = new VBox(10);
    private final ProgressIndicator busy = new ProgressIndicator();
    private boolean polling;

    public CloudView(AppState state) {
        this.vm = new CloudViewModel(state);
        Button start = new Button("Start local servers and dealer");
        start.setId("startLocal");
        Button stop = new Button("Stop / disconnect");
        stop.setId("stopCloud");
        stop.disableProperty().bind(vm.connectedProperty().not());
        start.disableProperty().bind(vm.connectedProperty());
        busy.setVisible(false);
        busy.setPrefSize(22, 22);
        start.setOnAction(e -> {
            busy.setVisible(true);
            Background.run("start-local", vm::startLocal, client -> {
                busy.setVisible(false);
                vm.connected(client, "started in this process");
                vm.log(0, "dealer " + vm.localCloud().dealerUrl());
            }, failure -> {
                busy.setVisible(false);
                vm.failed("Could not start local servers: " + Background.message(failure));
            });
        });
        stop.setOnAction(e -> {
            var local = vm.detach();
            if (local != null) {
                Background.run("stop-cloud", () -> {
                    local.close();
                    return true;
                }, ok -> { }, f -> vm.failed("Stopping the local servers: " + Background.message(f)));
            }
        });

        TextField url0 = new TextField();
        url0.setId("url0");
        url0.setPromptText("https://host0:port");
        TextField url1 = new TextField();
        url1.setId("url1");
        url1.setPromptText("https://host1:port");
        TextField ca = new TextField();
        ca.setId("caPin");
        ca.setPromptText("cluster CA fingerprint (sha256:…), printed by serve");
        TextField credential = new TextField();
        credential.setId("uploadCredential");
        credential.setPromptText("upload credential, printed by serve (needed to upload a model)");
        Button connect = new Button("Connect");
        connect.setId("connectRemote");
        connect.disableProperty().bind(vm.connectedProperty());
        connect.setOnAction(e -> {
            busy.setVisible(true);
            Background.run("connect", () -> CloudViewModel.connectRemote(url0.getText(), url1.getText(), ca.getText(),
                    credential.getText()),
                    client -> {
                        busy.setVisible(false);
                        vm.connected(client, "remote servers");
                    }, failure -> {
                        busy.setVisible(false);
                        vm.failed("Could not connect: " + Background.message(failure));
                    });
        });
        GridPane remote = new GridPane();
        remote.setHgap(8);
        remote.setVgap(6);
        remote.addRow(0, new Label("Server 0"), url0);
        remote.addRow(1, new Label("Server 1"), url1);
        remote.addRow(2, new Label("Cluster CA"), ca);
        remote.addRow(3, new Label("Upload credential"), credential, connect);
        GridPane.setHgrow(url0, Priority.ALWAYS);
        GridPane.setHgrow(ca, Priority.ALWAYS);
        TitledPane remotePane = new TitledPane("Servers started elsewhere (./sonic serve)", remote);
        remotePane.setExpanded(false);

        Label error = new Label();
        error.setId("cloudError");
        error.getStyleClass().add("error");
        error.setWrapText(true);
        error.textProperty().bind(vm.errorProperty());
        Label fp = new Label();
        fp.setId("fingerprints");
        fp.textProperty().bind(vm.fingerprintsProperty());
        Label dealer = new Label();
        dealer.textProperty().bind(vm.dealerStatusProperty());

        HBox servers = new HBox(10, serverPane(0), serverPane(1));
        VBox.setVgrow(servers, Priority.ALWAYS);
        Label explain = new Label("Two cloud servers that do not collude each hold one share of the model and of"
                + " every input. A dealer hands them input-independent randomness. They talk over one TLS WebSocket"
                + " link and authenticate each other with certificates derived from a shared cluster secret.");
        explain.setWrapText(true);
        root.getChildren().addAll(explain, new HBox(8, start, stop, busy), remotePane, error, fp, dealer, servers);
        root.setPadding(new Insets(12));

        state.cloudProperty().addListener((obs, old, client) -> {
            if (client != null && !polling) {
                polling = true;
                Timeline t = new Timeline(new KeyFrame(Duration.seconds(2), ev -> {
                    if (state.cloudProperty().get() != null) {
                        var c = state.cloudProperty().get();
                        Background.run("health", () -> CloudViewModel.poll(c), vm::showHealth, f -> { });
                    }
                }));
                t.setCycleCount(Timeline.INDEFINITE);
                t.play();
                Background.run("health", () -> CloudViewModel.poll(client), vm::showHealth, f -> { });
            }
        });
    }

    private Node serverPane(int party) {
        Circle light = new Circle(7);
        light.setId("light" + party);
        light.fillProperty().bind(javafx.beans.binding.Bindings.when(vm.healthyProperty(party))
                .then(Color.web("#2e7d32")).otherwise(Color.web("#c62828")));
        Label status = new Label();
        status.setId("status" + party);
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty(party));
        ListView<String> log = new ListView<>(vm.log(party));
        log.setId("log" + party);
        VBox box = new VBox(6, new HBox(8, light, new Label("Server " + party)), status, log);
        VBox.setVgrow(log, Priority.ALWAYS);
        HBox.setHgrow(box, Priority.ALWAYS);
        return box;
    }

    public Node view() {
        return root;
    }

    public CloudViewModel viewModel() {
        return vm;
    }
}
