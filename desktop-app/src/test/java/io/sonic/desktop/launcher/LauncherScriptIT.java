package io.sonic.desktop.launcher;

import io.sonic.model.onnx.proto.OnnxProto.GraphProto;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorShapeProto;
import io.sonic.model.onnx.proto.OnnxProto.TypeProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code ./sonic} script as a user runs it, as a separate process against the jar this build
 * just packaged: every error reaches stderr as one {@code error:} line with exit code 2.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LauncherScriptIT {
    static Path root;

    @TempDir
    static Path dir;

    /** What a run of the script printed and returned. */
    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")
                    && !l.contains("Unsupported JavaFX configuration")).toList();
        }
    }

    @BeforeAll
    static void builtJustNow() throws IOException {
        root = Path.of(System.getProperty("sonic.root", "..")).toAbsolutePath().normalize();
        Path target = root.resolve("desktop-app").resolve("target");
        assertTrue(Files.isRegularFile(target.resolve("sonic-desktop.jar")), "the jar is packaged before this test");
        // the jar was packaged from the current sources in this very build: tell the script it is current
        Path stamp = target.resolve(".sonic-build-stamp");
        if (!Files.exists(stamp)) {
            Files.createFile(stamp);
        }
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now()));
    }

    static Run sonic(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("sonic").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        Map<String, String> env = pb.environment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./sonic " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static void badInput(Run r, String... mentions) {
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), "exactly one line on stderr: " + r.err());
        assertTrue(lines.get(0).startsWith("error: "), lines.get(0));
        for (String m : mentions) {
            assertTrue(lines.get(0).contains(m), "'" + m + "' in: " + lines.get(0));
        }
        assertTrue(!r.err().contains("Exception") && !r.err().contains("internal error"), r.err());
    }

    static Path model(GraphProto.Builder graph) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        Path f = Files.createTempFile(dir, "model", ".onnx");
        Files.write(f, m.toByteArray());
        return f;
    }

    static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }

    @Test
    void aFileThatIsNotAModelIsOneErrorLine() throws Exception {
        Path notModel = Files.writeString(dir.resolve("notamodel.onnx"), "name,age\nalice,31\n");
        Run r = sonic("inspect", "--model", notModel.toString());
        badInput(r, "notamodel.onnx is not an ONNX model");
        assertEquals("", r.out());
    }

    @Test
    void anUnsupportedOperatorIsOneErrorLineNamingOpAndNode() throws Exception {
        Path f = model(GraphProto.newBuilder().setName("g").addInput(value("x", 1, 4)).addOutput(value("y", 1, 4))
                .addNode(NodeProto.newBuilder().setOpType("Sigmoid").setName("squash").addInput("x").addOutput("y")));
        badInput(sonic("inspect", "--model", f.toString()), "Sigmoid", "squash");
    }

    @Test
    void everyUnsupportedOperatorIsNamedInTheOneErrorLineWithAHint() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 4)).addOutput(value("y", 1, 4));
        String[][] nodes = {{"Sigmoid", "x", "a"}, {"Softmax", "a", "b"}, {"Tanh", "b", "y"}};
        for (String[] n : nodes) {
            g.addNode(NodeProto.newBuilder().setOpType(n[0]).setName("n_" + n[0]).addInput(n[1]).addOutput(n[2]));
        }
        badInput(sonic("inspect", "--model", model(g).toString()), "3 unsupported operators", "'Sigmoid' in node 'n_Sigmoid'",
                "'Tanh' in node 'n_Tanh'", "'Softmax' in node 'n_Softmax'", "only as the model's last operator is it left out");
    }

    @Test
    void aModelExportedWithAFixedBatchOfFourIsRefusedNotReadAsOneSample() throws Exception {
        Path f = model(GraphProto.newBuilder().setName("g").addInput(value("x", 4, 10)).addOutput(value("y", 4, 10))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("r").addInput("x").addOutput("y")));
        badInput(sonic("inspect", "--model", f.toString()), "fixed batch of 4 samples", "batch size 1",
                "dynamic batch axis");
    }

    @Test
    void aMistypedOptionIsNamedWithTheOptionMeant() throws Exception {
        badInput(sonic("inspect", "--mdoel", "x.onnx"), "unknown option or argument '--mdoel'",
                "did you mean --model?", "'sonic inspect --help' lists the options");
        badInput(sonic("infer", "--model", "x.onnx", "--input", "y.csv", "--limit", "0"), "--limit must be at least 1");
        badInput(sonic("inspect", "--model", "sample-models/mnist-m2/mnist-m2.onnx", "--input-range", "abc"),
                "'abc' is not an input range");
    }

    @Test
    void secureResultsThatDifferFromThePlaintextReferencesFailTheRunSayingWhy() throws Exception {
        // one fraction bit: the fixed-point model itself gives other labels than the float model on a few samples
        Run r = sonic("infer", "--in-memory", "--model", "sample-models/breast-cancer/breast-cancer.onnx", "--input",
                "sample-models/breast-cancer/inputs.csv", "--fraction-bits", "1");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("(DIFFER)") && r.out().contains("(agree)"), r.out());
        assertTrue(r.out().contains("outputs within the error bound (8.0) of the fixed-point reference on 100 of 100"
                + " samples"), r.out());
        assertTrue(r.out().contains("with f = 1 fraction bits the encoding loses precision this model needs; try more"
                + " fraction bits (--fraction-bits)"), r.out());
        List<String> err = r.errLines();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).matches("error: [1-9][0-9]* of 100 samples differ from the plaintext references"),
                err.get(0));
        // the same model with its own fraction bits agrees everywhere and exits 0
        Run ok = sonic("infer", "--in-memory", "--model", "sample-models/breast-cancer/breast-cancer.onnx", "--input",
                "sample-models/breast-cancer/inputs.csv", "--limit", "20");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("labels agree with the float model on 20 of 20 samples"), ok.out());
    }

    @Test
    void aNodeThatReadsItsOwnOutputIsRefusedNotLoopedOn() throws Exception {
        Path f = model(GraphProto.newBuilder().setName("g").addInput(value("x", 1, 4)).addOutput(value("y", 1, 4))
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("loop").addInput("y").addOutput("y")));
        badInput(sonic("inspect", "--model", f.toString()), "loop");
    }

    @Test
    void aWrongInputWidthIsOneErrorLine() throws Exception {
        Path csv = Files.writeString(dir.resolve("three.csv"), "1,2,3\n");
        badInput(sonic("infer", "--in-memory", "--model", "sample-models/breast-cancer/breast-cancer.onnx",
                "--input", csv.toString()), "three.csv line 1 has 3 values", "needs 30");
    }

    @Test
    void anInputOutsideTheModelsRangeIsRefusedBeforeAnythingIsShared() throws Exception {
        String first = Files.readAllLines(root.resolve("sample-models/breast-cancer/inputs.csv")).get(0);
        String[] v = first.split(",");
        v[4] = "1e14";
        Path csv = Files.writeString(dir.resolve("huge.csv"), String.join(",", v) + "\n", StandardCharsets.UTF_8);
        Run r = sonic("infer", "--model", "sample-models/breast-cancer/breast-cancer.onnx", "--input", csv.toString());
        badInput(r, "huge.csv sample 1, value 5 (100000000000000)", "input range [-5, 15]");
        assertTrue(!r.out().contains("secure label"), "nothing ran: " + r.out());
    }

    @Test
    void aModelWithItsWeightsInAnExternalDataFileRunsAndAMissingDataFileIsNamed() throws Exception {
        ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(
                root.resolve("sample-models/breast-cancer/breast-cancer.onnx"))).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.hasRawData()) {
                int offset = data.size();
                t.getRawData().writeTo(data);
                g.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "weights.bin"))
                        .addExternalData(entry("offset", Integer.toString(offset)))
                        .addExternalData(entry("length", Integer.toString(t.getRawData().size()))));
            }
        }
        Path folder = Files.createDirectories(dir.resolve("external"));
        Path onnx = Files.write(folder.resolve("model.onnx"), m.build().toByteArray());
        Files.write(folder.resolve("weights.bin"), data.toByteArray());
        Run r = sonic("infer", "--in-memory", "--model", onnx.toString(), "--input",
                "sample-models/breast-cancer/inputs.csv", "--limit", "4");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("labels agree with the float model on 4 of 4 samples"), r.out());
        Files.delete(folder.resolve("weights.bin"));
        badInput(sonic("inspect", "--model", onnx.toString()), "keeps its data in the file 'weights.bin'",
                "which is not in " + folder, "copy that file beside the .onnx file");
    }

    @Test
    void aClassifierEndingInSoftmaxRunsOnItsLogitsAndSaysSo() throws Exception {
        ModelProto.Builder m = ModelProto.parseFrom(Files.readAllBytes(
                root.resolve("sample-models/breast-cancer/breast-cancer.onnx"))).toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        g.addNode(NodeProto.newBuilder().setOpType("Softmax").setName("probs").addInput(g.getOutput(0).getName())
                .addOutput("probabilities"));
        g.setOutput(0, g.getOutput(0).toBuilder().setName("probabilities"));
        Path onnx = Files.write(dir.resolve("softmax.onnx"), m.build().toByteArray());
        Run r = sonic("infer", "--in-memory", "--model", onnx.toString(), "--input",
                "sample-models/breast-cancer/inputs.csv", "--limit", "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("note: the model's final Softmax is left out")
                && r.out().contains("labels agree with the float model on 3 of 3 samples"), r.out());
    }

    private static io.sonic.model.onnx.proto.OnnxProto.StringStringEntryProto entry(String key, String value) {
        return io.sonic.model.onnx.proto.OnnxProto.StringStringEntryProto.newBuilder().setKey(key).setValue(value)
                .build();
    }

    @Test
    void helpListsTheCommandsOnStdout() throws Exception {
        Run r = sonic("--help");
        assertEquals(0, r.exit(), r.err());
        for (String c : new String[] {"inspect", "infer", "upload", "serve", "dealer", "bench", "conformance"}) {
            assertTrue(r.out().contains(c), c + " in " + r.out());
        }
        assertTrue(r.out().contains("'gui [--model=FILE]'"), r.out());
    }

    @Test
    void withoutADisplayTheAppSaysSoAndEveryCommandItSuggestsWorks() throws Exception {
        Run r = sonic();
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("No display found"), r.err());
        List<String> suggested = r.err().lines().filter(l -> l.startsWith("  ./sonic ")).map(String::strip).toList();
        assertEquals(3, suggested.size(), r.err());
        for (String line : suggested) {
            String[] words = line.substring("./sonic ".length()).split(" ");
            Run s = sonic(words);
            assertEquals(0, s.exit(), line + "\n" + s.err());
            assertTrue(s.errLines().isEmpty(), line + "\n" + s.err());
        }
    }
}
