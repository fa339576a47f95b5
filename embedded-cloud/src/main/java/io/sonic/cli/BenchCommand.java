package io.sonic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.engine.CostModel;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.net.LinkProfile;
import io.sonic.engine.SecureInference;
import io.sonic.engine.TruncationReport;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.ReluLayer;
import io.sonic.model.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure secure inference: online bytes and rounds, offline bytes, latency, throughput and"
                + " ReLU cost, beside the paper's published cost formulas, for M1, M2, C1, C2 and any given model,"
                + " in both protocol suites (unless --suite names one) and both linear modes.",
                "Writes bench.json and bench.csv to --out. With --kernels, times the hot kernels instead."})
final class BenchCommand implements Callable<Integer> {
    /** ℓ, the ring's bit length. */
    private static final int L = 64;

    @Option(names = "--model", paramLabel = "FILE", description = "also benchmark this .onnx (repeatable)")
    List<Path> models = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "N", defaultValue = "30", description = "measured runs per model and mode")
    int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "30", description = "unmeasured runs first")
    int warmup;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "5", description = "the warm-up goes on"
            + " until it has also run this long (the JIT compiles the protocols over the first thousand or so"
            + " queries of a small model; not on a simulated link). Default: ${DEFAULT-VALUE}")
    double warmupSeconds;

    @Option(names = "--out", paramLabel = "DIR", description = "where bench.json and bench.csv go"
            + " (default: docs/benchmarks of a checkout; for an installed app, sonic-bench in the current folder)")
    Path out;

    @Option(names = "--batch", split = ",", paramLabel = "N", defaultValue = "1",
            description = "batch sizes to measure, e.g. 1,10,100: a batch of N runs N queries in one run, every"
                    + " round carrying all of them. Default: ${DEFAULT-VALUE}")
    List<Integer> batches;

    /** Batches take a while each: at most this many warm-up and measured runs of a batch larger than one. */
    private static final int BATCH_WARMUP = 3;
    private static final int BATCH_RUNS = 10;

    @Option(names = "--only-given", description = "skip the four paper networks")
    boolean onlyGiven;

    @Option(names = "--scale", description = "instead: torchvision's ResNet-18 and ResNet-50 at 224x224 (random"
            + " weights, exported by sample-models/scale.py when missing), one query each in one process and with the"
            + " dealer and both servers as three processes: time, bytes, rounds, peak memory per node")
    boolean scale;

    @Option(names = "--kernels", description = "time the hot kernels (PRG, share matmul and conv, ReLU of both suites, the DCF kernel in AES blocks per second)")
    boolean kernels;

    @Option(names = "--truncation-report", description = "per truncating layer: the largest pre-truncation value on"
            + " the model's inputs and the local truncation's failure probability")
    boolean truncationReport;

    @Mixin
    SecureOptions secure;

    @Spec
    CommandSpec spec;

    /** One measured configuration; {@code predictedMs} is the link model's figure for the median (null on loopback). */
    record Row(String model, String suite, String linear, String link, int batch, long onlineBytes, long rounds,
               long offlineBytes,
               double medianMs, double p90Ms, Double predictedMs, double medianOfflineMs, double perSecond, long relus,
               double reluBytes, long paperOnlineBytes, long paperOfflineBytes, long setupBytes, int warmupRuns) {
    }

    /** Runs on a simulated link take a second or more each: at most this many warm-up and measured runs there. */
    private static final int SIMULATED_WARMUP = 2;
    private static final int SIMULATED_RUNS = 5;

    /**
     * Where the figures go, checked before anything is measured: --out, else docs/benchmarks of a checkout,
     * else (an installed app, whose folder is read-only) sonic-bench in the current folder.
     */
    private Path outputDir() {
        Path docs = root().resolve("docs");
        Path dir = out != null ? out : Files.isDirectory(docs) && Files.isWritable(docs)
                ? docs.resolve("benchmarks") : Path.of("sonic-bench").toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserInputException("cannot create the output folder " + dir + " (" + e.getClass().getSimpleName()
                    + "); give a writable one with --out DIR");
        }
        if (!Files.isWritable(dir)) {
            throw new UserInputException("the output folder " + dir + " is not writable; give another with --out DIR");
        }
        return dir;
    }

    static Path root() {
        String r = System.getProperty("sonic.root");
        return Path.of(r == null ? "." : r).toAbsolutePath().normalize();
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (runs < 1 || warmup < 0 || !(warmupSeconds >= 0)) {
            throw new UserInputException("--runs must be at least 1, --warmup and --warmup-seconds at least 0");
        }
        if (kernels) {
            KernelBench.run(o);
            return 0;
        }
        if (scale) {
            ScaleBench.run(o, root(), secure.config(), outputDir());
            return 0;
        }
        Path dir = outputDir();
        List<Path> all = new ArrayList<>();
        if (!onlyGiven) {
            for (String m : new String[] {"mnist-m1", "mnist-m2", "cifar-c1", "cifar-c2"}) {
                all.add(root().resolve("sample-models").resolve(m).resolve(m + ".onnx"));
            }
        }
        all.addAll(models);
        if (all.isEmpty()) {
            throw new UserInputException("nothing to benchmark: give --model FILE or drop --only-given");
        }
        SecureConfig base = secure.config();
        if (truncationReport) {
            for (Path p : all) {
                ModelGraph g = OnnxImporter.read(p);
                TruncationReport.Report r = TruncationReport.of(g, base.fixedPoint(), inputsFor(p, g));
                Table t = new Table(List.of("#", "layer", "op", "elements", "max |x| before truncation", "bits",
                        "local failure / inference"), true, false, false, true, true, true, true);
                for (TruncationReport.LayerLine l : r.layers()) {
                    t.row(l.index(), l.name(), l.op(), l.elements(), String.format("%,d", l.maxMagnitude()), l.bits(),
                            String.format("%.2e", l.localFailurePerInference()));
                }
                o.printf("%s, f = %d: local truncation fails with probability about %.2e per inference; exact"
                        + " truncation needs |x| < 2^62 and has %d bits to spare%n", g.name(), base.fractionBits(),
                        r.localFailurePerInference(), 62 - r.worstBits());
                o.print(t.render());
                o.println();
            }
            return 0;
        }
        List<Row> rows = new ArrayList<>();
        // both suites unless one was asked for
        boolean ot = base.preprocessing() == SecureConfig.Preprocessing.OT;
        // without a dealer only the Sonic suite runs (the FSS suite's keys need one)
        List<SecureConfig.Suite> suites = spec.commandLine().getParseResult().hasMatchedOption("--suite") || ot
                ? List.of(base.suite()) : List.of(SecureConfig.Suite.values());
        List<LinkProfile> links = secure.links();
        o.printf("%d warm-up runs (and more until %s s of warm-up) and %d measured runs per model and mode (on a"
                        + " simulated link at most %d and %d); truncation %s, output %s, f = %d%n%n", warmup,
                new java.text.DecimalFormat("0.###").format(warmupSeconds), runs, Math.min(warmup, SIMULATED_WARMUP),
                Math.min(runs, SIMULATED_RUNS), base.truncation().name().toLowerCase(),
                base.output().name().toLowerCase(), base.fractionBits());
        if (ot) {
            o.printf("no dealer: the servers make each query's randomness with oblivious transfer; the offline"
                    + " columns are the bytes between the servers and their time%n%n");
        }
        for (Path p : all) {
            ModelGraph g = OnnxImporter.read(p).requireOneSample();
            List<float[]> inputs = inputsFor(p, g);
            if (ot) {
                try {
                    io.sonic.engine.ot.OtPreprocessing.check(io.sonic.engine.Plan.of(g, base));
                } catch (IllegalArgumentException e) {
                    o.printf("  skipped %s: %s%n", g.name(), e.getMessage());
                    continue;
                }
            }
            for (SecureConfig.Suite suite : suites) {
                for (SecureConfig.LinearMode mode : SecureConfig.LinearMode.values()) {
                    SecureConfig cfg = base.withSuite(suite).withLinear(mode).withLink(LinkProfile.LOOPBACK);
                    for (int batch : batches) {
                        // loopback's median online time is the compute a simulated link's prediction adds to
                        Row loopback = bench(g, inputs, cfg, Double.NaN, batch);
                        if (links.contains(LinkProfile.LOOPBACK)) {
                            rows.add(loopback);
                        }
                        o.printf("  measured %s (%s suite, %s%s)%n", g.name(), suite.cliName(), mode.cliName(),
                                batch == 1 ? "" : ", batch " + batch);
                        for (LinkProfile link : links) {
                            if (link.simulated()) {
                                rows.add(bench(g, inputs, cfg.withLink(link), loopback.medianMs(), batch));
                                o.printf("  measured %s (%s suite, %s, %s link%s)%n", g.name(), suite.cliName(),
                                        mode.cliName(), link.text(), batch == 1 ? "" : ", batch " + batch);
                            }
                        }
                        o.flush();
                    }
                }
            }
        }
        o.println();
        o.print(table(rows));
        o.println();
        o.printf("Paper figures (SoK of PPML frameworks, for Sonic): ReLU %d bits online (20l-16, l = %d) in log2 l + 2"
                + " rounds; a dot product of length n costs 4nl bits online and 6nl offline.%n", 20 * L - 16, L);
        // the dealer's figures stay the baseline; the servers' own preprocessing is written beside them
        String stem = ot ? "bench-ot" : "bench";
        Files.writeString(dir.resolve(stem + ".json"), json(rows));
        Files.writeString(dir.resolve(stem + ".csv"), csv(rows));
        o.printf("wrote %s and %s%n", dir.resolve(stem + ".json"), dir.resolve(stem + ".csv"));
        for (Path p : all) {
            String name = OnnxImporter.read(p).name();
            InferenceResult sonic = lastRuns.get(name + "/sonic/mask-reuse");
            InferenceResult fss = lastRuns.get(name + "/fss/mask-reuse");
            if (sonic != null && fss != null) {
                Path png = dir.resolve("suites-" + name.replaceAll("[^A-Za-z0-9._-]+", "-") + ".png");
                SuiteChart.write(png, name + ", mask-reuse, " + base.truncation().cliName() + " truncation: Sonic"
                        + " suite against FSS suite", sonic, fss);
                o.printf("wrote %s%n", png);
            }
            for (String mode : List.of("mask-reuse", "faithful")) {
                LinkChart.Suite s = linkSuite(rows, name, "sonic", mode);
                LinkChart.Suite f = linkSuite(rows, name, "fss", mode);
                if (s != null && f != null && !s.measured().isEmpty()) {
                    Path png = dir.resolve("links-" + name.replaceAll("[^A-Za-z0-9._-]+", "-") + "-" + mode + ".png");
                    LinkChart.write(png, name + ", " + mode + ": online time against the network's latency", s, f);
                    o.printf("wrote %s (the suites cross at %.3f ms one way at 1 Gbit/s, at %.3f ms at 100 Mbit/s;"
                                    + " NaN: the same suite is faster at every latency)%n", png,
                            LinkChart.crossoverMs(s, f, LinkProfile.LAN.bitsPerSecond()),
                            LinkChart.crossoverMs(s, f, LinkProfile.WAN.bitsPerSecond()));
                }
            }
        }
        return 0;
    }

    /** A suite's loopback figures and its measured times on the simulated links (batch 1), or null. */
    private static LinkChart.Suite linkSuite(List<Row> rows, String model, String suite, String mode) {
        Row loopback = null;
        List<LinkChart.Measured> measured = new ArrayList<>();
        for (Row r : rows) {
            if (!r.model().equals(model) || !r.suite().equals(suite) || !r.linear().equals(mode) || r.batch() != 1) {
                continue;
            }
            LinkProfile l = LinkProfile.parse(r.link());
            if (l.simulated()) {
                measured.add(new LinkChart.Measured(l, r.medianMs()));
            } else {
                loopback = r;
            }
        }
        return loopback == null ? null : new LinkChart.Suite(suite, loopback.medianMs(), loopback.rounds(),
                loopback.onlineBytes() / 2, measured);
    }

    private static List<float[]> inputsFor(Path model, ModelGraph g) {
        Path csv = model.resolveSibling("inputs.csv");
        if (Files.isRegularFile(csv)) {
            return InputCsv.read(csv, g.inputSize(), -1);
        }
        Random r = new Random(1);
        List<float[]> in = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            float[] x = new float[g.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            in.add(x);
        }
        return in;
    }

    /** The last run of each model, suite and linear mode (for the suites' chart). */
    private final java.util.Map<String, InferenceResult> lastRuns = new java.util.HashMap<>();

    /**
     * Measures one configuration and batch size (online figures of the whole batch); {@code computeMs} is
     * loopback's median online time of the same batch (NaN on loopback).
     */
    private Row bench(ModelGraph g, List<float[]> inputs, SecureConfig cfg, double computeMs, int batch) {
        int runs = cfg.link().simulated() ? Math.min(this.runs, SIMULATED_RUNS) : this.runs;
        int warmup = cfg.link().simulated() ? Math.min(this.warmup, SIMULATED_WARMUP) : this.warmup;
        if (batch > 1) {
            runs = Math.min(runs, BATCH_RUNS);
            warmup = Math.min(warmup, BATCH_WARMUP);
        }
        List<float[]> batchInputs = new ArrayList<>();
        for (int k = 0; k < batch; k++) {
            batchInputs.add(inputs.get(k % inputs.size()));
        }
        io.sonic.engine.net.Traffic batchOnline = null;
        double[] online = new double[runs];
        double[] offline = new double[runs];
        double[] total = new double[runs];
        InferenceResult last = null;
        long setup;
        long warmUntil = System.nanoTime() + (cfg.link().simulated() ? 0 : Math.round(warmupSeconds * 1e9));
        try (SecureInference s = new SecureInference(g, cfg)) {
            setup = s.setupTraffic().bytes();
            for (int i = 0; i < warmup + runs; i++) {
                if (i == warmup && System.nanoTime() - warmUntil < 0) {
                    warmup++;
                }
                InferenceResult r;
                if (batch == 1) {
                    r = s.infer(inputs.get(i % inputs.size()));
                    batchOnline = r.online();
                } else {
                    io.sonic.engine.BatchResult b = s.inferBatch(batchInputs);
                    r = b.samples().get(0);
                    batchOnline = b.online();
                }
                if (i >= warmup) {
                    online[i - warmup] = r.onlineNanos() / 1e6;
                    offline[i - warmup] = r.offlineNanos() / 1e6;
                    total[i - warmup] = r.nanos() / 1e6;
                }
                last = r;
            }
        }
        Arrays.sort(online);
        Arrays.sort(offline);
        Arrays.sort(total);
        long relus = 0;
        long reluBytes = 0;
        long paperOnline = 0;
        long paperOffline = 0;
        for (int i = 0; i < g.layers().size(); i++) {
            Layer l = g.layers().get(i);
            long comparisons = 0;
            if (l instanceof ReluLayer) {
                comparisons = l.outputSize();
            } else if (l instanceof MaxPoolLayer m) {
                comparisons = Arrays.stream(io.sonic.engine.protocol.MaxPoolProtocol.pairsPerLevelOf(m.geometry())).sum();
            }
            if (comparisons > 0) {
                relus += comparisons;
                // the comparison's own bytes: a truncation the layer ends with (FSS suite) is not the ReLU's
                InferenceResult.LayerStat st = last.layers().get(i);
                reluBytes += st.online().bytes() - (st.protocol().truncation() == null
                        || cfg.truncation() == SecureConfig.TruncationMode.LOCAL ? 0
                        : CostModel.truncation(l.outputSize(), cfg).onlineBytes());
                paperOnline += comparisons * (20L * L - 16) / 8;
            }
            long dot = dotLength(l);
            if (dot > 0) {
                paperOnline += (long) l.outputSize() * 4 * dot * L / 8;
                paperOffline += (long) l.outputSize() * 6 * dot * L / 8;
            }
        }
        CostModel.Cost c = CostModel.total(g, cfg);
        if (!cfg.link().simulated() && batch == 1) {
            lastRuns.put(g.name() + "/" + cfg.suite().cliName() + "/" + cfg.linear().cliName(), last);
        }
        Double predicted = cfg.link().simulated() ? cfg.link().predictNanos(Math.round(computeMs * 1e6),
                batchOnline.rounds(), batchOnline.bytesSent()) / 1e6 : null;
        return new Row(g.name(), cfg.suite().cliName(), cfg.linear().cliName(), cfg.link().text(), batch,
                batchOnline.bytes(), batchOnline.rounds(), (last.offlineBytes() + last.preprocessing().bytes()) * batch,
                median(online),
                percentile(online, 0.9), predicted, median(offline), batch * 1000.0 / median(total), relus, relus == 0 ? 0 : reluBytes / (double) relus, paperOnline,
                paperOffline, setup, warmup);
    }

    private static long dotLength(Layer l) {
        if (l instanceof MatMulLayer m) {
            return m.geometry().k();
        } else if (l instanceof ConvLayer c) {
            return c.geometry().patchLength();
        }
        return 0;
    }

    private static double median(double[] sorted) {
        return percentile(sorted, 0.5);
    }

    private static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String table(List<Row> rows) {
        Table t = new Table(List.of("model", "suite", "linear", "link", "batch", "online", "rounds", "offline",
                "median ms", "p90 ms", "predicted ms", "offline ms", "inf/s", "ReLUs", "bits/ReLU", "paper online",
                "paper offline"), false, false, false, false, true, true, true, true, true, true, true, true, true, true,
                true, true, true);
        for (Row r : rows) {
            t.row(r.model(), r.suite(), r.linear(), r.link(), r.batch(), Format.bytes(r.onlineBytes()), r.rounds(),
                    Format.bytes(r.offlineBytes()), String.format("%.1f", r.medianMs()), String.format("%.1f", r.p90Ms()),
                    r.predictedMs() == null ? "-" : String.format("%.1f", r.predictedMs()),
                    String.format("%.1f", r.medianOfflineMs()), String.format("%.1f", r.perSecond()),
                    String.format("%,d", r.relus()), String.format("%.1f", r.reluBytes() * 8),
                    Format.bytes(r.paperOnlineBytes()), Format.bytes(r.paperOfflineBytes()));
        }
        return t.render();
    }

    private static String json(List<Row> rows) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode a = m.createArrayNode();
        for (Row r : rows) {
            ObjectNode n = m.valueToTree(r);
            a.add(n);
        }
        ObjectNode root = m.createObjectNode();
        root.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version"));
        root.set("results", a);
        return m.writeValueAsString(root);
    }

    private static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder("model,suite,linear,link,batch,online_bytes,rounds,offline_bytes,median_ms,p90_ms,"
                + "predicted_ms,median_offline_ms,inferences_per_s,relus,bytes_per_relu,paper_online_bytes,paper_offline_bytes,"
                + "setup_bytes\n");
        for (Row r : rows) {
            b.append(String.join(",", r.model(), r.suite(), r.linear(), '"' + r.link() + '"', "" + r.batch(), "" + r.onlineBytes(),
                    "" + r.rounds(), "" + r.offlineBytes(), String.format("%.3f", r.medianMs()),
                    String.format("%.3f", r.p90Ms()), r.predictedMs() == null ? "" : String.format("%.3f",
                            r.predictedMs()),
                    String.format("%.3f", r.medianOfflineMs()), String.format("%.2f", r.perSecond()), "" + r.relus(),
                    String.format("%.3f", r.reluBytes()), "" + r.paperOnlineBytes(), "" + r.paperOfflineBytes(),
                    "" + r.setupBytes())).append('\n');
        }
        return b.toString();
    }
}
