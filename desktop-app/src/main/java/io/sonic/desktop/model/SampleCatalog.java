package io.sonic.desktop.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The sample models shipped in sample-models/ (each folder with a card.json and its .onnx). */
public final class SampleCatalog {
    private SampleCatalog() {
    }

    /** sample-models under the Sonic folder (the launcher passes it as sonic.root), or null. */
    public static Path root() {
        String r = System.getProperty("sonic.root");
        Path p = Path.of(r == null ? "." : r).resolve("sample-models").toAbsolutePath().normalize();
        if (!Files.isDirectory(p) && r == null) {
            p = Path.of("..").resolve("sample-models").toAbsolutePath().normalize();
        }
        return Files.isDirectory(p) ? p : null;
    }

    /** The sample model folders, sorted by name. */
    public static List<Path> samples() {
        Path root = root();
        List<Path> r = new ArrayList<>();
        if (root == null) {
            return r;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.sorted().toList()) {
                Path onnx = d.resolve(d.getFileName() + ".onnx");
                if (Files.isRegularFile(d.resolve("card.json")) && Files.isRegularFile(onnx)) {
                    r.add(d);
                }
            }
        } catch (IOException e) {
            return r;
        }
        return r;
    }

    public static Path onnxOf(Path sampleDir) {
        return sampleDir.resolve(sampleDir.getFileName() + ".onnx");
    }
}
