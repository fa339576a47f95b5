package io.sonic.desktop.cloud;

import io.sonic.cloud.api.Status;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.desktop.app.AppState;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.net.URI;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * State of the Cloud screen: local servers started here, or remote ones connected by URL; their
 * health (status lights), certificate fingerprints and a log per server.
 */
public final class CloudViewModel {
    private final AppState state;
    private LocalCloud local;
    private final StringProperty[] status = {new SimpleStringProperty("not started"), new SimpleStringProperty("not started")};
    private final BooleanProperty[] healthy = {new SimpleBooleanProperty(), new SimpleBooleanProperty()};
    private final StringProperty dealerStatus = new SimpleStringProperty("not started");
    private final StringProperty fingerprints = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final BooleanProperty connected = new SimpleBooleanProperty();
    @SuppressWarnings("unchecked")
    private final ObservableList<String>[] logs = new ObservableList[] {FXCollections.observableArrayList(),
            FXCollections.observableArrayList()};

    public CloudViewModel(AppState state) {
        this.state = state;
    }

    public StringProperty statusProperty(int party) {
        return status[party];
    }

    public BooleanProperty healthyProperty(int party) {
        return healthy[party];
    }

    public StringProperty dealerStatusProperty() {
        return dealerStatus;
    }

    public StringProperty fingerprintsProperty() {
        return fingerprints;
    }

    public StringProperty errorProperty() {
        return error;
    }

    public BooleanProperty connectedProperty() {
        return connected;
    }

    public ObservableList<String> log(int party) {
        return logs[party];
    }

    /** Starts the dealer and both servers in this process (background thread); returns the client. */
    public CloudClient startLocal() throws Exception {
        LocalCloud c = LocalCloud.start(null);
        local = c;
        return c.client();
    }

    /** Connects to two remote servers; {@code credential} (may be blank) is needed only to upload. */
    public static CloudClient connectRemote(String url0, String url1, String ca, String credential) {
        String pin = ca == null || ca.isBlank() ? null : ca.trim();
        return CloudClient.connect(List.of(URI.create(url0.trim()), URI.create(url1.trim())), pin,
                CONNECT_TIMEOUT, w -> { }).withUploadCredential(credential);
    }

    private static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(10);

    /** Adopts a connected client (FX thread). */
    public void connected(CloudClient client, String how) {
        error.set("");
        state.cloudProperty().set(client);
        state.cloudDescriptionProperty().set(how);
        state.uploadedModelIdProperty().set(null);
        connected.set(true);
        fingerprints.set("cluster CA " + client.caFingerprint());
        for (int p = 0; p < 2; p++) {
            log(p, how + ": " + client.servers().get(p));
        }
    }

    public void failed(String message) {
        error.set(message);
    }

    /** Polls both servers' health (background thread); returns their status JSON or null. */
    public static Status[] poll(CloudClient client) {
        Status[] r = new Status[2];
        for (int p = 0; p < 2; p++) {
            try {
                r[p] = client.status(p);
            } catch (RuntimeException e) {
                r[p] = null;
            }
        }
        return r;
    }

    private final int[] lastModels = {-1, -1};
    private final int[] lastRunning = {-1, -1};

    /** Shows polled health (FX thread). */
    public void showHealth(Status[] s) {
        for (int p = 0; p < 2; p++) {
            if (s[p] != null) {
                int models = s[p].models();
                int running = (int) s[p].sessionsRunning();
                if (lastModels[p] >= 0 && models != lastModels[p]) {
                    log(p, "holds " + models + " model share(s)");
                }
                if (lastRunning[p] >= 0 && running != lastRunning[p]) {
                    log(p, running + " session(s) running");
                }
                lastModels[p] = models;
                lastRunning[p] = running;
            }
            boolean ok = s[p] != null && "ok".equals(s[p].status());
            String text = s[p] == null ? "unreachable" : String.format("%s — link %s, %d model(s), %d session(s) running,"
                            + " certificate %s", s[p].url(), s[p].peer(), s[p].models(), s[p].sessionsRunning(),
                    abbreviate(s[p].fingerprint()));
            if (healthy[p].get() != ok || !text.equals(status[p].get())) {
                if (healthy[p].get() != ok) {
                    log(p, ok ? "healthy" : "not answering");
                }
                healthy[p].set(ok);
                status[p].set(text);
            }
        }
        if (s[0] != null) {
            dealerStatus.set(s[0].dealerReachable() ? "dealer " + s[0].dealer() + " reachable"
                    : "dealer " + s[0].dealer() + " NOT reachable");
        }
    }

    public void log(int party, String line) {
        ObservableList<String> l = logs[party];
        l.add(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  " + line);
        if (l.size() > 500) {
            l.remove(0, l.size() - 500);
        }
    }

    private static String abbreviate(String fp) {
        return fp.length() > 24 ? fp.substring(0, 24) + "…" : fp;
    }

    public LocalCloud localCloud() {
        return local;
    }

    /** Stops local servers (if any) and forgets the connection; blocks while the servers stop. */
    public void stop() {
        LocalCloud c = detach();
        if (c != null) {
            c.close();
        }
    }

    /**
     * Forgets the connection on the FX thread and hands back the local servers (or null), so that the
     * caller can stop them off the FX thread.
     */
    public LocalCloud detach() {
        LocalCloud c = local;
        local = null;
        state.cloudProperty().set(null);
        state.cloudDescriptionProperty().set("no servers");
        state.uploadedModelIdProperty().set(null);
        connected.set(false);
        for (int p = 0; p < 2; p++) {
            healthy[p].set(false);
            status[p].set("stopped");
            log(p, "stopped");
        }
        dealerStatus.set("stopped");
        return c;
    }
}
