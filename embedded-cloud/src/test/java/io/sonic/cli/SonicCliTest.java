package io.sonic.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SonicCliTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SonicCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path sample(String name) {
        String root = System.getProperty("sonic.root", "..");
        return Path.of(root, "sample-models", name, name + ".onnx").toAbsolutePath().normalize();
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"inspect", "conformance"}) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: sonic " + cmd), r.out());
        }
        assertTrue(run("--help").out().contains("inspect"));
    }

    @Test
    void inspectPrintsOneRowPerLayer() {
        Run r = run("inspect", "--model", sample("mnist-m2").toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(r.out().contains("input   input [1,1,28,28]"), r.out());
        long rows = Arrays.stream(lines).filter(l -> l.matches("\\s*\\d+\\s+\\S+.*")).count();
        assertEquals(10, rows, r.out());
        assertTrue(r.out().contains("Gemm+BatchNormalization") && r.out().contains("[1,16,24,24]"), r.out());
        assertTrue(r.out().contains("MACs") && r.out().contains("params") && r.out().contains("secure"));
    }

    @Test
    void inspectJsonHasTheLayerFields() throws Exception {
        Run r = run("inspect", "--model", sample("mnist-m1").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(5, root.get("layers").size());
        JsonNode first = root.get("layers").get(0);
        for (String f : new String[] {"index", "name", "op", "inputShapes", "outputShape", "parameters",
                "multiplyAccumulates", "secure"}) {
            assertTrue(first.has(f), f);
        }
        assertEquals(784 * 128, first.get("multiplyAccumulates").asLong());
        assertEquals(784 * 128 + 128, first.get("parameters").asLong());
    }

    @Test
    void badModelsExitWithCode2AndOneMessageWithoutStackTrace(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "this is not a model\n");
        Path truncated = dir.resolve("cut.onnx");
        byte[] m1 = Files.readAllBytes(sample("mnist-m1"));
        Files.write(truncated, Arrays.copyOf(m1, m1.length / 3));
        for (Path p : new Path[] {text, truncated, dir.resolve("missing.onnx")}) {
            Run r = run("inspect", "--model", p.toString());
            assertEquals(SonicCli.EXIT_BAD_INPUT, r.code(), p.toString());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void inspectShowsTheInputRangeAndWhetherItIsSafe() throws Exception {
        Run card = run("inspect", "--model", sample("mnist-m2").toString());
        assertEquals(0, card.code(), card.err());
        assertTrue(card.out().contains("input range  [0, 1] (the model card), safe with f = 16"), card.out());
        Run unsafe = run("inspect", "--model", sample("cifar-c2").toString(), "--fraction-bits", "16");
        assertEquals(0, unsafe.code(), unsafe.err());
        assertTrue(unsafe.out().contains("input range  not safe with f = 16") && unsafe.out().contains("fewer fraction"
                + " bits"), unsafe.out());
        Run c2 = run("inspect", "--model", sample("cifar-c2").toString(), "--json");
        JsonNode range = new ObjectMapper().readTree(c2.out()).get("inputRange");
        assertTrue(range.get("safe").asBoolean(), c2.out());
        assertEquals(12, new ObjectMapper().readTree(c2.out()).get("fractionBits").asInt(), "the card's f");
        Run given = run("inspect", "--model", sample("breast-cancer").toString(), "--input-range", "-1e14:1e14");
        assertTrue(given.out().contains("not safe"), given.out());
    }

    @Test
    void uploadWithoutTheCredentialIsBadInputBeforeAnyConnection() {
        Run r = run("upload", "--model", sample("breast-cancer").toString(), "--servers",
                "https://127.0.0.1:9,https://127.0.0.1:10");
        if (System.getenv("SONIC_UPLOAD_CREDENTIAL") == null) {
            assertEquals(SonicCli.EXIT_BAD_INPUT, r.code(), r.err());
            assertTrue(r.err().contains("upload credential") && r.err().contains("--credential"), r.err());
        }
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("inspect", "--model", "x.onnx", "--modle", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option") && r.err().contains("--modle"), r.err());
    }

    @Test
    void conformanceEndsWithTheSummaryLine() {
        Path data = Path.of(System.getProperty("onnx.testdata", "/usr/share/libonnx-testdata/data"));
        Run r = run("conformance", "--data", data.toString(), "--suite", "node");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("\\d+ passed, 0 failed, \\d+ skipped"), last);
        assertTrue(r.out().contains("PASSED  node/test_conv_with_strides_padding"), "one line per case");
    }

    @Test
    void conformanceOnAMissingFolderIsBadInput(@TempDir Path dir) {
        Run r = run("conformance", "--data", dir.resolve("none").toString());
        assertEquals(SonicCli.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("libonnx-testdata"), r.err());
    }
}
