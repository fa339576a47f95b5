package io.sonic.engine;

import io.sonic.model.eval.FixedPoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the shipped inputs, every pre-truncation value is far inside the exact truncation's range
 * (|x| < 2^62), so the default truncation cannot wrap; the report also prints the local variant's
 * failure probability per inference (docs/protocols/truncation.md).
 */
class TruncationReportTest {
    static List<SampleModels> models() {
        return SampleModels.ALL;
    }

    @ParameterizedTest
    @MethodSource("models")
    void preTruncationMagnitudesStayFarBelowTheExactTruncationLimit(SampleModels m) {
        for (int f : new int[] {12, 16}) {
            TruncationReport.Report r = TruncationReport.of(m.graph(), new FixedPoint(f), m.inputs());
            assertTrue(r.worstBits() <= 50, m + " f=" + f + ": a pre-truncation value needs " + r.worstBits() + " bits");
            System.out.printf("%s f=%d: largest pre-truncation value < 2^%d; local truncation fails with probability"
                    + " %.2e per inference%n", m, f, r.worstBits(), r.localFailurePerInference());
        }
    }
}
