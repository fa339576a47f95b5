package io.sonic.engine;

import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.LayerListener;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * How safe each truncating layer is: the largest pre-truncation magnitude |x| over a set of inputs
 * (from the fixed-point reference), the bits k with |x| < 2^k, and the resulting failure probability
 * of SecureML's local truncation, about 2^(k+1−64) per element, summed per inference. The exact
 * truncation needs only |x| < 2^62.
 */
public final class TruncationReport {
    public record LayerLine(int index, String name, String op, int elements, long maxMagnitude, int bits,
                            double localFailurePerInference) {
    }

    public record Report(List<LayerLine> layers, double localFailurePerInference, int worstBits) {
    }

    private TruncationReport() {
    }

    public static Report of(ModelGraph g, FixedPoint fp, List<float[]> inputs) {
        TreeMap<Integer, long[]> max = new TreeMap<>();
        FixedPointEvaluator e = new FixedPointEvaluator(g, fp);
        for (float[] x : inputs) {
            e.run(e.encodeInput(x), LayerListener.NONE, (index, values) -> {
                long[] m = max.computeIfAbsent(index, k -> new long[] {0, values.length});
                for (long v : values) {
                    m[0] = Math.max(m[0], v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v));
                }
            });
        }
        List<LayerLine> lines = new ArrayList<>();
        double total = 0;
        int worst = 0;
        for (var entry : max.entrySet()) {
            int i = entry.getKey();
            long m = entry.getValue()[0];
            int elements = (int) entry.getValue()[1];
            int bits = 64 - Long.numberOfLeadingZeros(m);
            double p = elements * Math.scalb(1.0, bits + 1 - 64);
            total += p;
            worst = Math.max(worst, bits);
            var l = g.layers().get(i);
            lines.add(new LayerLine(i, l.name(), l.sourceOp(), elements, m, bits, p));
        }
        return new Report(lines, total, worst);
    }
}
