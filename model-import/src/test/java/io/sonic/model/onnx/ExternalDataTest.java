package io.sonic.model.onnx;

import com.google.protobuf.ByteString;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.StringStringEntryProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX external data: a model whose weights live in a file beside it imports to the same graph as the model
 * holding them itself, and every bad reference (missing file, a path or link out of the model's folder, a
 * range past the file's end, a wrong checksum) is refused with a message naming the tensor and the file.
 */
class ExternalDataTest {
    private static final Path CNN = exports("cnn-rescale.onnx");

    private static Path exports(String name) {
        try {
            return Path.of(ExternalDataTest.class.getResource("/exports/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model with every initializer of more than 16 bytes moved to {@code data} (16-byte aligned, as onnx does). */
    private static ModelProto externalise(ModelProto model, Path data, String location,
                                          UnaryOperator<TensorProto.Builder> edit) throws Exception {
        ModelProto.Builder m = model.toBuilder();
        var g = m.getGraphBuilder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int moved = 0;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (!t.hasRawData() || t.getRawData().size() <= 16) {
                continue;
            }
            while (out.size() % 16 != 0) {
                out.write(0);
            }
            long offset = out.size();
            t.getRawData().writeTo(out);
            TensorProto.Builder b = t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(t.getRawData().size())));
            g.setInitializer(i, edit.apply(b));
            moved++;
        }
        assertTrue(moved >= 2, "the test model has weights to move");
        Files.write(data, out.toByteArray());
        return m.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static ModelProto cnn() throws Exception {
        return ModelProto.parseFrom(Files.readAllBytes(CNN));
    }

    private static Path write(Path dir, ModelProto m) throws Exception {
        Path f = dir.resolve("model.onnx");
        Files.write(f, m.toByteArray());
        return f;
    }

    private static ModelException refused(Path model) {
        return assertThrows(ModelException.class, () -> OnnxImporter.read(model));
    }

    @Test
    void weightsBesideTheModelGiveTheSameGraphAndOutputs(@TempDir Path dir) throws Exception {
        ModelGraph inside = OnnxImporter.read(CNN);
        Path model = write(dir, externalise(cnn(), dir.resolve("weights.bin"), "weights.bin", b -> b));
        assertTrue(Files.size(model) < Files.size(CNN) - Files.size(dir.resolve("weights.bin")) / 2,
                "the weights left the .onnx file");
        ModelGraph beside = OnnxImporter.read(model);
        assertEquals(inside.layers().size(), beside.layers().size());
        Random r = new Random(5);
        for (int k = 0; k < 5; k++) {
            float[] x = new float[inside.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            assertArrayEquals(new FloatEvaluator(inside).run(x).values(), new FloatEvaluator(beside).run(x).values());
        }
    }

    @Test
    void dataBelowTheFolderWithoutLengthAndWithItsChecksumIsRead(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        ModelProto m = externalise(cnn(), dir.resolve("data/w.bin"), "data/w.bin", b -> b);
        // the last tensor without a length (it runs to the end of the file), the first with its SHA-1
        var g = m.toBuilder();
        var gb = g.getGraphBuilder();
        int last = -1;
        int first = -1;
        for (int i = 0; i < gb.getInitializerCount(); i++) {
            if (ExternalData.external(gb.getInitializer(i))) {
                last = i;
                first = first < 0 ? i : first;
            }
        }
        TensorProto.Builder l = gb.getInitializer(last).toBuilder().clearExternalData();
        for (StringStringEntryProto e : gb.getInitializer(last).getExternalDataList()) {
            if (!e.getKey().equals("length")) {
                l.addExternalData(e);
            }
        }
        gb.setInitializer(last, l);
        ByteString firstData = cnn().getGraph().getInitializer(first).getRawData();
        byte[] sha = MessageDigest.getInstance("SHA-1").digest(firstData.toByteArray());
        gb.setInitializer(first, gb.getInitializer(first).toBuilder()
                .addExternalData(entry("checksum", HexFormat.of().formatHex(sha))));
        ModelGraph g2 = OnnxImporter.read(write(dir, g.build()));
        float[] x = new float[g2.inputSize()];
        assertArrayEquals(new FloatEvaluator(OnnxImporter.read(CNN)).run(x).values(), new FloatEvaluator(g2).run(x).values());
    }

    @Test
    void aMissingDataFileIsNamedWithTheFolderItWasLookedFor(@TempDir Path dir) throws Exception {
        Path model = write(dir, externalise(cnn(), dir.resolve("weights.bin"), "weights.bin", b -> b));
        Files.delete(dir.resolve("weights.bin"));
        String m = refused(model).getMessage();
        assertTrue(m.contains("'weights.bin'") && m.contains("which is not in " + dir.toAbsolutePath())
                && m.contains("copy that file beside the .onnx file") && m.contains("initializer"), m);
    }

    @Test
    void aPathOutOfTheFolderIsRefused(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("m"));
        Files.writeString(dir.resolve("secret.txt"), "x".repeat(4096));
        for (String location : new String[] {"../secret.txt", dir.resolve("secret.txt").toString(), "a/../../secret.txt"}) {
            Path model = write(dir.resolve("m"), externalise(cnn(), dir.resolve("m/ignored.bin"), location, b -> b));
            String m = refused(model).getMessage();
            assertTrue(m.contains("outside the model's folder"), location + ": " + m);
        }
    }

    @Test
    void aLinkOutOfTheFolderIsRefused(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("m"));
        Path model = write(dir.resolve("m"), externalise(cnn(), dir.resolve("real.bin"), "w.bin", b -> b));
        Files.createSymbolicLink(dir.resolve("m/w.bin"), dir.resolve("real.bin"));
        String m = refused(model).getMessage();
        assertTrue(m.contains("a link that leads outside the model's folder"), m);
    }

    @Test
    void aTruncatedDataFileIsRefused(@TempDir Path dir) throws Exception {
        Path model = write(dir, externalise(cnn(), dir.resolve("w.bin"), "w.bin", b -> b));
        byte[] all = Files.readAllBytes(dir.resolve("w.bin"));
        Files.write(dir.resolve("w.bin"), java.util.Arrays.copyOf(all, all.length / 3));
        String m = refused(model).getMessage();
        assertTrue(m.contains("which holds only " + all.length / 3 + " bytes") && m.contains("truncated"), m);
    }

    @Test
    void aWrongChecksumIsRefused(@TempDir Path dir) throws Exception {
        Path model = write(dir, externalise(cnn(), dir.resolve("w.bin"), "w.bin",
                b -> b.addExternalData(entry("checksum", "00".repeat(20)))));
        String m = refused(model).getMessage();
        assertTrue(m.contains("do not match the SHA-1 checksum"), m);
    }

    @Test
    void badEntriesAreRefused(@TempDir Path dir) throws Exception {
        Path model = write(dir, externalise(cnn(), dir.resolve("w.bin"), "w.bin",
                b -> b.setExternalData(1, entry("offset", "-8"))));
        assertTrue(refused(model).getMessage().contains("states its external data's offset as '-8'"));
        model = write(dir, externalise(cnn(), dir.resolve("w.bin"), "w.bin", b -> b.removeExternalData(0)));
        assertTrue(refused(model).getMessage().contains("names no file (no 'location' entry)"));
        // a wrong length is caught by the tensor's own size check
        model = write(dir, externalise(cnn(), dir.resolve("w.bin"), "w.bin", b -> b.setExternalData(2, entry("length", "4"))));
        assertTrue(refused(model).getMessage().contains("but its data holds 4 bytes"));
    }

    @Test
    void fromBytesAloneExternalDataIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        byte[] bytes = externalise(cnn(), dir.resolve("w.bin"), "w.bin", b -> b).toByteArray();
        String m = assertThrows(ModelException.class, () -> OnnxImporter.read(bytes, "model.onnx",
                OnnxImporter.Options.DEFAULT)).getMessage();
        assertTrue(m.contains("keeps its data in an external file") && m.contains("when it opens the model from its"
                + " file"), m);
    }
}
