package io.sonic.model.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonic.model.data.Idx;
import io.sonic.model.data.InputCsv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The shipped sample models (sample-models/NAME/card.json) as tests see them. */
public record SampleModels(String name, Path dir, JsonNode card) {

    public static Path root() {
        String root = System.getProperty("sonic.root");
        Path base = root == null ? Path.of("..") : Path.of(root);
        return base.resolve("sample-models").toAbsolutePath().normalize();
    }

    public static List<SampleModels> all() {
        try (Stream<Path> dirs = Files.list(root())) {
            List<SampleModels> r = new ArrayList<>();
            for (Path d : dirs.sorted().toList()) {
                Path card = d.resolve("card.json");
                if (Files.isRegularFile(card)) {
                    r.add(new SampleModels(d.getFileName().toString(), d, new ObjectMapper().readTree(card.toFile())));
                }
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path onnx() {
        return dir.resolve(card.get("onnx").asText());
    }

    public List<float[]> inputs() {
        return InputCsv.read(dir.resolve("inputs.csv"), -1, -1);
    }

    public List<float[]> expected() {
        return InputCsv.read(dir.resolve("expected.csv"), -1, -1);
    }

    public int[] labels() {
        return InputCsv.readLabels(dir.resolve("labels.csv"));
    }

    public boolean hasTestSet() {
        return card.hasNonNull("testSet");
    }

    /** The full test split: inputs scaled as the card says, and labels. */
    public TestSet testSet() {
        JsonNode t = card.get("testSet");
        double scale = card.get("scale").asDouble();
        if (t.get("format").asText().equals("idx")) {
            Idx.Data images = Idx.read(dir.resolve(t.get("images").asText()).normalize());
            Idx.Data labels = Idx.read(dir.resolve(t.get("labels").asText()).normalize());
            List<float[]> x = new ArrayList<>();
            int[] y = new int[labels.count()];
            for (int i = 0; i < images.count(); i++) {
                float[] v = new float[images.itemSize()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) (images.unsigned(i, k) * scale);
                }
                x.add(v);
                y[i] = labels.unsigned(i, 0);
            }
            return new TestSet(x, y);
        }
        return new TestSet(InputCsv.read(dir.resolve(t.get("inputs").asText()).normalize(), -1, -1),
                InputCsv.readLabels(dir.resolve(t.get("labels").asText()).normalize()));
    }

    public record TestSet(List<float[]> inputs, int[] labels) {
    }

    @Override
    public String toString() {
        return name;
    }
}
