package io.sonic.desktop.app;

import io.sonic.cloud.client.ModelCard;
import io.sonic.cloud.client.OwnerModel;
import io.sonic.engine.InputRange;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FixedPoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A model opened in the app, with everything the screens say about it: its name, its fixed-point scale
 * and public input range (from its card, else the defaults: f = 16 and the largest safe symmetric
 * range; {@code inputRange} is null when no range is safe and {@code rangeNote} then says why), its
 * class names, the test samples found beside it and the kind of input it takes.
 *
 * <p>What is read from beside the model file: {@code card.json} (name, classes, input range, fraction
 * bits, random weights, pixel scale), {@code inputs.csv} with {@code labels.csv} (test samples and their
 * true labels; the labels of a random-weight model are its own predictions and are not shown as true
 * labels), {@code classes.txt} (class names, one per line, for a model without a card) and
 * {@code standardization.csv} ({@code feature,mean,std}: names of tabular features and how raw
 * values are standardised).
 *
 * @param key           what tells two open models apart (file and modification time), for comparisons
 * @param classes       class names by index, or null
 * @param classesSource where the class names came from, or why there are none
 * @param samples       the test samples beside the model (maybe none)
 * @param input         what kind of input the model takes
 */
public record OpenModel(String key, String name, Path file, ModelGraph graph, int fractionBits, InputRange inputRange,
                        String rangeNote, List<String> classes, String classesSource, boolean randomWeights,
                        Samples samples, InputForm input) {

    /** Test inputs with their true labels ({@code labels} null when none are known). */
    public record Samples(List<float[]> inputs, int[] labels, String source) {
        public static final Samples NONE = new Samples(List.of(), null, "no test samples beside the model");

        public Samples {
            inputs = List.copyOf(inputs);
            labels = labels == null ? null : labels.clone();
        }

        public int size() {
            return inputs.size();
        }

        /** The true label of sample k, or null. */
        public Integer label(int k) {
            return labels != null && k >= 0 && k < labels.length ? labels[k] : null;
        }

        @Override
        public int[] labels() {
            return labels == null ? null : labels.clone();
        }
    }

    /** One feature of a tabular input: its name and, when known, the standardisation the model expects. */
    public record Feature(String name, Double mean, Double std) {
        /** The model's input value for a raw value (standardised when mean and std are known). */
        public float toInput(double raw) {
            return mean == null || std == null || std == 0 ? (float) raw : (float) ((raw - mean) / std);
        }

        /** The raw value for a model input value. */
        public double toRaw(float input) {
            return mean == null || std == null ? input : input * std + mean;
        }
    }

    /**
     * The input's kind: an image ({@code channels} × {@code height} × {@code width}, pixels scaled by
     * {@code pixelScale}: input = pixel / 255 · 255 · pixelScale), which may be drawn on a canvas when it is
     * a grey digit-like image; or a table of features (a small flat input); or neither (values only).
     */
    public record InputForm(int channels, int height, int width, double pixelScale, boolean drawable,
                            List<Feature> features) {
        public boolean image() {
            return channels > 0;
        }

        public boolean tabular() {
            return features != null;
        }
    }

    /** Largest flat input offered as an editable table. */
    public static final int MAX_TABLE_FEATURES = 64;

    /** Opens a model file that has been imported as {@code graph}. */
    public static OpenModel of(Path file, ModelGraph graph) {
        Optional<ModelCard> card = ModelCard.beside(file);
        OwnerModel owner = new OwnerModel(file, graph, card);
        FixedPoint fp = owner.fixedPoint(null);
        InputRange range;
        String note;
        try {
            OwnerModel.RangeChoice r = owner.range(fp, (InputRange) null, null);
            range = r.range();
            note = r.source();
        } catch (ModelException e) {
            range = null;
            note = e.getMessage();
        }
        Path dir = file.toAbsolutePath().getParent();
        String name = card.map(ModelCard::name).filter(n -> !n.isBlank()).orElseGet(() -> baseName(file));
        boolean random = card.map(ModelCard::randomWeights).orElse(Boolean.FALSE);
        int classCount = io.sonic.model.Scores.classes(graph.outputSize());
        List<String> classes = null;
        String classesSource;
        if (card.isPresent() && card.get().classes() != null && card.get().classes().size() == classCount) {
            classes = List.copyOf(card.get().classes());
            classesSource = "class names from card.json";
        } else if (dir != null && Files.isRegularFile(dir.resolve("classes.txt"))) {
            List<String> names = readLines(dir.resolve("classes.txt"));
            if (names.size() == classCount) {
                classes = names;
                classesSource = "class names from classes.txt";
            } else {
                classesSource = "classes.txt has " + names.size() + " names but the model has " + classCount
                        + " outputs; shown as class numbers";
            }
        } else {
            classesSource = "no class names (card.json or classes.txt beside the model); shown as class numbers";
        }
        Samples samples = samples(dir, graph, random);
        return new OpenModel(file.toAbsolutePath() + "@" + modified(file), name, file, graph, fp.fractionBits(),
                range, note, classes, classesSource, random, samples, form(dir, graph, card, samples, classes));
    }

    /** The input range, or a ModelException saying why the model has none. */
    public InputRange requireRange() {
        if (inputRange == null) {
            throw new ModelException(rangeNote);
        }
        return inputRange;
    }

    /** "3 · cat", or "class 3" without names. */
    public String className(int k) {
        if (classes != null && k >= 0 && k < classes.size()) {
            String n = classes.get(k);
            return n.equals(Integer.toString(k)) ? n : k + " · " + n;
        }
        return "class " + k;
    }

    /** A short name of class k for a chart axis: the name, or the number. */
    public String shortClassName(int k) {
        return classes != null && k >= 0 && k < classes.size() ? classes.get(k) : Integer.toString(k);
    }

    /** The number of classes ({@link io.sonic.model.Scores#classes}: one output value is a binary classifier). */
    public int classCount() {
        return io.sonic.model.Scores.classes(graph.outputSize());
    }

    private static Samples samples(Path dir, ModelGraph g, boolean random) {
        if (dir == null || !Files.isRegularFile(dir.resolve("inputs.csv"))) {
            return Samples.NONE;
        }
        List<float[]> in;
        try {
            in = InputCsv.read(dir.resolve("inputs.csv"), g.inputSize(), 10_000);
        } catch (ModelException e) {
            return new Samples(List.of(), null, "inputs.csv beside the model cannot be used: " + e.getMessage());
        }
        int[] labels = null;
        String source = in.size() + " test samples from inputs.csv";
        if (Files.isRegularFile(dir.resolve("labels.csv"))) {
            if (random) {
                source += "; the model's weights are random, so labels.csv holds its own predictions, not true labels";
            } else {
                try {
                    int[] l = InputCsv.readLabels(dir.resolve("labels.csv"));
                    if (l.length >= in.size()) {
                        labels = java.util.Arrays.copyOf(l, in.size());
                        source += " with their true labels from labels.csv";
                    } else {
                        source += "; labels.csv has only " + l.length + " labels, so none are shown";
                    }
                } catch (ModelException e) {
                    source += "; labels.csv cannot be used: " + e.getMessage();
                }
            }
        }
        return new Samples(in, labels, source);
    }

    private static InputForm form(Path dir, ModelGraph g, Optional<ModelCard> card, Samples samples,
                                  List<String> classes) {
        int[] s = g.inputShape();
        int n = g.inputSize();
        int c = 0;
        int h = 0;
        int w = 0;
        if (s.length == 4 && (s[1] == 1 || s[1] == 3) && s[2] >= 8 && s[3] >= 8) {
            c = s[1];
            h = s[2];
            w = s[3];
        } else if (s.length == 2 && (card.map(ModelCard::scale).isPresent()
                || dir != null && Files.isDirectory(dir.resolve("images")))) {
            int side = (int) Math.round(Math.sqrt(n));
            int side3 = (int) Math.round(Math.sqrt(n / 3.0));
            if (side * side == n && side >= 8) {
                c = 1;
                h = side;
                w = side;
            } else if (3 * side3 * side3 == n && side3 >= 8) {
                c = 3;
                h = side3;
                w = side3;
            }
        }
        if (c > 0) {
            double scale = card.map(ModelCard::scale).orElse(Double.NaN);
            if (Double.isNaN(scale)) {
                double max = 0;
                for (float[] x : samples.inputs()) {
                    for (float v : x) {
                        max = Math.max(max, v);
                    }
                }
                scale = max > 1.5 ? Math.ceil(max) / 255.0 : 1 / 255.0;
            }
            boolean digits = classes == null || isDigits(classes);
            return new InputForm(c, h, w, scale, c == 1 && h == w && digits, null);
        }
        if (n <= MAX_TABLE_FEATURES && (s.length == 2 || s.length == 1)) {
            return new InputForm(0, 0, 0, 0, false, features(dir, n));
        }
        return new InputForm(0, 0, 0, 0, false, null);
    }

    private static boolean isDigits(List<String> classes) {
        for (int i = 0; i < classes.size(); i++) {
            if (!classes.get(i).equals(Integer.toString(i))) {
                return false;
            }
        }
        return true;
    }

    /** Feature names and standardisation from standardization.csv (feature,mean,std), else x0, x1, … */
    private static List<Feature> features(Path dir, int n) {
        List<Feature> f = new ArrayList<>();
        Path file = dir == null ? null : dir.resolve("standardization.csv");
        if (file != null && Files.isRegularFile(file)) {
            List<String> lines = readLines(file);
            if (!lines.isEmpty() && lines.get(0).toLowerCase(Locale.ROOT).startsWith("feature")) {
                lines = lines.subList(1, lines.size());
            }
            if (lines.size() == n) {
                try {
                    for (String line : lines) {
                        int b = line.lastIndexOf(',');
                        int a = line.lastIndexOf(',', b - 1);
                        f.add(new Feature(line.substring(0, a).trim(), Double.parseDouble(line.substring(a + 1, b)),
                                Double.parseDouble(line.substring(b + 1))));
                    }
                    return List.copyOf(f);
                } catch (RuntimeException e) {
                    f.clear();
                }
            }
        }
        for (int i = 0; i < n; i++) {
            f.add(new Feature("x" + i, null, null));
        }
        return List.copyOf(f);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String baseName(Path file) {
        String n = file.getFileName().toString();
        return n.toLowerCase(Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
