package io.sonic.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonic.engine.CostModel;
import io.sonic.engine.SecureConfig;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.sonic.cli.SonicCliTest.run;
import static io.sonic.cli.SonicCliTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferBenchCliTest {
    static Path inputs(String name) {
        return sample(name).resolveSibling("inputs.csv");
    }

    @Test
    void inferJsonHasOneObjectPerSampleWithTheDocumentedFields() throws Exception {
        SonicCliTest.Run r = run("infer", "--model", sample("mnist-m2").toString(), "--input",
                inputs("mnist-m2").toString(), "--limit", "3", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(3, lines.size());
        ObjectMapper m = new ObjectMapper();
        long expectedOnline = CostModel.total(OnnxImporter.read(sample("mnist-m2")), SecureConfig.DEFAULT)
                .onlineBytes();
        for (int k = 0; k < 3; k++) {
            JsonNode o = m.readTree(lines.get(k));
            assertEquals(k, o.get("sample").asInt());
            assertEquals(10, o.get("secure").size());
            assertEquals(10, o.get("plain").size());
            assertEquals(o.get("plainLabel").asInt(), o.get("label").asInt());
            assertTrue(o.get("maxAbsError").asDouble() < 1e-3);
            assertEquals(expectedOnline, o.get("online").get("bytes").asLong());
            assertEquals(64, o.get("online").get("rounds").asInt());
            assertEquals(128, o.get("online").get("messages").asInt());
            assertTrue(o.get("offline").get("bytes").asLong() > 0);
            assertTrue(o.get("millis").asDouble() > 0);
            JsonNode layer = o.get("layers").get(0);
            for (String f : new String[] {"index", "name", "op", "protocol", "bytes", "rounds", "millis"}) {
                assertTrue(layer.has(f), f);
            }
        }
    }

    @Test
    void theFssSuiteRunsOverTheLocalServersWithItsFormulasAndTheReferenceOutput() throws Exception {
        SecureConfig fss = SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS).withLinear(SecureConfig.LinearMode.MASK_REUSE);
        SonicCliTest.Run r = run("infer", "--model", sample("mnist-m2").toString(), "--input",
                inputs("mnist-m2").toString(), "--limit", "3", "--suite", "fss", "--linear", "mask-reuse", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(3, lines.size());
        var g = OnnxImporter.read(sample("mnist-m2"));
        CostModel.Cost want = CostModel.total(g, fss);
        for (String line : lines) {
            JsonNode o = new ObjectMapper().readTree(line);
            assertEquals(o.get("plainLabel").asInt(), o.get("label").asInt());
            assertEquals(want.onlineBytes(), o.get("online").get("bytes").asLong());
            assertEquals(want.rounds(), o.get("online").get("rounds").asLong());
            assertEquals(15, o.get("online").get("rounds").asInt(), "one round per gate");
            assertTrue(o.get("layers").findValuesAsText("protocolId").contains("FSS_RELU+FSS_TRUNCATION"), line);
            assertTrue(o.get("maxAbsError").asDouble() < 1e-3);
        }
        SonicCliTest.Run bad = run("infer", "--model", sample("mnist-m2").toString(), "--input",
                inputs("mnist-m2").toString(), "--suite", "gc");
        assertEquals(SonicCli.EXIT_BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("--suite must be sonic or fss, not 'gc'"), bad.err());
    }

    @Test
    void aSimulatedLinkOverTheLocalServersKeepsTheTrafficAndAddsItsLatency() throws Exception {
        SonicCliTest.Run r = run("infer", "--model", sample("mnist-m1").toString(), "--input",
                inputs("mnist-m1").toString(), "--limit", "2", "--link", "latency=3ms,bandwidth=500mbit", "--json");
        assertEquals(0, r.code(), r.err());
        var g = OnnxImporter.read(sample("mnist-m1"));
        CostModel.Cost want = CostModel.total(g, SecureConfig.DEFAULT);
        io.sonic.engine.net.LinkProfile link = io.sonic.engine.net.LinkProfile.parse("latency=3ms,bandwidth=500mbit");
        for (String line : r.out().strip().lines().toList()) {
            JsonNode o = new ObjectMapper().readTree(line);
            assertEquals(o.get("plainLabel").asInt(), o.get("label").asInt());
            assertEquals(want.onlineBytes(), o.get("online").get("bytes").asLong());
            assertEquals(want.rounds(), o.get("online").get("rounds").asLong());
            double floor = link.networkNanos(want.rounds(), want.onlineBytes() / 2) / 1e6;
            assertTrue(o.get("onlineMillis").asDouble() >= floor, "online " + o.get("onlineMillis") + " ms, below the"
                    + " link's " + floor + " ms: the servers did not simulate the link the session asked for");
        }
        SonicCliTest.Run table = run("infer", "--model", sample("mnist-m1").toString(), "--input",
                inputs("mnist-m1").toString(), "--limit", "1", "--link", "lan", "--in-memory");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("sonic suite, faithful, exact truncation, logits, lan link"), table.out());
        for (String[] bad : new String[][] {{"moon", "--link must be loopback, lan, wan"},
                {"latency=fast", "--link latency is a time such as 20ms"},
                {"latency=1ms,latency=2ms", "--link latency is given twice"}}) {
            SonicCliTest.Run b = run("infer", "--model", sample("mnist-m1").toString(), "--input",
                    inputs("mnist-m1").toString(), "--link", bad[0]);
            assertEquals(SonicCli.EXIT_BAD_INPUT, b.code(), bad[0]);
            assertTrue(b.err().contains(bad[1]), b.err());
        }
    }

    @Test
    void batchesOverTheLocalServersCostOneQuerysRoundsEach() throws Exception {
        SonicCliTest.Run r = run("infer", "--model", sample("mnist-m2").toString(), "--input",
                inputs("mnist-m2").toString(), "--limit", "5", "--batch", "3", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(5, lines.size());
        CostModel.Cost want = CostModel.total(OnnxImporter.read(sample("mnist-m2")), SecureConfig.DEFAULT);
        for (int k = 0; k < 5; k++) {
            JsonNode o = new ObjectMapper().readTree(lines.get(k));
            assertEquals(o.get("plainLabel").asInt(), o.get("label").asInt());
            assertEquals(want.onlineBytes(), o.get("online").get("bytes").asLong(), "each query's own traffic");
            JsonNode b = o.get("batch");
            assertEquals(k / 3, b.get("index").asInt());
            int size = k < 3 ? 3 : 2;
            assertEquals(size, b.get("size").asInt());
            assertEquals(want.rounds(), b.get("rounds").asLong(), "a batch costs one query's rounds");
            assertEquals(size * want.onlineBytes(), b.get("bytes").asLong());
        }
        SonicCliTest.Run table = run("infer", "--model", sample("mnist-m1").toString(), "--input",
                inputs("mnist-m1").toString(), "--limit", "4", "--batch", "4", "--in-memory");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("batch 1: 4 samples in " + CostModel.total(OnnxImporter.read(sample("mnist-m1")),
                SecureConfig.DEFAULT).rounds() + " rounds (one query's)"), table.out());
        SonicCliTest.Run bad = run("infer", "--model", sample("mnist-m1").toString(), "--input",
                inputs("mnist-m1").toString(), "--batch", "0");
        assertEquals(SonicCli.EXIT_BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("--batch must be between 1 and 256, not 0"), bad.err());
    }

    @Test
    void inferTableShowsLayersAndPrediction() {
        SonicCliTest.Run r = run("infer", "--model", sample("breast-cancer").toString(), "--input",
                inputs("breast-cancer").toString(), "--limit", "2", "--output", "label", "--linear", "mask-reuse");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("MSB ReLU") && r.out().contains("secure argmax"), r.out());
        assertTrue(r.out().contains("labels agree with the float model on 2 of 2 samples"), r.out());
        assertTrue(r.out().contains("local servers https://127.0.0.1:"), r.out());
        SonicCliTest.Run mem = run("infer", "--model", sample("breast-cancer").toString(), "--input",
                inputs("breast-cancer").toString(), "--limit", "1", "--linear", "mask-reuse", "--in-memory");
        assertEquals(0, mem.code(), mem.err());
        assertTrue(mem.out().contains("once per model: W-A opened"), mem.out());
    }

    @Test
    void aWrongInputWidthNamesExpectedAndFoundCounts(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "0.1,0.2,0.3\n");
        SonicCliTest.Run r = run("infer", "--model", sample("mnist-m1").toString(), "--input", csv.toString());
        assertEquals(SonicCli.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("has 3 values") && r.err().contains("needs 784"), r.err());
    }

    @Test
    void badOptionValuesAreRejected() {
        SonicCliTest.Run r = run("infer", "--model", sample("mnist-m1").toString(), "--input",
                inputs("mnist-m1").toString(), "--linear", "fast");
        assertEquals(SonicCli.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("--linear must be faithful or mask-reuse"), r.err());
    }

    @Test
    void benchWritesJsonAndCsvWithPaperFigures(@TempDir Path dir) throws Exception {
        SonicCliTest.Run r = run("bench", "--only-given", "--model", sample("breast-cancer").toString(), "--runs", "3",
                "--warmup", "1", "--warmup-seconds", "0", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("breast-cancer") && r.out().contains("paper online"), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
        assertEquals(4, j.get("results").size(), "both suites, faithful and mask-reuse");
        JsonNode faithful = j.get("results").get(0);
        assertEquals("sonic", faithful.get("suite").asText());
        JsonNode fss = j.get("results").get(2);
        assertEquals("fss", fss.get("suite").asText());
        assertEquals(CostModel.total(OnnxImporter.read(sample("breast-cancer")), SecureConfig.DEFAULT
                .withSuite(SecureConfig.Suite.FSS)).onlineBytes(), fss.get("onlineBytes").asLong());
        assertEquals(16.0 * 8, fss.get("reluBytes").asDouble() * 8, 1e-9, "128 bits per FSS ReLU");
        assertEquals(CostModel.total(OnnxImporter.read(sample("breast-cancer")), SecureConfig.DEFAULT).onlineBytes(),
                faithful.get("onlineBytes").asLong());
        assertEquals(16 + 8, faithful.get("relus").asLong());
        List<String> csv = Files.readAllLines(dir.resolve("bench.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(0).startsWith("model,suite,linear,link,batch,online_bytes,rounds"));
        for (JsonNode row : j.get("results")) {
            assertEquals(1, row.get("warmupRuns").asInt(), "--warmup-seconds 0 leaves the warm-up at --warmup");
        }
    }

    @Test
    void benchWarmsUpForItsSecondsBeyondItsRuns(@TempDir Path dir) throws Exception {
        SonicCliTest.Run r = run("bench", "--only-given", "--model", sample("breast-cancer").toString(), "--suite",
                "sonic", "--linear", "mask-reuse", "--runs", "2", "--warmup", "1", "--warmup-seconds", "0.3", "--out",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("until 0.3 s of warm-up"), r.out());
        for (JsonNode row : new ObjectMapper().readTree(dir.resolve("bench.json").toFile()).get("results")) {
            // a breast-cancer query takes a few milliseconds: 0.3 s of warm-up is far more than one run
            assertTrue(row.get("warmupRuns").asInt() > 5, row.toString());
        }
        SonicCliTest.Run bad = run("bench", "--warmup-seconds", "-1", "--out", dir.toString());
        assertEquals(SonicCli.EXIT_BAD_INPUT, bad.code());
        assertTrue(bad.err().contains("--warmup-seconds"), bad.err());
    }

    @Test
    void kernelBenchmarksPrintFigures() {
        SonicCliTest.Run r = run("bench", "--kernels");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("AES-CTR PRG") && r.out().contains("MB/s") && r.out().contains("ReLU/ms"), r.out());
    }

    /** bench --scale exports its networks when missing; an export that cannot run says what to install. */
    @Test
    void benchScaleSaysWhatIsMissingWhenItCannotExportTheNetworks(@TempDir Path dir) throws Exception {
        String was = System.getProperty("sonic.root");
        try {
            System.setProperty("sonic.root", dir.toString());
            SonicCliTest.Run none = run("bench", "--scale", "--out", dir.resolve("out").toString());
            assertEquals(2, none.code(), none.out());
            assertTrue(none.err().contains("cannot export resnet18: " + dir.resolve("sample-models")
                    .resolve("scale.py") + " is missing"), none.err());
            // a Python without torchvision, as on a machine that lacks the package
            Files.createDirectories(dir.resolve("sample-models"));
            Files.writeString(dir.resolve("sample-models").resolve("scale.py"),
                    "import sys\nsys.stderr.write(\"ModuleNotFoundError: No module named 'torchvision'\\n\")\nsys.exit(1)\n");
            SonicCliTest.Run failed = run("bench", "--scale", "--out", dir.resolve("out").toString());
            assertEquals(2, failed.code(), failed.out());
            assertTrue(failed.err().contains("exporting resnet18 failed (ModuleNotFoundError: No module named"
                    + " 'torchvision'); it needs Debian's python3-torchvision"), failed.err());
            assertTrue(Files.notExists(dir.resolve("sample-models").resolve("scale").resolve("resnet18")
                    .resolve("resnet18.onnx")));
        } finally {
            if (was == null) {
                System.clearProperty("sonic.root");
            } else {
                System.setProperty("sonic.root", was);
            }
        }
    }
}
