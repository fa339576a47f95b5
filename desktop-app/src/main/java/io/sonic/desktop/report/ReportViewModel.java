package io.sonic.desktop.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.AppState.Run;
import io.sonic.desktop.app.Bytes;
import io.sonic.desktop.app.Tasks;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.InferenceResult.LayerStat;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.net.LinkProfile;
import io.sonic.engine.SecureConfig.LinearMode;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * State of the report screen: where the bytes and the time of a secure run went. It follows the
 * app's list of secure runs (newest first; a new run is selected as it arrives) and, for the
 * selected run, offers the per-layer rows, the totals, the data of three charts and the exports.
 * Plain properties and lists only, so it is tested without a GUI; change it on the FX thread.
 *
 * <p>Traffic figures are those of {@link InferenceResult}: online bytes are the payload between the
 * two servers in both directions as seen from server 0; wire bytes include TLS records and framing
 * and are unknown (-1) when both servers run in one process; offline bytes go from the dealer to the
 * servers or, in a run without a dealer, between the two servers (the oblivious transfers that made the
 * randomness). The online bytes, rounds and messages of the layers add up to the run's totals; the
 * offline total also holds the dealer's two PRG seeds (without a dealer: the servers' nonce check and, on
 * a link's first query, its base OTs), and the wire total the link framing between layers, which belong
 * to no layer: {@link #outsideLayers} is that remainder.
 */
public final class ReportViewModel {
    public static final String EMPTY_TEXT = "No secure runs yet: run an inference on the Inference tab.";
    public static final String COMPARE_HINT = "Run the model in both linear modes, under both protocol suites, or on"
            + " two networks, to compare.";

    /** One layer of a run, as the table shows it. {@code wireBytes} is -1 when no socket was involved. */
    public record LayerRow(int index, String name, String op, String protocol, long onlineBytes, long wireBytes,
                           long rounds, long messages, long offlineBytes, double millis) {
        static LayerRow of(LayerStat s) {
            return new LayerRow(s.index(), s.name(), s.op(), s.protocol().label(), s.online().bytes(), s.wireBytes(),
                    s.online().rounds(), s.online().messages(), s.offlineBytes(), s.nanos() / 1e6);
        }

        /** The label of this layer on a chart's category axis. */
        public String category() {
            return index + " " + name;
        }
    }

    /**
     * A run's totals. {@code wireBytes} is -1 when no socket was involved. {@code offlineBytes}: from the dealer,
     * or, when {@code byServers} (no dealer), between the two servers in {@code offlineRounds} rounds and
     * {@code offlineMillis}.
     */
    public record Totals(long onlineBytes, long wireBytes, long rounds, long messages, long offlineBytes,
                         double onlineMillis, double totalMillis, double pausedMillis, int label, int plainLabel,
                         Integer trueLabel, boolean byServers, long offlineRounds, double offlineMillis) {
        public static Totals of(Run run) {
            InferenceResult r = run.result();
            boolean byServers = ReportViewModel.byServers(run);
            return new Totals(r.online().bytes(), r.wireBytes(), r.online().rounds(), r.online().messages(),
                    byServers ? r.preprocessing().bytes() : r.offlineBytes(), r.onlineNanos() / 1e6, r.nanos() / 1e6,
                    r.pausedNanos() / 1e6, r.predictedLabel(), run.plainLabel(), run.trueLabel(), byServers,
                    byServers ? r.preprocessing().rounds() : 0, r.offlineNanos() / 1e6);
        }

        /** Whether the secure run and the float model predict the same label. */
        public boolean agree() {
            return label == plainLabel;
        }
    }

    /** One bar of a chart. */
    public record Bar(String category, double value) {
    }

    /** One named series of bars. */
    public record Series(String name, List<Bar> bars) {
        public Series {
            bars = List.copyOf(bars);
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObservableList<Run> source;
    private final ObservableList<Run> runs = FXCollections.observableArrayList();
    private final ObservableList<Run> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ObjectProperty<Run> selected = new SimpleObjectProperty<>(this, "selectedRun");
    private final ReadOnlyBooleanWrapper empty = new ReadOnlyBooleanWrapper(true);
    private final ObservableList<LayerRow> layers = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Totals> totals = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper(EMPTY_TEXT);
    private final ReadOnlyStringWrapper onlineText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper offlineText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper timeText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper labelText = new ReadOnlyStringWrapper("");
    private final ObservableList<Series> bytesSeries = FXCollections.observableArrayList();
    private final ObservableList<Series> timeSeries = FXCollections.observableArrayList();
    private final ObservableList<Series> comparisonSeries = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper comparisonText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper comparisonTitle = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper comparisonInBytes = new ReadOnlyBooleanWrapper(true);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");

    public ReportViewModel(AppState state) {
        this(state.runs());
    }

    /** Follows a list of runs in the order they finished (oldest first), as {@link AppState#runs()} holds them. */
    public ReportViewModel(ObservableList<Run> runs) {
        this.source = runs;
        source.addListener((ListChangeListener<Run>) this::sourceChanged);
        selected.addListener((o, was, now) -> refresh());
        mirror();
        selected.set(this.runs.isEmpty() ? null : this.runs.get(0));
        refresh();
    }

    // ---- properties ----

    /** The runs, newest first. */
    public ObservableList<Run> runs() {
        return runsView;
    }

    public ObjectProperty<Run> selectedRunProperty() {
        return selected;
    }

    public Run getSelectedRun() {
        return selected.get();
    }

    /** True while there is no run at all. */
    public ReadOnlyBooleanProperty emptyProperty() {
        return empty.getReadOnlyProperty();
    }

    /** The selected run's layers. */
    public ObservableList<LayerRow> layers() {
        return layers;
    }

    /** The selected run's totals, or null. */
    public ReadOnlyObjectProperty<Totals> totalsProperty() {
        return totals.getReadOnlyProperty();
    }

    /** Which run is shown: model, configuration, time; or the empty-state text. */
    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty onlineTextProperty() {
        return onlineText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty offlineTextProperty() {
        return offlineText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty timeTextProperty() {
        return timeText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty labelTextProperty() {
        return labelText.getReadOnlyProperty();
    }

    /** Online and offline bytes per layer (two series). */
    public ObservableList<Series> bytesSeries() {
        return bytesSeries;
    }

    /** Milliseconds per layer (one series). */
    public ObservableList<Series> timeSeries() {
        return timeSeries;
    }

    /**
     * Online bytes per layer of the latest faithful and the latest mask-reuse run of the selected run's
     * model (two series), or empty when the runs do not hold both modes.
     */
    public ObservableList<Series> comparisonSeries() {
        return comparisonSeries;
    }

    /** What the comparison shows, or {@link #COMPARE_HINT} when it is empty. */
    /** The comparison chart's title; set before {@link #comparisonSeries} changes. */
    public ReadOnlyStringProperty comparisonTitleProperty() {
        return comparisonTitle.getReadOnlyProperty();
    }

    /** Whether the comparison chart shows bytes (else milliseconds); set before {@link #comparisonSeries} changes. */
    public ReadOnlyBooleanProperty comparisonInBytesProperty() {
        return comparisonInBytes.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty comparisonTextProperty() {
        return comparisonText.getReadOnlyProperty();
    }

    /** The outcome of the last export. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Why the last export failed, or "". */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    // ---- following the runs ----

    private void sourceChanged(ListChangeListener.Change<? extends Run> c) {
        Run newest = null;
        while (c.next()) {
            if (c.wasAdded()) {
                newest = c.getAddedSubList().get(c.getAddedSize() - 1);
            }
        }
        mirror();
        Run sel = selected.get();
        if (newest != null) {
            sel = newest;
        } else if (sel != null && !runs.contains(sel)) {
            sel = runs.isEmpty() ? null : runs.get(0);
        }
        if (sel == selected.get()) {
            refresh(); // the comparison may have changed
        } else {
            selected.set(sel);
        }
    }

    private void mirror() {
        List<Run> reversed = new ArrayList<>(source);
        Collections.reverse(reversed);
        runs.setAll(reversed);
        empty.set(runs.isEmpty());
    }

    private void refresh() {
        Run run = selected.get();
        if (run == null) {
            layers.clear();
            totals.set(null);
            headline.set(runs.isEmpty() ? EMPTY_TEXT : "Select a run.");
            onlineText.set("");
            offlineText.set("");
            timeText.set("");
            labelText.set("");
            bytesSeries.clear();
            timeSeries.clear();
            comparisonSeries.clear();
            comparisonText.set("");
            return;
        }
        List<LayerRow> rows = rows(run);
        layers.setAll(rows);
        Totals t = Totals.of(run);
        totals.set(t);
        headline.set(run.model().name() + " · " + describe(run.config()) + " · " + TIME.format(run.at().atZone(
                ZoneId.systemDefault())));
        onlineText.set(String.format(Locale.ROOT, "Online, between the servers: %s in %,d rounds, %,d messages; on"
                        + " the wire: %s", Bytes.exact(t.onlineBytes()), t.rounds(), t.messages(),
                t.wireBytes() < 0 ? "not measured (both servers in one process)" : Bytes.exact(t.wireBytes())));
        LayerRow outside = outsideLayers(run);
        offlineText.set(t.byServers() ? String.format(Locale.ROOT, "Offline, between the servers (no dealer: oblivious"
                        + " transfer before the online phase): %s in %,d rounds, %.1f ms%s", Bytes.exact(t.offlineBytes()),
                t.offlineRounds(), t.offlineMillis(), outside.offlineBytes() == 0 ? ""
                        : String.format(Locale.ROOT, ", of which %,d B belong to no layer (the nonce check%s)",
                        outside.offlineBytes(), outside.offlineBytes() > 2L * io.sonic.engine.ot.OtPreprocessing.NONCE_BYTES
                                ? " and the link's base OTs, made on its first query" : ""))
                : String.format(Locale.ROOT, "Offline, dealer to servers: %s%s", Bytes.exact(t.offlineBytes()),
                outside.offlineBytes() == 0 ? ""
                        : String.format(Locale.ROOT, ", of which %,d B are the two PRG seeds", outside.offlineBytes())));
        timeText.set(time(t));
        labelText.set(labels(run, t));
        bytesSeries.setAll(
                series("online bytes", rows, LayerRow::onlineBytes),
                series(t.byServers() ? "offline bytes (between the servers)" : "offline bytes (dealer)", rows,
                        LayerRow::offlineBytes));
        timeSeries.setAll(series("online ms", rows, LayerRow::millis));
        compare(run);
    }

    private void compare(Run run) {
        List<Run> links = latestPerLink(run);
        if (links.size() >= 2) {
            compareLinks(run, links);
            return;
        }
        comparisonInBytes.set(true);
        Run dealer = latestWith(run, SecureConfig.Preprocessing.DEALER);
        Run servers = latestWith(run, SecureConfig.Preprocessing.OT);
        if (dealer != null && servers != null) {
            compareSources(run, dealer, servers);
            return;
        }
        Run sonic = latest(run.model().key(), run.config().linear(), SecureConfig.Suite.SONIC);
        Run fss = latest(run.model().key(), run.config().linear(), SecureConfig.Suite.FSS);
        if (sonic != null && fss != null) {
            compareSuites(run, sonic, fss);
            return;
        }
        Run faithful = latest(run.model().key(), LinearMode.FAITHFUL, run.config().suite());
        Run reuse = latest(run.model().key(), LinearMode.MASK_REUSE, run.config().suite());
        if (faithful == null || reuse == null) {
            comparisonSeries.clear();
            comparisonText.set(COMPARE_HINT);
            return;
        }
        comparisonTitle.set("Online bytes per layer: faithful vs mask-reuse");
        comparisonSeries.setAll(
                series("faithful", rows(faithful), LayerRow::onlineBytes),
                series("mask-reuse", rows(reuse), LayerRow::onlineBytes));
        long fb = faithful.result().online().bytes();
        long rb = reuse.result().online().bytes();
        StringBuilder s = new StringBuilder(String.format(
                "Online bytes of %s, latest faithful run (%s) vs latest mask-reuse run (%s): %s vs %s per query",
                run.model().name(), TIME.format(faithful.at().atZone(ZoneId.systemDefault())),
                TIME.format(reuse.at().atZone(ZoneId.systemDefault())), Bytes.human(fb), Bytes.human(rb)));
        if (fb > 0 && rb < fb) {
            s.append(String.format(Locale.ROOT, ", %.1f%% less", 100.0 * (fb - rb) / fb));
        }
        s.append(". Mask-reuse opens W - A once per model, so a query opens only X - B.");
        SecureConfig a = faithful.config();
        SecureConfig b = reuse.config();
        if (a.truncation() != b.truncation() || a.output() != b.output() || a.fractionBits() != b.fractionBits()) {
            s.append(" The two runs differ in other settings too: ").append(describe(a)).append(" vs ")
                    .append(describe(b)).append('.');
        }
        comparisonText.set(s.toString());
    }

    /**
     * The latest run of the selected run's model and settings (network aside) whose randomness came from
     * {@code from}, or null.
     */
    private Run latestWith(Run run, SecureConfig.Preprocessing from) {
        if (SecureConfig.refusal(run.config().suite(), from) != null) {
            return null; // the FSS suite runs with the dealer only
        }
        SecureConfig want = run.config().protocolOnly().withPreprocessing(from);
        Run best = null;
        for (Run r : source) {
            if (r.model().key().equals(run.model().key()) && r.config().protocolOnly().equals(want)
                    && (best == null || !r.at().isBefore(best.at()))) {
                best = r;
            }
        }
        return best;
    }

    /** The same model and settings with the dealer and without: offline bytes per layer, the online phase alike. */
    private void compareSources(Run run, Run dealer, Run servers) {
        comparisonTitle.set("Offline bytes per layer: from the dealer vs between the servers (no dealer)");
        comparisonSeries.setAll(
                series("dealer to servers", rows(dealer), LayerRow::offlineBytes),
                series("between the servers (OT)", rows(servers), LayerRow::offlineBytes));
        Totals d = Totals.of(dealer);
        Totals o = Totals.of(servers);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "Offline traffic of %s (%s), latest dealer run (%s) vs latest run without a dealer (%s): the dealer"
                        + " sent %s; without it the servers sent each other %s in %,d rounds (%.1f ms)",
                run.model().name(), run.config().linear().cliName(), TIME.format(dealer.at().atZone(ZoneId.systemDefault())),
                TIME.format(servers.at().atZone(ZoneId.systemDefault())), Bytes.human(d.offlineBytes()),
                Bytes.human(o.offlineBytes()), o.offlineRounds(), o.offlineMillis()));
        if (d.offlineBytes() > 0) {
            s.append(String.format(Locale.ROOT, ", %,.0f times as much", (double) o.offlineBytes() / d.offlineBytes()));
        }
        s.append(String.format(Locale.ROOT, ". Online both sent %s in %d rounds%s.", Bytes.human(d.onlineBytes()),
                d.rounds(), d.onlineBytes() == o.onlineBytes() && d.rounds() == o.rounds() ? ": the online phase is the"
                        + " same" : String.format(Locale.ROOT, " vs %s in %d rounds", Bytes.human(o.onlineBytes()),
                        o.rounds())));
        s.append(" A dealer that never sees data makes the offline phase small; without one nobody outside the two"
                + " servers is trusted, and they pay in bytes and rounds before every query.");
        comparisonText.set(s.toString());
    }

    /** The Sonic suite's and the FSS suite's latest runs of the model in the selected run's linear mode. */
    private void compareSuites(Run run, Run sonic, Run fss) {
        comparisonTitle.set("Online bytes per layer: Sonic suite vs FSS suite");
        comparisonSeries.setAll(
                series("sonic suite", rows(sonic), LayerRow::onlineBytes),
                series("fss suite", rows(fss), LayerRow::onlineBytes));
        var a = sonic.result();
        var b = fss.result();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "Online bytes of %s (%s), latest Sonic-suite run (%s) vs latest FSS-suite run (%s): %s in %d rounds vs"
                        + " %s in %d rounds per query; the dealer sent %s vs %s.", run.model().name(),
                run.config().linear().cliName(), TIME.format(sonic.at().atZone(ZoneId.systemDefault())),
                TIME.format(fss.at().atZone(ZoneId.systemDefault())), Bytes.human(a.online().bytes()),
                a.online().rounds(), Bytes.human(b.online().bytes()), b.online().rounds(), Bytes.human(a.offlineBytes()),
                Bytes.human(b.offlineBytes())));
        s.append(" FSS opens one masked value per comparison: fewer rounds and bytes online, larger dealer keys.");
        SecureConfig x = sonic.config();
        SecureConfig y = fss.config();
        if (x.truncation() != y.truncation() || x.output() != y.output() || x.fractionBits() != y.fractionBits()) {
            s.append(" The two runs differ in other settings too: ").append(describe(x)).append(" vs ")
                    .append(describe(y)).append('.');
        }
        comparisonText.set(s.toString());
    }

    /**
     * The latest run of the selected run's model and settings on each network it ran on (at least the
     * selected run's own), in the order loopback, lan, wan, then custom links by text.
     */
    private List<Run> latestPerLink(Run run) {
        java.util.Map<String, Run> best = new java.util.TreeMap<>(java.util.Comparator.comparingInt(
                ReportViewModel::linkOrder).thenComparing(java.util.Comparator.naturalOrder()));
        SecureConfig want = run.config().protocolOnly();
        for (Run r : source) {
            if (r.model().key().equals(run.model().key()) && r.config().protocolOnly().equals(want)) {
                best.merge(r.config().link().text(), r, (a, b) -> b.at().isBefore(a.at()) ? a : b);
            }
        }
        best.put(run.config().link().text(), run);
        return List.copyOf(best.values());
    }

    private static int linkOrder(String text) {
        List<String> named = java.util.Arrays.stream(LinkProfile.named()).map(LinkProfile::text).toList();
        int i = named.indexOf(text);
        return i < 0 ? named.size() : i;
    }

    /**
     * The same model and settings on several networks: the bytes and rounds are the same, the time is not;
     * per link, how much of it the rounds' latency and the transfer explain.
     */
    private void compareLinks(Run run, List<Run> runs) {
        comparisonInBytes.set(false);
        comparisonTitle.set("Online milliseconds per layer on each network (same bytes and rounds)");
        List<Series> series = new ArrayList<>();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Online time of %s (%s) per query, by network:",
                run.model().name(), describe(run.config().protocolOnly())));
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            LinkProfile l = r.config().link();
            series.add(series(l.text(), rows(r), LayerRow::millis));
            var t = r.result().online();
            LinkProfile.Split sp = l.split(r.result().onlineNanos(), t.rounds(), t.bytesSent());
            s.append(i == 0 ? " " : "; ").append(String.format(Locale.ROOT, "%s %.1f ms", l.text(),
                    r.result().onlineNanos() / 1e6));
            if (l.simulated()) {
                s.append(String.format(Locale.ROOT, " (%d rounds × %s ms latency = %.1f ms, transfer %.1f ms,"
                                + " computing %.1f ms)", t.rounds(), millisText(l.latencyNanos()), sp.latencyNanos() / 1e6,
                        sp.transferNanos() / 1e6, sp.computeNanos() / 1e6));
            }
        }
        s.append(". Each round waits one latency, so on a slow network the protocol with fewer rounds wins even"
                + " when it sends more bytes.");
        comparisonSeries.setAll(series);
        comparisonText.set(s.toString());
    }

    private static String millisText(long nanos) {
        double ms = nanos / 1e6;
        return ms == Math.rint(ms) ? Long.toString((long) ms) : String.valueOf(ms);
    }

    /**
     * The latest run of a model (by its key) in a linear mode and suite (by time; of equal times, the later in
     * the list).
     */
    private Run latest(String modelKey, LinearMode mode, SecureConfig.Suite suite) {
        Run best = null;
        for (Run r : source) {
            if (r.model().key().equals(modelKey) && r.config().linear() == mode && r.config().suite() == suite
                    && (best == null || !r.at().isBefore(best.at()))) {
                best = r;
            }
        }
        return best;
    }

    private static Series series(String name, List<LayerRow> rows, java.util.function.ToDoubleFunction<LayerRow> f) {
        return new Series(name, rows.stream().map(r -> new Bar(r.category(), f.applyAsDouble(r))).toList());
    }

    // ---- exports (the view runs them in the background) ----

    /** The work of saving the selected run as CSV; null when no run is selected. */
    public Callable<Path> csvExport(Path target) {
        Run run = selected.get();
        return run == null ? null : () -> {
            writeCsv(run, target);
            return target;
        };
    }

    /** The work of saving the selected run as JSON; null when no run is selected. */
    public Callable<Path> jsonExport(Path target) {
        Run run = selected.get();
        return run == null ? null : () -> {
            writeJson(run, target);
            return target;
        };
    }

    /** A file name for exporting the selected run, such as {@code mnist-m1-mask-reuse-20250101-120000.csv}. */
    public String suggestedFileName(String extension) {
        Run run = selected.get();
        if (run == null) {
            return "sonic-report." + extension;
        }
        String model = run.model().name().replaceAll("[^A-Za-z0-9._-]+", "-");
        return model + "-" + run.config().suite().cliName() + "-" + run.config().linear().cliName() + "-"
                + STAMP.format(run.at().atZone(ZoneId.systemDefault())) + "." + extension;
    }

    public void exported(Path file) {
        error.set("");
        status.set("Saved " + file);
    }

    public void exportFailed(Path file, Throwable t) {
        status.set("");
        error.set("Could not save " + file.getFileName() + ": " + reason(t));
    }

    /** A short reason for a failed file operation, never a stack trace. */
    static String reason(Throwable t) {
        if (t instanceof AccessDeniedException e) {
            return "no permission to write " + e.getFile();
        } else if (t instanceof NoSuchFileException e) {
            return e.getReason() != null ? e.getReason() + ": " + e.getFile() : "no such file or folder: " + e.getFile();
        } else if (t instanceof FileSystemException e && e.getReason() != null) {
            return e.getReason();
        }
        return Tasks.message(t);
    }

    // ---- pure functions ----

    /** Whether the run had no dealer: the two servers made its randomness with oblivious transfer. */
    public static boolean byServers(Run run) {
        return run.config().preprocessing() == SecureConfig.Preprocessing.OT;
    }

    public static List<LayerRow> rows(Run run) {
        return run.result().layers().stream().map(LayerRow::of).toList();
    }

    /**
     * What belongs to no layer: the run's totals minus the sum of its layers (the dealer's seeds, link
     * framing between layers). Index -1; wire bytes -1 when they are not measured; no time.
     */
    public static LayerRow outsideLayers(Run run) {
        InferenceResult r = run.result();
        long online = r.online().bytes();
        long rounds = r.online().rounds();
        long messages = r.online().messages();
        boolean byServers = byServers(run);
        long offline = Totals.of(run).offlineBytes();
        long wire = r.wireBytes();
        for (LayerStat s : r.layers()) {
            online -= s.online().bytes();
            rounds -= s.online().rounds();
            messages -= s.online().messages();
            offline -= s.offlineBytes();
            wire = wire < 0 || s.wireBytes() < 0 ? -1 : wire - s.wireBytes();
        }
        return new LayerRow(-1, "outside layers", "", byServers ? "nonce check, base OTs (a link's first query), link"
                + " framing" : "dealer seeds and link framing", online, wire, rounds, messages, offline, 0);
    }

    /** "linear mask-reuse, truncation exact, output logits, f = 16". */
    public static String describe(SecureConfig c) {
        return c.suite().cliName() + " suite, linear " + c.linear().cliName() + ", truncation "
                + c.truncation().name().toLowerCase(Locale.ROOT)
                + ", output " + c.output().name().toLowerCase(Locale.ROOT) + ", f = " + c.fractionBits()
                + (c.link().simulated() ? ", " + c.link().text() + " link" : "")
                + (c.preprocessing() == SecureConfig.Preprocessing.OT ? ", no dealer (randomness by OT)" : "");
    }

    /** Two lines for the list of runs: model and mode; time, online bytes and label. */
    public static String describe(Run run) {
        Totals t = Totals.of(run);
        return String.format(Locale.ROOT, "%s · %s · %s%s%s%s%n%s · %s online · %s%s", run.model().name(),
                run.config().suite().cliName(), run.config().linear().cliName(), run.config().output() == SecureConfig.OutputMode.LABEL ? " · label"
                        : "", run.config().link().simulated() ? " · " + run.config().link().text() : "",
                byServers(run) ? " · no dealer" : "", TIME.format(run.at().atZone(ZoneId.systemDefault())), Bytes.human(t.onlineBytes()),
                run.model().className(t.label()), t.agree() ? "" : " (plain " + run.model().className(t.plainLabel())
                        + ")");
    }

    /** The time line: online time without step-mode pauses, and the pauses apart. */
    static String time(Totals t) {
        if (t.pausedMillis() > 0) {
            return String.format(Locale.ROOT, "Time: %.1f ms online (the servers' work; the %.1f s they waited in"
                    + " step mode are not counted), %.1f ms for the whole query without the pauses", t.onlineMillis(),
                    t.pausedMillis() / 1000, Math.max(0, t.totalMillis() - t.pausedMillis()));
        }
        return String.format(Locale.ROOT, "Time: %.1f ms online, %.1f ms for the whole query", t.onlineMillis(),
                t.totalMillis());
    }

    /** The label line: secure, plaintext and true labels with names, and why label output has no logits. */
    static String labels(Run run, Totals t) {
        StringBuilder s = new StringBuilder("Secure label ").append(run.model().className(t.label()))
                .append(", plaintext label ").append(run.model().className(t.plainLabel())).append(": ")
                .append(t.agree() ? "they agree" : "they DIFFER");
        if (t.trueLabel() != null) {
            s.append("; true label ").append(run.model().className(t.trueLabel())).append(": ")
                    .append(t.label() == t.trueLabel() ? "correct" : "wrong");
        }
        if (run.config().output() == SecureConfig.OutputMode.LABEL) {
            s.append(". Label output: the servers revealed only the label (secure argmax), no logits, so this run"
                    + " has no probabilities.");
        }
        if (run.model().randomWeights()) {
            s.append(" The model's weights are random: its labels say nothing about accuracy.");
        }
        return s.toString();
    }

    static final String CSV_HEADER = "index,name,op,protocol,online_bytes,wire_bytes,rounds,messages,offline_bytes,millis";

    /**
     * The run as CSV: a header, one line per layer, a line for what belongs to no layer, and a total
     * line, so that every count column adds up to the total. Wire bytes are empty where not measured;
     * the total's milliseconds are the online time.
     */
    public static String toCsv(Run run) {
        StringBuilder s = new StringBuilder(CSV_HEADER).append('\n');
        for (LayerRow r : rows(run)) {
            csvLine(s, Integer.toString(r.index()), r, String.format(Locale.ROOT, "%.3f", r.millis()));
        }
        csvLine(s, "", outsideLayers(run), "");
        Totals t = Totals.of(run);
        csvLine(s, "", new LayerRow(-1, "total", "", "", t.onlineBytes(), t.wireBytes(), t.rounds(), t.messages(),
                t.offlineBytes(), t.onlineMillis()), String.format(Locale.ROOT, "%.3f", t.onlineMillis()));
        return s.toString();
    }

    private static void csvLine(StringBuilder s, String index, LayerRow r, String millis) {
        s.append(index).append(',').append(csv(r.name())).append(',').append(csv(r.op())).append(',')
                .append(csv(r.protocol())).append(',').append(r.onlineBytes()).append(',')
                .append(r.wireBytes() < 0 ? "" : Long.toString(r.wireBytes())).append(',').append(r.rounds())
                .append(',').append(r.messages()).append(',').append(r.offlineBytes()).append(',').append(millis)
                .append('\n');
    }

    private static String csv(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    /**
     * The run as JSON, with the fields of {@code sonic infer --json} (without the sample number and
     * the error against the fixed-point reference) plus the model, the configuration and the time.
     */
    public static String toJson(Run run) {
        InferenceResult r = run.result();
        ObjectNode o = JSON.createObjectNode();
        o.put("model", run.model().name());
        o.put("at", run.at().toString());
        SecureConfig c = run.config();
        ObjectNode cfg = o.putObject("config");
        cfg.put("suite", c.suite().cliName());
        cfg.put("linear", c.linear().cliName());
        cfg.put("truncation", c.truncation().name().toLowerCase(Locale.ROOT));
        cfg.put("output", c.output().name().toLowerCase(Locale.ROOT));
        cfg.put("link", c.link().text());
        cfg.put("preprocessing", c.preprocessing().cliName());
        cfg.put("fractionBits", c.fractionBits());
        ArrayNode sec = o.putArray("secure");
        for (double v : r.output()) {
            sec.add(v);
        }
        if (run.plain() != null) {
            ArrayNode pl = o.putArray("plain");
            for (float v : run.plain()) {
                pl.add(v);
            }
        }
        o.put("label", r.predictedLabel());
        o.put("plainLabel", run.plainLabel());
        if (run.trueLabel() != null) {
            o.put("trueLabel", run.trueLabel());
        }
        if (run.inputSource() != null) {
            o.put("input", run.inputSource());
        }
        io.sonic.cloud.client.ResultJson.putTraffic(o, r);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toCsv} to a file atomically (UTF-8). */
    public static void writeCsv(Run run, Path file) throws IOException {
        AtomicWrite.write(file, toCsv(run).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@link #toJson} to a file atomically (UTF-8). */
    public static void writeJson(Run run, Path file) throws IOException {
        AtomicWrite.write(file, toJson(run).getBytes(StandardCharsets.UTF_8));
    }
}
