package io.sonic.model.conformance;

import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.UnsupportedModelException;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.OnnxImporter;
import io.sonic.model.onnx.TensorFiles;
import io.sonic.model.onnx.proto.OnnxProto.ModelProto;
import io.sonic.model.onnx.proto.OnnxProto.NodeProto;
import io.sonic.model.onnx.proto.OnnxProto.TensorProto;
import io.sonic.model.onnx.proto.OnnxProto.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs ONNX's own backend test cases (a folder per case: model.onnx and test_data_set_N/ with
 * input_K.pb and output_K.pb) through the importer and the float evaluator. The first graph input
 * is the model input; further inputs (weights, shapes that the operator tests pass as inputs) are
 * bound as constants. A case passes when every output value is within a relative error of 1e-4
 * (|got − want| ≤ 1e-4 · max(1, |want|)); a case the importer reports as unsupported is skipped with
 * that reason; anything else fails.
 */
public final class Conformance {
    public static final double TOLERANCE = 1e-4;
    /** The suites run by default, relative to the data folder. */
    public static final List<String> DEFAULT_SUITES = List.of("node", "pytorch-converted");

    public enum Status { PASSED, FAILED, SKIPPED }

    /** One case's outcome; {@code ops} are the op types the case's model contains. */
    public record CaseResult(String suite, String name, Status status, String detail, Set<String> ops) {
    }

    /** Totals over a run. */
    public record Summary(List<CaseResult> cases) {
        public long count(Status s) {
            return cases.stream().filter(c -> c.status() == s).count();
        }

        /** For each op type, how many passing cases contain it. */
        public Map<String, Integer> passedByOp() {
            Map<String, Integer> m = new HashMap<>();
            for (CaseResult c : cases) {
                if (c.status() == Status.PASSED) {
                    for (String op : c.ops()) {
                        m.merge(op, 1, Integer::sum);
                    }
                }
            }
            return m;
        }

        public String line() {
            return count(Status.PASSED) + " passed, " + count(Status.FAILED) + " failed, " + count(Status.SKIPPED)
                    + " skipped";
        }
    }

    private Conformance() {
    }

    public static Summary run(Path dataDir, List<String> suites, Consumer<CaseResult> progress) {
        if (!Files.isDirectory(dataDir)) {
            throw new ModelException("ONNX test data folder not found: " + dataDir + " (install Debian's"
                    + " libonnx-testdata, which puts it under /usr/share/libonnx-testdata/data)");
        }
        List<CaseResult> results = new ArrayList<>();
        for (String suite : suites) {
            Path dir = dataDir.resolve(suite);
            if (!Files.isDirectory(dir)) {
                throw new ModelException("no suite '" + suite + "' under " + dataDir);
            }
            for (Path caseDir : list(dir)) {
                if (Files.isRegularFile(caseDir.resolve("model.onnx"))) {
                    CaseResult r = runCase(suite, caseDir);
                    results.add(r);
                    progress.accept(r);
                }
            }
        }
        return new Summary(results);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new ModelException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    public static CaseResult runCase(String suite, Path caseDir) {
        String name = caseDir.getFileName().toString();
        Set<String> ops = new TreeSet<>();
        try {
            byte[] bytes = Files.readAllBytes(caseDir.resolve("model.onnx"));
            ModelProto proto = ModelProto.parseFrom(bytes);
            for (NodeProto n : proto.getGraph().getNodeList()) {
                ops.add(n.getOpType());
            }
            List<String> inputs = new ArrayList<>();
            Set<String> initializers = new HashSet<>();
            for (TensorProto t : proto.getGraph().getInitializerList()) {
                initializers.add(t.getName());
            }
            for (ValueInfoProto v : proto.getGraph().getInputList()) {
                if (!initializers.contains(v.getName())) {
                    if (!v.getType().hasTensorType()) {
                        return new CaseResult(suite, name, Status.SKIPPED, "graph input '" + v.getName()
                                + "' is not a tensor (sequences, maps and optionals are not supported)", ops);
                    }
                    inputs.add(v.getName());
                }
            }
            List<Path> sets = list(caseDir).stream()
                    .filter(p -> p.getFileName().toString().startsWith("test_data_set")).toList();
            if (sets.isEmpty()) {
                return new CaseResult(suite, name, Status.SKIPPED, "no test data sets", ops);
            }
            double worst = 0;
            for (Path set : sets) {
                List<TensorProto> in = new ArrayList<>();
                for (int k = 0; Files.exists(set.resolve("input_" + k + ".pb")); k++) {
                    in.add(TensorFiles.readProto(set.resolve("input_" + k + ".pb")));
                }
                if (in.size() != inputs.size() || in.isEmpty()) {
                    return new CaseResult(suite, name, Status.SKIPPED, "test data has " + in.size()
                            + " inputs for " + inputs.size() + " graph inputs", ops);
                }
                Map<String, FloatTensor> bound = new HashMap<>();
                for (int k = 1; k < in.size(); k++) {
                    bound.put(inputs.get(k), TensorFiles.toFloat(in.get(k), "input " + k));
                }
                ModelGraph graph = OnnxImporter.read(bytes, name, new OnnxImporter.Options(bound, true)); // a final Softmax is tested, not left out
                FloatTensor x = TensorFiles.toFloat(in.get(0), "input 0");
                if (!Shapes.equal(x.shape(), graph.inputShape())) {
                    return new CaseResult(suite, name, Status.SKIPPED, "test input shape " + Shapes.format(x.shape())
                            + " differs from the declared " + Shapes.format(graph.inputShape()), ops);
                }
                FloatTensor want = TensorFiles.toFloat(TensorFiles.readProto(set.resolve("output_0.pb")), "output 0");
                FloatTensor got = new FloatEvaluator(graph).run(x.values());
                if (got.size() != want.size()) {
                    return new CaseResult(suite, name, Status.FAILED, "output has " + got.size() + " values "
                            + Shapes.format(got.shape()) + ", expected " + want.size() + " " + Shapes.format(want.shape()),
                            ops);
                }
                for (int i = 0; i < got.size(); i++) {
                    double w = want.get(i);
                    double err = Math.abs(got.get(i) - w) / Math.max(1.0, Math.abs(w));
                    if (!(err <= TOLERANCE) && !(Double.isNaN(w) && Double.isNaN(got.get(i)))
                            && !(Double.isInfinite(w) && w == got.get(i))) {
                        return new CaseResult(suite, name, Status.FAILED, set.getFileName() + ": element " + i
                                + " is " + got.get(i) + ", expected " + w, ops);
                    }
                    worst = Math.max(worst, err);
                }
            }
            return new CaseResult(suite, name, Status.PASSED, String.format("max relative error %.1e", worst), ops);
        } catch (UnsupportedModelException e) {
            return new CaseResult(suite, name, Status.SKIPPED, e.getMessage(), ops);
        } catch (IOException | RuntimeException e) {
            return new CaseResult(suite, name, Status.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), ops);
        }
    }
}
