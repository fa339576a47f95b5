package io.sonic.desktop.cloud;

import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Tasks;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.util.Duration;

/**
 * The Cloud screen: start two local servers and the dealer (or no dealer) with one click, or connect to remote ones;
 * a light for each server and the dealer, and each server's own log, newest line in view.
 */
public final class CloudView {
    private final CloudViewModel vm;
    private final VBox root = new VBox(10);
    private final AppState state;

    public CloudView(AppState state, Tasks tasks) {
        this.state = state;
        this.vm = new CloudViewModel(state, tasks);
        Button start = new Button();
        start.setId("startLocal");
        start.textProperty().bind(vm.withoutDealerProperty().map(no -> no ? "Start local servers (no dealer)"
                : "Start local servers and dealer"));
        start.disableProperty().bind(vm.startBlockedProperty().isNotEmpty());
        start.setOnAction(e -> vm.startLocal());
        CheckBox noDealer = new CheckBox("No dealer: the servers make the randomness with oblivious transfer");
        noDealer.setId("noDealer");
        noDealer.selectedProperty().bindBidirectional(vm.withoutDealerProperty());
        noDealer.disableProperty().bind(vm.startBlockedProperty().isNotEmpty());
        noDealer.setTooltip(new Tooltip("Without a dealer nobody outside the two servers is trusted; they pay for it"
                + " with an offline phase hundreds of times larger, sent between them before each query."));
        Button stop = new Button("Stop / disconnect");
        stop.setId("stopCloud");
        stop.disableProperty().bind(vm.connectedProperty().not());
        stop.setOnAction(e -> vm.stop());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(22, 22);
        busy.visibleProperty().bind(vm.busyProperty());

        TextField url0 = field("url0", "https://host0:port", vm.url0Property());
        TextField url1 = field("url1", "https://host1:port", vm.url1Property());
        TextField ca = field("caPin", "cluster CA fingerprint (sha256:…), printed by serve; empty: trust on first use",
                vm.caPinProperty());
        TextField credential = field("uploadCredential", "upload credential, printed by serve (needed to upload)",
                vm.credentialProperty());
        Button connect = new Button("Connect");
        connect.setId("connectRemote");
        connect.setMinWidth(Region.USE_PREF_SIZE);
        connect.disableProperty().bind(vm.connectBlockedProperty().isNotEmpty());
        connect.setOnAction(e -> vm.connect());
        Label why = new Label();
        why.setId("connectBlocked");
        why.getStyleClass().add("hint");
        why.setWrapText(true);
        why.textProperty().bind(vm.connectBlockedProperty());
        GridPane remote = new GridPane();
        remote.setHgap(8);
        remote.setVgap(6);
        remote.addRow(0, new Label("Server 0"), url0);
        remote.addRow(1, new Label("Server 1"), url1);
        remote.addRow(2, new Label("Cluster CA"), ca);
        remote.addRow(3, new Label("Upload credential"), credential);
        remote.add(new HBox(8, connect, why), 1, 4);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        remote.getColumnConstraints().addAll(labels, fields);
        TitledPane remotePane = new TitledPane("Servers started elsewhere (./sonic serve)", remote);
        remotePane.setId("remotePane");
        remotePane.setExpanded(false);

        Label error = new Label();
        error.setId("cloudError");
        error.getStyleClass().add("error");
        error.setWrapText(true);
        error.setMinHeight(Region.USE_PREF_SIZE);
        error.textProperty().bind(vm.errorProperty());
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        error.visibleProperty().bind(error.managedProperty());
        Label fp = new Label();
        fp.setId("fingerprints");
        fp.setWrapText(true);
        fp.textProperty().bind(vm.fingerprintsProperty());
        Label dealer = new Label();
        dealer.setId("dealerStatus");
        dealer.setWrapText(true);
        dealer.textProperty().bind(vm.dealerStatusProperty());
        HBox dealerRow = new HBox(8, light("dealerLight", vm.dealerLightProperty()), dealer);
        dealerRow.setAlignment(Pos.CENTER_LEFT);

        HBox servers = new HBox(10, serverPane(0), serverPane(1));
        VBox.setVgrow(servers, Priority.ALWAYS);
        Label explain = new Label("Two cloud servers that do not collude each hold one share of the model and of"
                + " every input. A dealer hands them input-independent randomness, or, with no dealer, they make it"
                + " between themselves with oblivious transfer. They talk over one TLS WebSocket link and"
                + " authenticate each other with certificates derived from a shared cluster secret.");
        explain.setWrapText(true);
        explain.setMinHeight(Region.USE_PREF_SIZE);
        HBox buttons = new HBox(8, start, stop, busy, noDealer);
        buttons.setAlignment(Pos.CENTER_LEFT);
        root.getChildren().addAll(explain, buttons, remotePane, error, fp, dealerRow, servers);
        root.setPadding(new Insets(12));

        Timeline t = new Timeline(new KeyFrame(Duration.seconds(2), ev -> vm.poll()));
        t.setCycleCount(Timeline.INDEFINITE);
        t.play();
    }

    private static TextField field(String id, String prompt, javafx.beans.property.StringProperty value) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.textProperty().bindBidirectional(value);
        return f;
    }

    private Circle light(String id, ObjectProperty<CloudViewModel.Light> light) {
        Circle c = new Circle(7);
        c.setId(id);
        c.radiusProperty().bind(state.zoom().px(7));
        c.fillProperty().bind(light.map(l -> switch (l) {
            case GOOD -> Color.web("#2e7d32");
            case BAD -> Color.web("#c62828");
            case OFF -> Color.web("#9e9e9e");
        }));
        return c;
    }

    private Node serverPane(int party) {
        Label status = new Label();
        status.setId("status" + party);
        status.setWrapText(true);
        status.setMinHeight(Region.USE_PREF_SIZE);
        status.textProperty().bind(vm.statusProperty(party));
        ListView<String> log = new ListView<>(vm.log(party));
        log.setId("log" + party);
        vm.log(party).addListener((ListChangeListener<String>) c -> {
            if (!log.getItems().isEmpty()) {
                log.scrollTo(log.getItems().size() - 1);
            }
        });
        HBox head = new HBox(8, light("light" + party, vm.lightProperty(party)), new Label("Server " + party));
        head.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(6, head, status, log);
        VBox.setVgrow(log, Priority.ALWAYS);
        HBox.setHgrow(box, Priority.ALWAYS);
        box.setMinWidth(0);
        box.setPrefWidth(100);
        return box;
    }

    public Node view() {
        return root;
    }

    public CloudViewModel viewModel() {
        return vm;
    }
}
