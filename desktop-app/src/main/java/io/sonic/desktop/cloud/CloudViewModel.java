package io.sonic.desktop.cloud;

import io.sonic.cloud.api.LogEntry;
import io.sonic.cloud.api.LogPage;
import io.sonic.cloud.api.Status;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Tasks;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * State and actions of the Cloud screen: local servers started here (with a dealer, or without one: then the
 * two servers make every query's randomness themselves with oblivious transfer), or remote ones connected by URL;
 * their health (a status light for each server and for the dealer), certificate fingerprints, and a log
 * per server fed by the server's own log ({@code GET /v1/log}: sessions started, done, failed or
 * cancelled, the link up or down, the dealer reachable or not, models stored and deleted).
 */
public final class CloudViewModel {
    /** Lines kept per log. */
    public static final int LOG_LINES = 500;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The dealer line of a cluster that runs without one. */
    public static final String NO_DEALER = "no dealer: the two servers make each query's randomness themselves with"
            + " oblivious transfer (preprocessing ot), hundreds of times the dealer's bytes, sent between them";

    /** A light's colour. */
    public enum Light { OFF, GOOD, BAD }

    private final AppState state;
    private final Tasks tasks;
    private volatile LocalCloud local;
    private final StringProperty[] status = {new SimpleStringProperty("not started"), new SimpleStringProperty("not started")};
    @SuppressWarnings("unchecked")
    private final ObjectProperty<Light>[] lights = new ObjectProperty[] {new SimpleObjectProperty<>(Light.OFF),
            new SimpleObjectProperty<>(Light.OFF)};
    private final ObjectProperty<Light> dealerLight = new SimpleObjectProperty<>(Light.OFF);
    private final StringProperty dealerStatus = new SimpleStringProperty("dealer: not started");
    private final BooleanProperty withoutDealer = new SimpleBooleanProperty();
    private final StringProperty fingerprints = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final BooleanProperty connected = new SimpleBooleanProperty();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final StringProperty url0 = new SimpleStringProperty("");
    private final StringProperty url1 = new SimpleStringProperty("");
    private final StringProperty caPin = new SimpleStringProperty("");
    private final StringProperty credential = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper connectBlocked = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper startBlocked = new ReadOnlyStringWrapper("");
    @SuppressWarnings("unchecked")
    private final ObservableList<String>[] logs = new ObservableList[] {FXCollections.observableArrayList(),
            FXCollections.observableArrayList()};
    private final long[] logAfter = {0, 0};
    private boolean polling;

    public CloudViewModel(AppState state, Tasks tasks) {
        this.state = state;
        this.tasks = tasks;
        var reasons = Bindings.createStringBinding(this::whyNotConnect, url0, url1, caPin, connected, busy);
        connectBlocked.bind(reasons);
        startBlocked.bind(Bindings.createStringBinding(() -> connected.get() ? "Servers are already connected; stop"
                + " or disconnect them first." : busy.get() ? "Wait: the servers are starting or connecting." : "",
                connected, busy));
    }

    // ----------------------------------------------------------------- properties

    public StringProperty statusProperty(int party) {
        return status[party];
    }

    public ObjectProperty<Light> lightProperty(int party) {
        return lights[party];
    }

    public ObjectProperty<Light> dealerLightProperty() {
        return dealerLight;
    }

    public StringProperty dealerStatusProperty() {
        return dealerStatus;
    }

    /**
     * The "no dealer" mode of "Start local servers": start only the two servers, which make each query's
     * correlated randomness between themselves with oblivious transfer.
     */
    public BooleanProperty withoutDealerProperty() {
        return withoutDealer;
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

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public StringProperty url0Property() {
        return url0;
    }

    public StringProperty url1Property() {
        return url1;
    }

    public StringProperty caPinProperty() {
        return caPin;
    }

    public StringProperty credentialProperty() {
        return credential;
    }

    /** Why Connect is disabled, or "". */
    public ReadOnlyStringProperty connectBlockedProperty() {
        return connectBlocked.getReadOnlyProperty();
    }

    /** Why "Start local servers" is disabled, or "". */
    public ReadOnlyStringProperty startBlockedProperty() {
        return startBlocked.getReadOnlyProperty();
    }

    /** Server p's log, oldest first (at most {@link #LOG_LINES}). */
    public ObservableList<String> log(int party) {
        return logs[party];
    }

    public LocalCloud localCloud() {
        return local;
    }

    private String whyNotConnect() {
        if (connected.get()) {
            return "Already connected: stop or disconnect first.";
        }
        if (busy.get()) {
            return "Wait: the servers are starting or connecting.";
        }
        String a = checkUrl("server 0", url0.get());
        if (!a.isEmpty()) {
            return a;
        }
        String b = checkUrl("server 1", url1.get());
        if (!b.isEmpty()) {
            return b;
        }
        if (url0.get().strip().equalsIgnoreCase(url1.get().strip())) {
            return "The two URLs are the same: give server 0's and server 1's.";
        }
        return "";
    }

    private static String checkUrl(String who, String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return "Enter " + who + "'s URL (sonic serve prints it, e.g. https://host:9440).";
        }
        try {
            URI u = URI.create(t);
            if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                return who + "'s URL must look like https://host:port.";
            }
        } catch (IllegalArgumentException e) {
            return who + "'s URL is not a URL: " + t;
        }
        return "";
    }

    // ----------------------------------------------------------------- actions

    /** Starts both servers in this process, and the dealer unless {@link #withoutDealerProperty()} is set. */
    public void startLocal() {
        if (!startBlocked.get().isEmpty()) {
            return;
        }
        busy.set(true);
        error.set("");
        boolean dealer = !withoutDealer.get();
        tasks.call("start-local", () -> {
            LocalCloud c = LocalCloud.start(null, io.sonic.engine.net.LinkProfile.LOOPBACK, dealer);
            local = c;
            return c.client();
        }, client -> {
            busy.set(false);
            connected(client, dealer ? "started in this process" : "started in this process without a dealer");
            state.noDealerProperty().set(!dealer);
            if (dealer) {
                dealerStatus.set("dealer " + local.dealerUrl() + ": checking…");
            } else {
                dealerStatus.set(NO_DEALER);
            }
        }, failure -> {
            busy.set(false);
            error.set("Could not start local servers: " + Tasks.message(failure));
        });
    }

    /** Connects to two remote servers; the credential (may be blank) is needed only to upload. */
    public void connect() {
        if (!connectBlocked.get().isEmpty()) {
            error.set(connectBlocked.get());
            return;
        }
        String a = url0.get();
        String b = url1.get();
        String pin = caPin.get() == null || caPin.get().isBlank() ? null : caPin.get().trim();
        String cred = credential.get();
        busy.set(true);
        error.set("");
        tasks.call("connect", () -> CloudClient.connect(List.of(URI.create(a.strip()), URI.create(b.strip())), pin,
                CONNECT_TIMEOUT, w -> { }).withUploadCredential(cred), client -> {
                    busy.set(false);
                    connected(client, "remote servers");
                }, failure -> {
                    busy.set(false);
                    error.set("Could not connect: " + Tasks.message(failure));
                });
    }

    /** Adopts a connected client (UI thread). */
    void connected(CloudClient client, String how) {
        error.set("");
        logAfter[0] = 0;
        logAfter[1] = 0;
        state.cloudProperty().set(client);
        state.cloudDescriptionProperty().set(how);
        connected.set(true);
        fingerprints.set("cluster CA " + client.caFingerprint());
        for (int p = 0; p < 2; p++) {
            note(p, how + ": " + client.servers().get(p));
        }
        poll();
    }

    /** Stops local servers (if any) and forgets the connection; the servers stop in the background. */
    public void stop() {
        LocalCloud c = detach();
        if (c != null) {
            tasks.fire("stop-cloud", c::close, f -> error.set("Stopping the local servers: " + Tasks.message(f)));
        }
    }

    /** Stops local servers now, blocking (the window closes). */
    public void stopNow() {
        LocalCloud c = detach();
        if (c != null) {
            c.close();
        }
    }

    private LocalCloud detach() {
        LocalCloud c = local;
        local = null;
        boolean was = connected.get();
        state.cloudProperty().set(null);
        state.cloudDescriptionProperty().set("no servers");
        state.noDealerProperty().set(false);
        connected.set(false);
        for (int p = 0; p < 2; p++) {
            lights[p].set(Light.OFF);
            status[p].set(c != null ? "stopped" : "disconnected");
            if (was) {
                note(p, c != null ? "stopped by this app" : "disconnected");
            }
        }
        dealerLight.set(Light.OFF);
        dealerStatus.set("dealer: " + (c != null ? "stopped" : "not connected"));
        return c;
    }

    // ----------------------------------------------------------------- polling

    /** What one poll of both servers found: status (null when unreachable) and new log entries. */
    record Poll(CloudClient client, Status[] status, LogPage[] logs, String[] errors) {
    }

    /** Asks both servers for their status and new log entries in the background (call every few seconds). */
    public void poll() {
        CloudClient client = state.cloudProperty().get();
        if (client == null || polling) {
            return;
        }
        polling = true;
        long[] after = logAfter.clone();
        tasks.call("health", () -> poll(client, after), p -> {
            polling = false;
            show(p);
        }, f -> polling = false);
    }

    static Poll poll(CloudClient client, long[] after) {
        Status[] s = new Status[2];
        LogPage[] l = new LogPage[2];
        String[] e = new String[2];
        for (int p = 0; p < 2; p++) {
            try {
                s[p] = client.status(p);
                l[p] = client.log(p, after[p]);
            } catch (RuntimeException ex) {
                e[p] = Tasks.message(ex);
            }
        }
        return new Poll(client, s, l, e);
    }

    /** Shows a poll's findings (UI thread); a poll of servers no longer connected is dropped. */
    void show(Poll poll) {
        if (poll.client() != state.cloudProperty().get()) {
            return;
        }
        for (int p = 0; p < 2; p++) {
            Status s = poll.status()[p];
            if (poll.logs()[p] != null) {
                for (LogEntry e : poll.logs()[p].entries()) {
                    add(p, clock(e.at()) + "  " + e.text());
                }
                logAfter[p] = poll.logs()[p].next();
            }
            boolean ok = s != null && "ok".equals(s.status());
            Light was = lights[p].get();
            lights[p].set(ok ? Light.GOOD : Light.BAD);
            if (was == Light.GOOD && !ok) {
                note(p, s == null ? "not answering: " + poll.errors()[p] : "status " + s.status());
            } else if (was == Light.BAD && ok) {
                note(p, "answering again");
            }
            status[p].set(s == null ? "unreachable: " + poll.errors()[p] : String.format(Locale.ROOT,
                    "%s — link to the other server %s%s, %d model(s), %d session(s) running%s%s, certificate %s",
                    s.url(), s.peer(), simulated(s.link()), s.models(), s.sessionsRunning(), s.sessionsPaused() > 0
                            ? " (" + s.sessionsPaused() + " paused)" : "", s.dealsAhead() > 0 ? ", "
                            + s.dealsAhead() + " " + (s.dealsAhead() == 1 ? "query's" : "queries'")
                            + " randomness fetched ahead" : "", abbreviate(s.fingerprint())));
        }
        Status a = poll.status()[0];
        Status b = poll.status()[1];
        if (a == null && b == null) {
            dealerLight.set(Light.OFF);
            dealerStatus.set("dealer: unknown (no server answers)");
        } else if ((a == null || a.dealer() == null) && (b == null || b.dealer() == null)) {
            // servers started without --dealer: they make the randomness themselves
            dealerLight.set(Light.OFF);
            dealerStatus.set(NO_DEALER);
            state.noDealerProperty().set(true);
        } else {
            state.noDealerProperty().set(false);
            String dealer = a != null ? a.dealer() : b.dealer();
            boolean r0 = a != null && a.dealerReachable();
            boolean r1 = b != null && b.dealerReachable();
            dealerLight.set(r0 && r1 ? Light.GOOD : Light.BAD);
            dealerStatus.set("dealer " + dealer + ": " + (r0 && r1 ? "reachable from both servers"
                    : !r0 && !r1 ? "NOT reachable from either server"
                    : "NOT reachable from server " + (r0 ? 1 : 0)));
        }
    }

    /**
     * The network a server simulates on its link for sessions that ask for none ({@code serve --link}), in
     * words; nothing for none (or a server too old to say).
     */
    static String simulated(String link) {
        if (link == null) {
            return "";
        }
        try {
            io.sonic.engine.net.LinkProfile l = io.sonic.engine.net.LinkProfile.parse(link);
            return l.simulated() ? " (simulating " + l.summary() + ")" : "";
        } catch (IllegalArgumentException e) {
            return " (simulating an unknown network '" + link + "')";
        }
    }

    /** A line of this app's own (not from a server), marked as such. */
    public void note(int party, String line) {
        add(party, LocalTime.now().format(CLOCK) + "  [app] " + line);
    }

    private void add(int party, String line) {
        ObservableList<String> l = logs[party];
        l.add(line);
        if (l.size() > LOG_LINES) {
            l.remove(0, l.size() - LOG_LINES);
        }
    }

    private static String clock(String isoInstant) {
        try {
            return Instant.parse(isoInstant).atZone(ZoneId.systemDefault()).toLocalTime().format(CLOCK);
        } catch (RuntimeException e) {
            return isoInstant;
        }
    }

    private static String abbreviate(String fp) {
        return fp == null ? "?" : fp.length() > 24 ? fp.substring(0, 24) + "…" : fp;
    }
}
