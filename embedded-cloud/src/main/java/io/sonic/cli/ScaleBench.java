package io.sonic.cli;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.ModelCard;
import io.sonic.engine.CostModel;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.Plan;
import io.sonic.engine.RangeAnalysis;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.engine.InputRange;
import io.sonic.engine.dealer.Dealer;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.onnx.OnnxImporter;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * {@code sonic bench --scale}: torchvision's ResNet-18 and ResNet-50 at 224×224 (random weights, exported
 * on demand by {@code sample-models/scale.py}), one query each, in one process and with the dealer and both
 * servers as three processes over TLS on this machine: online and whole time, online and dealer bytes,
 * rounds, peak memory (the heap in one process; each node's peak resident memory), and the secure logits
 * against PyTorch's.
 */
final class ScaleBench {
    static final List<String> NETWORKS = List.of("resnet18", "resnet50");
    /** In one process every dealer payload of a query is made before its online phase; above this, not run. */
    private static final long MAX_IN_PROCESS_DEALER_BYTES = 6L << 30;
    private static final Pattern CA = Pattern.compile("cluster CA\\s+(sha256:[0-9a-f]{64})");

    private ScaleBench() {
    }

    /** One network's figures on one path. */
    record Row(String model, String path, long onlineBytes, long rounds, long dealerBytes, double onlineMs,
               double wholeMs, String memory, double maxAbsError, boolean labelAgrees) {
    }

    static List<Row> run(PrintWriter o, Path root, SecureConfig cfg, Path out) throws IOException {
        Path models = root.resolve("sample-models").resolve("scale");
        List<Row> rows = new ArrayList<>();
        o.printf("scale: %s, one query per network and path; models in %s%n", cfg.summary(), models);
        for (String name : NETWORKS) {
            Path onnx = export(o, root, models, name);
            ModelGraph g = OnnxImporter.read(onnx);
            Path dir = onnx.getParent();
            float[] x = InputCsv.read(dir.resolve("inputs.csv"), g.inputSize(), 1).get(0);
            float[] torch = InputCsv.read(dir.resolve("expected.csv"), g.outputSize(), 1).get(0);
            InputRange range = ModelCard.beside(onnx).map(ModelCard::inputRange).orElse(new InputRange(-3, 3));
            RangeAnalysis.Result bound = RangeAnalysis.analyse(g, cfg.fixedPoint(), range);
            CostModel.Cost cost = CostModel.total(g, cfg);
            o.printf("%s: %d layers, %,d online bytes in %d rounds by the cost model%s%n", name, g.layers().size(),
                    cost.onlineBytes(), cost.rounds(), bound.safe() ? "" : "; the worst-case range analysis cannot"
                            + " rule out an overflow (" + bound.problem() + "), so the secure logits are checked"
                            + " against PyTorch's here");
            o.flush();
            long dealer = Dealer.offlineBytesOf(Plan.of(g, cfg));
            if (dealer > MAX_IN_PROCESS_DEALER_BYTES) {
                o.printf("  in one process: not run: its dealer data, %.1f GiB per query, would all be made before the"
                        + " online phase; run the three processes only, or the Sonic suite%n", dealer / 1073741824.0);
            } else {
                rows.add(inProcess(o, name, g, cfg, x, torch));
            }
            rows.add(threeProcesses(o, name, g, cfg, range, x, torch));
        }
        Table t = new Table(List.of("model", "path", "online", "rounds", "dealer", "online s", "whole s",
                "peak memory", "max |secure - PyTorch|", "label"), false, false, true, true, true, true, true, false,
                true, false);
        for (Row r : rows) {
            t.row(r.model(), r.path(), mib(r.onlineBytes()), r.rounds(), mib(r.dealerBytes()),
                    String.format(Locale.ROOT, "%.2f", r.onlineMs() / 1000), String.format(Locale.ROOT, "%.2f",
                            r.wholeMs() / 1000), r.memory(), String.format(Locale.ROOT, "%.2e", r.maxAbsError()),
                    r.labelAgrees() ? "agrees" : "DIFFERS");
        }
        o.println();
        o.print(t.render());
        StringBuilder csv = new StringBuilder("model,path,onlineBytes,rounds,dealerBytes,onlineMs,wholeMs,peakMemory,"
                + "maxAbsErrorVsPyTorch,labelAgrees\n");
        for (Row r : rows) {
            csv.append(String.join(",", r.model(), r.path(), Long.toString(r.onlineBytes()), Long.toString(r.rounds()),
                    Long.toString(r.dealerBytes()), String.format(Locale.ROOT, "%.1f", r.onlineMs()),
                    String.format(Locale.ROOT, "%.1f", r.wholeMs()), '"' + r.memory() + '"',
                    String.format(Locale.ROOT, "%.3e", r.maxAbsError()), Boolean.toString(r.labelAgrees())))
                    .append('\n');
        }
        Files.writeString(out.resolve("scale.csv"), csv.toString());
        o.printf("wrote %s%n", out.resolve("scale.csv"));
        return rows;
    }

    /** The network's ONNX file, exported first (by sample-models/scale.py) when it is missing. */
    private static Path export(PrintWriter o, Path root, Path models, String name) throws IOException {
        Path onnx = models.resolve(name).resolve(name + ".onnx");
        if (Files.isRegularFile(onnx) && Files.isRegularFile(onnx.resolveSibling("expected.csv"))) {
            return onnx;
        }
        Path script = root.resolve("sample-models").resolve("scale.py");
        if (!Files.isRegularFile(script)) {
            throw new UserInputException("cannot export " + name + ": " + script + " is missing (run from a checkout,"
                    + " or with -Dsonic.root pointing at one)");
        }
        o.printf("exporting %s with %s …%n", name, script);
        o.flush();
        Process p;
        try {
            p = new ProcessBuilder("/usr/bin/python3", script.toString(), models.toString(), name)
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UserInputException("exporting " + name + " needs Debian's Python with torchvision"
                    + " (/usr/bin/python3 could not be run: " + e.getMessage() + "): apt-get install"
                    + " python3-torchvision python3-onnx");
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new UserInputException("exporting " + name + " took over 10 minutes; stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserInputException("interrupted while exporting " + name);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(onnx)) {
            String last = said.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output");
            throw new UserInputException("exporting " + name + " failed (" + last + ")"
                    + (said.contains("No module named") ? "; it needs Debian's python3-torchvision and python3-onnx:"
                    + " apt-get install python3-torchvision python3-onnx" : ""));
        }
        said.lines().filter(l -> l.startsWith(name + ":")).forEach(l -> o.println("  " + l));
        return onnx;
    }

    private static Row inProcess(PrintWriter o, String name, ModelGraph g, SecureConfig cfg, float[] x, float[] torch) {
        System.gc();
        HeapPeak peak = new HeapPeak();
        InferenceResult r;
        try (peak; SecureInference s = new SecureInference(g, cfg)) {
            r = s.infer(x);
        }
        Row row = row(name, "one process", r, "heap " + mib(peak.max()) + " (all roles)", torch);
        o.printf("  in one process: %.2f s online, %.2f s in all%n", r.onlineNanos() / 1e9, r.nanos() / 1e9);
        o.flush();
        return row;
    }

    private static Row threeProcesses(PrintWriter o, String name, ModelGraph g, SecureConfig cfg, InputRange range,
                                      float[] x, float[] torch) throws IOException {
        Path data = Files.createTempDirectory("sonic-scale-");
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(s);
        String credential = CloudClient.newToken();
        List<ChildNode> nodes = new ArrayList<>();
        try {
            ChildNode dealer = ChildNode.start(List.of("dealer", "--port", "0", "--data",
                    data.resolve("dealer").toString(), "--secret", secret));
            nodes.add(dealer);
            String ca = dealer.await(CA, Duration.ofSeconds(30));
            ChildNode s0 = ChildNode.start(List.of("serve", "--party", "0", "--port", "0", "--dealer",
                    dealer.url().toString(), "--data", data.resolve("s0").toString(), "--secret", secret,
                    "--upload-credential", credential));
            nodes.add(s0);
            ChildNode s1 = ChildNode.start(List.of("serve", "--party", "1", "--port", "0", "--peer",
                    s0.url().toString(), "--dealer", dealer.url().toString(), "--data", data.resolve("s1").toString(),
                    "--secret", secret, "--upload-credential", credential));
            nodes.add(s1);
            s1.await(Pattern.compile("link to server 0 is up"), Duration.ofSeconds(30));
            CloudClient client = CloudClient.connect(List.of(s0.url(), s1.url()), ca, Duration.ofMinutes(5),
                    w -> { }).withUploadCredential(credential);
            // the results are checked against PyTorch's below, so a range the worst-case bound cannot prove is used
            client.uploadUnproven(g, name, CloudClient.newToken(), cfg.fixedPoint(), range);
            InferenceResult r = client.infer(name, x, cfg, e -> { });
            String memory = "dealer " + peakRss(dealer) + ", server 0 " + peakRss(s0) + ", server 1 " + peakRss(s1);
            o.printf("  three processes: %.2f s online, %.2f s in all; peak resident memory: %s%n",
                    r.onlineNanos() / 1e9, r.nanos() / 1e9, memory);
            o.flush();
            return row(name, "three processes, TLS", r, memory, torch);
        } catch (Exception e) {
            throw new UserInputException("the three-process run of " + name + " failed: " + e.getMessage());
        } finally {
            for (ChildNode n : nodes) {
                n.stop();
            }
            deleteTree(data);
        }
    }

    private static Row row(String name, String path, InferenceResult r, String memory, float[] torch) {
        double worst = 0;
        int label = 0;
        for (int i = 0; i < torch.length; i++) {
            worst = Math.max(worst, Math.abs(r.output()[i] - torch[i]));
            label = torch[i] > torch[label] ? i : label;
        }
        return new Row(name, path, r.online().bytes(), r.online().rounds(), r.offlineBytes(), r.onlineNanos() / 1e6,
                r.nanos() / 1e6, memory, worst, r.predictedLabel() == label);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
    }

    /** A node's peak resident memory (VmHWM), or "-" where /proc does not tell. */
    private static String peakRss(ChildNode n) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(n.process().pid()), "status"))) {
                if (l.startsWith("VmHWM:")) {
                    return mib(Long.parseLong(l.replaceAll("\\D+", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or the node is gone
        }
        return "-";
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }

    /** The largest heap in use, sampled every 20 ms while it is open. */
    private static final class HeapPeak implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        HeapPeak() {
            var heap = ManagementFactory.getMemoryMXBean();
            sampler = new Thread(() -> {
                while (running) {
                    max.accumulateAndGet(heap.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sonic-heap-peak");
            sampler.setDaemon(true);
            sampler.start();
        }

        long max() {
            return max.get();
        }

        @Override
        public void close() {
            running = false;
            sampler.interrupt();
        }
    }
}
