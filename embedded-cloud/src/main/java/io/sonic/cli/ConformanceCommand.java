package io.sonic.cli;

import io.sonic.model.conformance.Conformance;
import io.sonic.model.conformance.Conformance.Status;
import io.sonic.model.conformance.Conformance.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run ONNX's own backend test cases through the importer and the float evaluator.",
                "Prints one line per case, the number of passing cases per operator, and ends with"
                        + " 'N passed, N failed, N skipped'. Exit code 1 when a case fails."})
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/libonnx-testdata/data",
            description = "ONNX backend test data folder (Debian libonnx-testdata). Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--suite", paramLabel = "NAME", split = ",",
            description = "suites under DIR to run (default: node,pytorch-converted)")
    List<String> suites;

    @Option(names = "--quiet", description = "print only failures and the summary")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Summary s = Conformance.run(data, suites == null ? Conformance.DEFAULT_SUITES : suites, r -> {
            if (!quiet || r.status() == Status.FAILED) {
                out.printf("%-7s %s/%s: %s%n", r.status(), r.suite(), r.name(), oneLine(r.detail()));
                out.flush();
            }
        });
        out.println("passing cases per operator: " + new java.util.TreeMap<>(s.passedByOp()).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
        out.println(s.line());
        return s.count(Status.FAILED) == 0 ? 0 : 1;
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replace('\n', ' ');
        return t.length() > 200 ? t.substring(0, 197) + "..." : t;
    }
}
