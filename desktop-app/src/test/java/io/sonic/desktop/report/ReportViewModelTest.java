package io.sonic.desktop.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.AppState.Run;
import io.sonic.desktop.report.ReportViewModel.Bar;
import io.sonic.desktop.report.ReportViewModel.LayerRow;
import io.sonic.desktop.report.ReportViewModel.Series;
import io.sonic.desktop.report.ReportViewModel.Totals;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.InferenceResult.LayerStat;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.net.Traffic;
import javafx.collections.FXCollections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.sonic.desktop.report.SampleRuns.BREAST_CANCER;
import static io.sonic.desktop.report.SampleRuns.MNIST_M1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportViewModelTest {
    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");
    private static Run bcFaithful;
    private static Run bcReuse;
    private static Run m1Faithful;
    private static Run m1Reuse;
    private static Run m1ReuseLabel;

    @BeforeAll
    static void runTheSamples() {
        bcFaithful = SampleRuns.run(BREAST_CANCER, LinearMode.FAITHFUL, T0);
        bcReuse = SampleRuns.run(BREAST_CANCER, LinearMode.MASK_REUSE, T0.plusSeconds(1));
        m1Faithful = SampleRuns.run(MNIST_M1, LinearMode.FAITHFUL, T0.plusSeconds(2));
        m1Reuse = SampleRuns.run(MNIST_M1, LinearMode.MASK_REUSE, T0.plusSeconds(3));
        m1ReuseLabel = SampleRuns.run(MNIST_M1, SampleRuns.config(LinearMode.MASK_REUSE)
                .withOutput(SecureConfig.OutputMode.LABEL), T0.plusSeconds(4));
    }

    private static List<Run> all() {
        return List.of(bcFaithful, bcReuse, m1Faithful, m1Reuse, m1ReuseLabel);
    }

    @Test
    void withoutRunsTheScreenSaysWhatToDo() {
        ReportViewModel vm = new ReportViewModel(new AppState());
        assertTrue(vm.emptyProperty().get());
        assertEquals(ReportViewModel.EMPTY_TEXT, vm.headlineProperty().get());
        assertNull(vm.getSelectedRun());
        assertNull(vm.totalsProperty().get());
        assertTrue(vm.layers().isEmpty());
        assertTrue(vm.bytesSeries().isEmpty());
        assertTrue(vm.comparisonSeries().isEmpty());
        assertNull(vm.csvExport(Path.of("x.csv")));
    }

    @Test
    void totalsAreTheResultsFiguresAndTheSumOfTheLayerRows() {
        for (Run run : all()) {
            AppState state = new AppState();
            ReportViewModel vm = new ReportViewModel(state);
            state.runs().add(run);
            String what = run.model().name() + " " + ReportViewModel.describe(run.config());
            assertSame(run, vm.getSelectedRun(), what);
            InferenceResult r = run.result();
            Totals t = vm.totalsProperty().get();
            assertEquals(r.online().bytes(), t.onlineBytes(), what);
            assertEquals(r.online().rounds(), t.rounds(), what);
            assertEquals(r.online().messages(), t.messages(), what);
            assertEquals(r.wireBytes(), t.wireBytes(), what);
            assertEquals(r.offlineBytes(), t.offlineBytes(), what);
            assertEquals(r.onlineNanos() / 1e6, t.onlineMillis(), what);
            assertEquals(r.nanos() / 1e6, t.totalMillis(), what);
            assertEquals(r.predictedLabel(), t.label(), what);
            assertEquals(run.plainLabel(), t.plainLabel(), what);

            assertEquals(r.layers().size(), vm.layers().size(), what);
            for (int i = 0; i < r.layers().size(); i++) {
                LayerStat s = r.layers().get(i);
                LayerRow row = vm.layers().get(i);
                assertEquals(s.index(), row.index());
                assertEquals(s.name(), row.name());
                assertEquals(s.op(), row.op());
                assertEquals(s.protocol().label(), row.protocol());
                assertEquals(s.online().bytes(), row.onlineBytes());
                assertEquals(s.wireBytes(), row.wireBytes());
                assertEquals(s.offlineBytes(), row.offlineBytes());
                assertEquals(s.nanos() / 1e6, row.millis());
            }
            assertEquals(t.onlineBytes(), vm.layers().stream().mapToLong(LayerRow::onlineBytes).sum(), what);
            assertEquals(t.rounds(), vm.layers().stream().mapToLong(LayerRow::rounds).sum(), what);
            assertEquals(t.messages(), vm.layers().stream().mapToLong(LayerRow::messages).sum(), what);
            // the offline total also holds the dealer's two seeds, which belong to no layer
            LayerRow outside = ReportViewModel.outsideLayers(run);
            assertEquals(2L * Prg.SEED_BYTES, outside.offlineBytes(), what);
            assertEquals(0, outside.onlineBytes(), what);
            assertEquals(-1, outside.wireBytes(), "in memory, no wire bytes");
            assertEquals(t.offlineBytes(),
                    vm.layers().stream().mapToLong(LayerRow::offlineBytes).sum() + outside.offlineBytes(), what);
            assertTrue(vm.offlineTextProperty().get().contains("of which 32 B are the two PRG seeds"),
                    vm.offlineTextProperty().get());
            assertTrue(vm.onlineTextProperty().get().contains(io.sonic.desktop.app.Bytes.exact(t.onlineBytes())),
                    vm.onlineTextProperty().get());
            assertTrue(vm.labelTextProperty().get().startsWith("Secure label " + t.label()));

            List<Series> bytes = vm.bytesSeries();
            assertEquals(2, bytes.size());
            assertEquals(r.layers().size(), bytes.get(0).bars().size());
            assertEquals(r.layers().get(0).online().bytes(), bytes.get(0).bars().get(0).value());
            assertEquals(r.layers().get(0).offlineBytes(), bytes.get(1).bars().get(0).value());
            assertEquals(r.layers().get(0).index() + " " + r.layers().get(0).name(),
                    bytes.get(0).bars().get(0).category());
            assertEquals(1, vm.timeSeries().size());
            assertEquals(r.layers().get(1).nanos() / 1e6, vm.timeSeries().get(0).bars().get(1).value());
        }
    }

    @Test
    void theCsvHasAHeaderOneLinePerLayerAndColumnsThatAddUpToTheTotal() {
        for (Run run : all()) {
            String csv = ReportViewModel.toCsv(run);
            List<String> lines = csv.lines().toList();
            InferenceResult r = run.result();
            // header, the layers, what belongs to no layer, the total
            assertEquals(1 + r.layers().size() + 2, lines.size(), csv);
            assertEquals(ReportViewModel.CSV_HEADER, lines.get(0));
            List<String> header = cells(lines.get(0));
            int onlineCol = header.indexOf("online_bytes");
            int wireCol = header.indexOf("wire_bytes");
            int roundsCol = header.indexOf("rounds");
            int messagesCol = header.indexOf("messages");
            int offlineCol = header.indexOf("offline_bytes");
            List<String[]> body = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = cells(line).toArray(String[]::new);
                assertEquals(header.size(), cells.length, line);
                body.add(cells);
            }
            String[] total = body.remove(body.size() - 1);
            assertEquals("total", total[1]);
            assertEquals(r.online().bytes(), Long.parseLong(total[onlineCol]));
            assertEquals(r.online().rounds(), Long.parseLong(total[roundsCol]));
            assertEquals(r.online().messages(), Long.parseLong(total[messagesCol]));
            assertEquals(r.offlineBytes(), Long.parseLong(total[offlineCol]));
            assertEquals("", total[wireCol], "no wire bytes in memory");
            for (int col : new int[] {onlineCol, roundsCol, messagesCol, offlineCol}) {
                long sum = body.stream().mapToLong(c -> Long.parseLong(c[col])).sum();
                assertEquals(Long.parseLong(total[col]), sum, header.get(col) + " of " + run.model().name());
            }
            for (int i = 0; i < r.layers().size(); i++) {
                String[] cells = body.get(i);
                LayerStat s = r.layers().get(i);
                assertEquals(Integer.toString(s.index()), cells[0]);
                assertEquals(s.name(), cells[1]);
                assertEquals(s.online().bytes(), Long.parseLong(cells[onlineCol]));
                assertEquals(s.offlineBytes(), Long.parseLong(cells[offlineCol]));
            }
            assertEquals("outside layers", body.get(body.size() - 1)[1]);
        }
    }

    /** The cells of one CSV line (RFC 4180 quoting). */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    @Test
    void overSocketsTheWireBytesOutsideTheLayersGetTheirOwnLineAndNamesAreQuoted() {
        Traffic layer = new Traffic(100, 100, 1, 1, 1);
        InferenceResult r = new InferenceResult(new double[] {0.25, 0.75}, null, new long[2],
                List.of(new LayerStat(0, "fc, \"big\"", "Gemm", io.sonic.engine.protocol.ProtocolId.of(io.sonic.engine.protocol.ProtocolName.BEAVER_MATMUL), layer, 300, 40, 2_000_000, List.of()),
                        new LayerStat(1, "relu", "Relu", io.sonic.engine.protocol.ProtocolId.of(io.sonic.engine.protocol.ProtocolName.MSB_RELU), layer, 280, 60, 1_000_000, List.of())),
                layer.plus(layer), 700, 132, 4_000_000, 0, 5_000_000, 0, io.sonic.engine.net.LinkProfile.LOOPBACK,
                io.sonic.engine.net.Traffic.ZERO);
        Run run = new Run(SampleRuns.open(SampleRuns.BREAST_CANCER), SecureConfig.DEFAULT, r, new float[] {0.2f, 0.8f},
                1, null, "synthetic", T0);
        LayerRow outside = ReportViewModel.outsideLayers(run);
        assertEquals(120, outside.wireBytes());
        assertEquals(32, outside.offlineBytes());
        List<String> lines = ReportViewModel.toCsv(run).lines().toList();
        assertEquals(5, lines.size());
        assertEquals(List.of("0", "fc, \"big\"", "Gemm", "Beaver matmul", "200", "300", "1", "2", "40", "2.000"),
                cells(lines.get(1)));
        assertEquals("120", cells(lines.get(3)).get(5));
        assertEquals(List.of("", "total", "", "", "400", "700", "2", "4", "132", "4.000"), cells(lines.get(4)));
        ReportViewModel vm = new ReportViewModel(FXCollections.observableArrayList(run));
        assertTrue(vm.onlineTextProperty().get().endsWith("on the wire: 700 B"),
                vm.onlineTextProperty().get());
        assertEquals(1, vm.totalsProperty().get().label());
        assertTrue(vm.totalsProperty().get().agree());
    }

    @Test
    void theJsonCarriesTheFieldsOfInferJson() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (Run run : all()) {
            JsonNode j = mapper.readTree(ReportViewModel.toJson(run));
            InferenceResult r = run.result();
            assertEquals(run.model().name(), j.get("model").asText());
            assertEquals(run.config().linear().cliName(), j.get("config").get("linear").asText());
            assertEquals(run.config().output().name().toLowerCase(), j.get("config").get("output").asText());
            assertEquals(run.config().truncation().name().toLowerCase(), j.get("config").get("truncation").asText());
            assertEquals(run.config().fractionBits(), j.get("config").get("fractionBits").asInt());
            assertEquals(run.at(), Instant.parse(j.get("at").asText()));
            assertEquals(r.output().length, j.get("secure").size());
            for (int i = 0; i < r.output().length; i++) {
                assertEquals(r.output()[i], j.get("secure").get(i).asDouble());
            }
            assertEquals(run.plain().length, j.get("plain").size());
            assertEquals(r.predictedLabel(), j.get("label").asInt());
            assertEquals(run.plainLabel(), j.get("plainLabel").asInt());
            assertEquals(r.online().bytes(), j.get("online").get("bytes").asLong());
            assertEquals(r.online().rounds(), j.get("online").get("rounds").asLong());
            assertEquals(r.online().messages(), j.get("online").get("messages").asLong());
            assertEquals(r.wireBytes(), j.get("online").get("wireBytes").asLong());
            assertEquals(r.offlineBytes(), j.get("offline").get("bytes").asLong());
            assertEquals(r.nanos() / 1e6, j.get("millis").asDouble());
            assertEquals(r.onlineNanos() / 1e6, j.get("onlineMillis").asDouble());
            assertEquals(r.layers().size(), j.get("layers").size());
            for (int i = 0; i < r.layers().size(); i++) {
                LayerStat s = r.layers().get(i);
                JsonNode l = j.get("layers").get(i);
                assertEquals(s.index(), l.get("index").asInt());
                assertEquals(s.name(), l.get("name").asText());
                assertEquals(s.op(), l.get("op").asText());
                assertEquals(s.protocol().label(), l.get("protocol").asText());
                assertEquals(s.online().bytes(), l.get("bytes").asLong());
                assertEquals(s.online().rounds(), l.get("rounds").asLong());
                assertEquals(s.wireBytes(), l.get("wireBytes").asLong());
                assertEquals(s.offlineBytes(), l.get("offlineBytes").asLong());
                assertEquals(s.nanos() / 1e6, l.get("millis").asDouble());
            }
        }
        assertEquals(0, mapper.readTree(ReportViewModel.toJson(m1ReuseLabel)).get("secure").size(),
                "with a label output only the label leaves the servers");
    }

    @Test
    void runsUnderBothSuitesAreComparedLayerByLayer() {
        AppState state = new AppState();
        ReportViewModel vm = new ReportViewModel(state);
        state.runs().add(m1Reuse);
        Run fss = SampleRuns.run(MNIST_M1, SampleRuns.config(LinearMode.MASK_REUSE)
                .withSuite(SecureConfig.Suite.FSS), T0.plusSeconds(9));
        state.runs().add(fss);
        List<Series> cmp = vm.comparisonSeries();
        assertEquals(List.of("sonic suite", "fss suite"), cmp.stream().map(Series::name).toList());
        for (int i = 0; i < fss.result().layers().size(); i++) {
            assertEquals(m1Reuse.result().layers().get(i).online().bytes(), cmp.get(0).bars().get(i).value());
            assertEquals(fss.result().layers().get(i).online().bytes(), cmp.get(1).bars().get(i).value());
        }
        String text = vm.comparisonTextProperty().get();
        assertTrue(text.contains(m1Reuse.result().online().rounds() + " rounds vs")
                && text.contains(fss.result().online().rounds() + " rounds per query"), text);
        assertTrue(fss.result().online().rounds() < m1Reuse.result().online().rounds());
        assertTrue(ReportViewModel.describe(fss).startsWith("mnist-m1 · fss · mask-reuse"), ReportViewModel.describe(fss));
    }

    @Test
    void aRunWithoutADealerShowsTheTrafficBetweenTheServersAndIsComparedWithTheDealerRun() throws Exception {
        AppState state = new AppState();
        ReportViewModel vm = new ReportViewModel(state);
        state.runs().add(m1Reuse);
        SecureConfig cfg = m1Reuse.config().withPreprocessing(SecureConfig.Preprocessing.OT);
        Run ot = SampleRuns.run(MNIST_M1, cfg, T0.plusSeconds(9));
        state.runs().add(ot);
        assertSame(ot, vm.selectedRunProperty().get());

        // the totals: what the servers sent each other (the formula, plus the base OTs of this first query)
        var plan = io.sonic.engine.Plan.of(SampleRuns.graph(MNIST_M1), cfg);
        long made = io.sonic.engine.ot.OtPreprocessing.bytesSent(plan, 0)
                + io.sonic.engine.ot.OtPreprocessing.bytesSent(plan, 1);
        long setup = 2L * io.sonic.engine.ot.OtSession.SETUP_BYTES_EACH_WAY;
        Totals t = vm.totalsProperty().get();
        assertTrue(t.byServers());
        assertEquals(made + setup, t.offlineBytes());
        assertEquals(io.sonic.engine.ot.OtPreprocessing.rounds(plan) + io.sonic.engine.ot.OtSession.SETUP_ROUNDS,
                t.offlineRounds());
        assertEquals(0, ot.result().offlineBytes(), "nothing came from a dealer");
        String off = vm.offlineTextProperty().get();
        assertTrue(off.startsWith("Offline, between the servers (no dealer"), off);
        assertTrue(off.contains(String.format(java.util.Locale.ROOT, "%,d B", made + setup)), off);
        assertTrue(off.contains("base OTs"), off);
        // the layers' rows add up to the total but for the nonce check and the base OTs
        long[] perLayer = io.sonic.engine.ot.OtPreprocessing.bytesPerLayer(plan,
                SampleRuns.graph(MNIST_M1).layers().size());
        long sum = 0;
        for (LayerRow r : vm.layers()) {
            assertEquals(perLayer[r.index()], r.offlineBytes(), "layer " + r.index());
            sum += r.offlineBytes();
        }
        LayerRow outside = ReportViewModel.outsideLayers(ot);
        assertEquals(2L * io.sonic.engine.ot.OtPreprocessing.NONCE_BYTES + setup, outside.offlineBytes());
        assertEquals(made + setup, sum + outside.offlineBytes());
        assertEquals("offline bytes (between the servers)", vm.bytesSeries().get(1).name());
        assertTrue(ReportViewModel.describe(ot).contains("· no dealer"), ReportViewModel.describe(ot));
        String[] csv = ReportViewModel.toCsv(ot).split("\n");
        String[] total = csv[csv.length - 1].split(",");
        assertEquals("total", total[1]);
        assertEquals(Long.toString(made + setup), total[8], "the CSV's offline column is the servers' traffic");
        assertEquals("ot", new ObjectMapper().readTree(ReportViewModel.toJson(ot))
                .get("config").get("preprocessing").asText());
        assertEquals(made + setup, new ObjectMapper().readTree(
                ReportViewModel.toJson(ot)).get("offline").get("betweenServers").get("bytes").asLong());

        // beside the dealer run of the same settings: offline bytes per layer, and the same online phase
        List<Series> cmp = vm.comparisonSeries();
        assertEquals(List.of("dealer to servers", "between the servers (OT)"), cmp.stream().map(Series::name).toList());
        for (int i = 0; i < ot.result().layers().size(); i++) {
            assertEquals(m1Reuse.result().layers().get(i).offlineBytes(), cmp.get(0).bars().get(i).value());
            assertEquals(ot.result().layers().get(i).offlineBytes(), cmp.get(1).bars().get(i).value());
        }
        assertEquals(m1Reuse.result().online(), ot.result().online(), "the online phase does not depend on the source");
        String text = vm.comparisonTextProperty().get();
        assertTrue(text.contains("the online phase is the same"), text);
        assertTrue(text.contains("the dealer sent " + io.sonic.desktop.app.Bytes.human(m1Reuse.result().offlineBytes())),
                text);
        assertTrue(text.contains("times as much"), text);
    }

    @Test
    void runsOfTheSameSettingsOnTwoNetworksAreComparedByTime() {
        AppState state = new AppState();
        ReportViewModel vm = new ReportViewModel(state);
        state.runs().add(m1Reuse);
        io.sonic.engine.net.LinkProfile slow = io.sonic.engine.net.LinkProfile.parse("latency=5ms,bandwidth=50mbit");
        Run far = SampleRuns.run(MNIST_M1, m1Reuse.config().withLink(slow), T0.plusSeconds(9));
        state.runs().add(far);
        assertFalse(vm.comparisonInBytesProperty().get(), "the same bytes on both: the chart compares time");
        assertTrue(vm.comparisonTitleProperty().get().contains("milliseconds"), vm.comparisonTitleProperty().get());
        List<Series> cmp = vm.comparisonSeries();
        assertEquals(List.of("loopback", slow.text()), cmp.stream().map(Series::name).toList());
        for (int i = 0; i < far.result().layers().size(); i++) {
            assertEquals(far.result().layers().get(i).nanos() / 1e6, cmp.get(1).bars().get(i).value(), 1e-9);
            assertEquals(m1Reuse.result().layers().get(i).online(), far.result().layers().get(i).online());
        }
        var t = far.result().online();
        var split = slow.split(far.result().onlineNanos(), t.rounds(), t.bytesSent());
        String text = vm.comparisonTextProperty().get();
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "%d rounds × 5 ms latency = %.1f ms", t.rounds(),
                split.latencyNanos() / 1e6)), text);
        assertTrue(far.result().onlineNanos() >= slow.networkNanos(t.rounds(), t.bytesSent()));
        assertTrue(vm.headlineProperty().get().contains(slow.text() + " link"), vm.headlineProperty().get());
    }

    @Test
    void comparisonNeedsBothLinearModesOfTheSameModel() {
        AppState state = new AppState();
        ReportViewModel vm = new ReportViewModel(state);
        state.runs().add(m1Faithful);
        assertTrue(vm.comparisonSeries().isEmpty());
        assertEquals(ReportViewModel.COMPARE_HINT, vm.comparisonTextProperty().get());

        state.runs().add(bcReuse); // another model: still nothing to compare for either
        assertTrue(vm.comparisonSeries().isEmpty());
        vm.selectedRunProperty().set(m1Faithful);
        assertTrue(vm.comparisonSeries().isEmpty());

        state.runs().add(m1Reuse);
        assertSame(m1Reuse, vm.getSelectedRun());
        List<Series> cmp = vm.comparisonSeries();
        assertEquals(2, cmp.size());
        assertEquals("faithful", cmp.get(0).name());
        assertEquals("mask-reuse", cmp.get(1).name());
        int layers = m1Faithful.result().layers().size();
        assertEquals(layers, cmp.get(0).bars().size());
        assertEquals(layers, cmp.get(1).bars().size());
        double faithfulFirst = cmp.get(0).bars().get(0).value();
        double reuseFirst = cmp.get(1).bars().get(0).value();
        assertEquals(m1Faithful.result().layers().get(0).online().bytes(), faithfulFirst);
        assertEquals(m1Reuse.result().layers().get(0).online().bytes(), reuseFirst);
        assertTrue(reuseFirst < faithfulFirst, reuseFirst + " vs " + faithfulFirst);
        assertTrue(vm.comparisonTextProperty().get().contains("% less"), vm.comparisonTextProperty().get());

        // the comparison also shows when an older run of the model is selected
        vm.selectedRunProperty().set(m1Faithful);
        assertEquals(2, vm.comparisonSeries().size());
        // but not for breast-cancer, run in one mode only
        vm.selectedRunProperty().set(bcReuse);
        assertTrue(vm.comparisonSeries().isEmpty());
        assertEquals(ReportViewModel.COMPARE_HINT, vm.comparisonTextProperty().get());

        // the latest run of each mode is compared: the label run adds the secure argmax
        state.runs().add(m1ReuseLabel);
        assertEquals(2, vm.comparisonSeries().size());
        assertEquals(layers + 1, vm.comparisonSeries().get(1).bars().size());
        assertTrue(vm.comparisonTextProperty().get().contains("differ in other settings"),
                vm.comparisonTextProperty().get());
    }

    @Test
    void theComparisonNeverMixesTwoModelsEvenOfTheSameName(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // a second file with the same name beside a card of its own: another model for the app
        Path other = dir.resolve("mnist-m1").resolve("mnist-m1.onnx");
        java.nio.file.Files.createDirectories(other.getParent());
        java.nio.file.Files.copy(SampleRuns.dir(SampleRuns.BREAST_CANCER).resolve("breast-cancer.onnx"), other);
        io.sonic.desktop.app.OpenModel impostor = io.sonic.desktop.app.OpenModel.of(other,
                io.sonic.model.onnx.OnnxImporter.read(other));
        assertEquals("mnist-m1", impostor.name());
        Run impostorFaithful = new Run(impostor, bcFaithful.config(), bcFaithful.result(), bcFaithful.plain(),
                bcFaithful.plainLabel(), null, "test sample 0", T0.plusSeconds(50));
        AppState state = new AppState();
        ReportViewModel vm = new ReportViewModel(state);
        state.runs().add(m1Faithful);
        state.runs().add(impostorFaithful);
        state.runs().add(m1Reuse);
        vm.selectedRunProperty().set(m1Faithful);
        List<Series> cmp = vm.comparisonSeries();
        assertEquals(2, cmp.size());
        List<String> want = ReportViewModel.rows(m1Faithful).stream().map(LayerRow::category).toList();
        assertEquals(want, cmp.get(0).bars().stream().map(Bar::category).toList(), "the faithful run of this model");
        assertEquals(want, cmp.get(1).bars().stream().map(Bar::category).toList());
        vm.selectedRunProperty().set(impostorFaithful);
        assertTrue(vm.comparisonSeries().isEmpty(), "the other mnist-m1 has no mask-reuse run");
    }

    @Test
    void runsAreListedNewestFirstAndANewRunIsSelected() {
        AppState state = new AppState();
        state.runs().add(bcFaithful);
        ReportViewModel vm = new ReportViewModel(state);
        assertFalse(vm.emptyProperty().get());
        assertSame(bcFaithful, vm.getSelectedRun());
        state.runs().add(m1Faithful);
        state.runs().add(m1Reuse);
        assertEquals(List.of(m1Reuse, m1Faithful, bcFaithful), vm.runs());
        assertSame(m1Reuse, vm.getSelectedRun());
        assertThrows(UnsupportedOperationException.class, () -> vm.runs().clear());

        vm.selectedRunProperty().set(bcFaithful);
        assertEquals(bcFaithful.result().layers().size(), vm.layers().size());
        assertTrue(vm.headlineProperty().get().startsWith(BREAST_CANCER + " · sonic suite, linear faithful"),
                vm.headlineProperty().get());

        state.runs().remove(bcFaithful);
        assertSame(m1Reuse, vm.getSelectedRun(), "the newest run replaces a removed selection");
        state.runs().remove(m1Faithful);
        assertSame(m1Reuse, vm.getSelectedRun(), "removing another run keeps the selection");
        state.runs().clear();
        assertNull(vm.getSelectedRun());
        assertTrue(vm.emptyProperty().get());
        assertTrue(vm.layers().isEmpty());
        assertEquals(ReportViewModel.EMPTY_TEXT, vm.headlineProperty().get());
    }

    @Test
    void writeCsvAndJsonReplaceTheFileAtomically(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("report.csv");
        Files.writeString(csv, "old content");
        ReportViewModel.writeCsv(m1Reuse, csv);
        assertEquals(ReportViewModel.toCsv(m1Reuse), Files.readString(csv));
        Path json = dir.resolve("report.json");
        ReportViewModel.writeJson(m1Reuse, json);
        assertEquals(ReportViewModel.toJson(m1Reuse), Files.readString(json));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("report.csv", "report.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void aFailedExportIsOneShortMessage(@TempDir Path dir) {
        AppState state = new AppState();
        ReportViewModel vm = new ReportViewModel(state);
        state.runs().add(bcFaithful);
        Path target = dir.resolve("missing").resolve("report.csv");
        Exception e = assertThrows(Exception.class, () -> vm.csvExport(target).call());
        vm.exportFailed(target, e);
        String msg = vm.errorProperty().get();
        assertTrue(msg.startsWith("Could not save report.csv: no such folder"), msg);
        assertFalse(msg.contains("Exception") || msg.contains("\n"), msg);
        assertEquals("", vm.statusProperty().get());

        Path ok = dir.resolve("report.json");
        vm.exported(ok);
        assertEquals("", vm.errorProperty().get());
        assertTrue(vm.statusProperty().get().contains("report.json"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing written, no folder created");
        } catch (java.io.IOException io) {
            throw new AssertionError(io);
        }
    }

    @Test
    void suggestedFileNamesNameModelModeAndTime() {
        AppState state = new AppState();
        ReportViewModel vm = new ReportViewModel(state);
        assertEquals("sonic-report.csv", vm.suggestedFileName("csv"));
        state.runs().add(m1Reuse);
        String name = vm.suggestedFileName("json");
        assertTrue(name.matches("mnist-m1-sonic-mask-reuse-\\d{8}-\\d{6}\\.json"), name);
        String line = ReportViewModel.describe(m1Reuse);
        assertTrue(line.startsWith("mnist-m1 · sonic · mask-reuse"), line);
        assertTrue(line.contains(io.sonic.desktop.app.Bytes.human(m1Reuse.result().online().bytes()) + " online"), line);
    }
}
