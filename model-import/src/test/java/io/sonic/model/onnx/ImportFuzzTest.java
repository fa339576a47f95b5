package io.sonic.model.onnx;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded run of {@link ImportFuzz} (about 25 seconds): thousands of mutated and generated hostile
 * models, each of which must end as a graph or as a real {@link io.sonic.model.ModelException}
 * within 2 s and the allocation limit. {@code -Dsonic.fuzz.seconds}, {@code -Dsonic.fuzz.seed} and
 * {@code -Dsonic.fuzz.case} run it longer, with another seed, or replay one case.
 */
class ImportFuzzTest {
    static final long DEFAULT_SEED = 20_240_917L;

    @Test
    void everyCaseEndsAsAGraphOrAModelExceptionWithinTheLimits() {
        long seed = Long.getLong("sonic.fuzz.seed", DEFAULT_SEED);
        double seconds = Double.parseDouble(System.getProperty("sonic.fuzz.seconds", "25"));
        Long only = Long.getLong("sonic.fuzz.case");
        ImportFuzz fuzz = new ImportFuzz(seed, ImportFuzz.sampleModels());
        ImportFuzz.Report r = fuzz.run(only == null ? 0 : only, only == null ? Long.MAX_VALUE : 1, seconds, 10,
                Path.of("target", "fuzz-failures"));
        r.print(System.out);
        assertEquals(0, r.failures.size(), "fuzz failures (seed " + seed + "): " + r.failures);
        if (only == null) {
            long minimum = (long) Math.min(1000, seconds * 20);
            assertTrue(r.cases >= minimum, "only " + r.cases + " cases ran in " + seconds + " s");
            for (ImportFuzz.Family f : ImportFuzz.Family.values()) {
                long[] c = r.counts.get(f);
                assertTrue(c[0] + c[1] > 0, "no case of family " + f);
            }
            assertTrue(r.accepted() > 0 && r.refused() > 0, "outcomes: " + r.accepted() + " accepted, " + r.refused()
                    + " refused");
        }
    }
}
