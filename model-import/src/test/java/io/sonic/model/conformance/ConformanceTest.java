package io.sonic.model.conformance;

import io.sonic.model.conformance.Conformance.CaseResult;
import io.sonic.model.conformance.Conformance.Status;
import io.sonic.model.conformance.Conformance.Summary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONNX's backend test data (Debian libonnx-testdata): no supported case may fail. */
class ConformanceTest {
    private static Summary summary;

    @BeforeAll
    static void runAll() {
        Path data = Path.of(System.getProperty("onnx.testdata", "/usr/share/libonnx-testdata/data"));
        assertTrue(Files.isDirectory(data), "ONNX test data missing at " + data
                + ": install Debian's libonnx-testdata (.ci/run does)");
        summary = Conformance.run(data, Conformance.DEFAULT_SUITES, r -> { });
        System.out.println("conformance: " + summary.line());
    }

    @Test
    void noSupportedCaseFails() {
        List<CaseResult> failed = summary.cases().stream().filter(c -> c.status() == Status.FAILED).toList();
        failed.forEach(c -> System.out.println("FAILED " + c.suite() + "/" + c.name() + ": " + c.detail()));
        assertEquals(List.of(), failed.stream().map(c -> c.name() + ": " + c.detail()).toList());
    }

    @Test
    void passedCasesCoverEveryRequiredOperator() {
        Map<String, Integer> byOp = summary.passedByOp();
        for (String op : List.of("Conv", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool",
                "BatchNormalization", "Flatten", "Reshape", "Relu", "Add")) {
            assertTrue(byOp.getOrDefault(op, 0) > 0, "no passing conformance case exercises " + op);
        }
        assertTrue(summary.count(Status.PASSED) >= 100, "only " + summary.count(Status.PASSED) + " cases passed");
    }

    @Test
    void skippedCasesSayWhy() {
        summary.cases().stream().filter(c -> c.status() == Status.SKIPPED)
                .forEach(c -> assertTrue(c.detail() != null && !c.detail().isBlank(), c.name() + " skipped silently"));
    }
}
