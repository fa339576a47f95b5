package io.sonic.cli;

import io.sonic.engine.ErrorBound;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.InputRange;
import io.sonic.engine.RangeAnalysis;
import io.sonic.engine.SecureConfig;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.LayerListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How each secure result compares with the two plaintext references: the float model (the label) and the
 * fixed-point model the protocols compute (every output value, which must lie within {@link ErrorBound} of it).
 * A sample agrees only when both hold; a run with any sample that does not fails, and {@link #verdict} says why.
 */
final class ResultCheck {
    /** One sample's comparison. {@code maxUnits} and {@code fixedMaxError} are -1 when only the label left the servers. */
    record Sample(int label, int plainLabel, int fixedLabel, long maxUnits, double maxError, double fixedMaxError) {
        boolean labelAgrees() {
            return label == plainLabel;
        }
    }

    private final ModelGraph graph;
    private final SecureConfig cfg;
    private final FixedPoint fp;
    private final FixedPointEvaluator ideal;
    private final long boundUnits;
    private final List<Sample> samples = new ArrayList<>();

    ResultCheck(ModelGraph graph, SecureConfig cfg) {
        this.graph = graph;
        this.cfg = cfg;
        this.fp = cfg.fixedPoint();
        this.ideal = new FixedPointEvaluator(graph, fp);
        this.boundUnits = ErrorBound.units(graph, cfg);
    }

    /** The documented bound on |secure − fixed-point| per output value, in units of 2^-f. */
    long boundUnits() {
        return boundUnits;
    }

    double bound() {
        return Math.scalb((double) boundUnits, -fp.fractionBits());
    }

    boolean logits() {
        return cfg.output() == SecureConfig.OutputMode.LOGITS;
    }

    /** Compares one secure result with both references and keeps the outcome. */
    Sample check(float[] x, InferenceResult r, FloatTensor plain) {
        long[] want = ideal.run(ideal.encodeInput(x), LayerListener.NONE);
        double[] wantDecoded = fp.decode(want);
        int fixedLabel = io.sonic.model.Scores.label(wantDecoded);
        long units = -1;
        double err = -1;
        double fixedErr = -1;
        if (logits()) {
            long[] got = r.outputRing();
            units = 0;
            fixedErr = 0;
            for (int i = 0; i < want.length; i++) {
                long d = got[i] - want[i];
                // a wrapped share can put the value anywhere in the ring: the distance, not its sign, counts
                units = Math.max(units, d == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(d));
                fixedErr = Math.max(fixedErr, Math.abs(wantDecoded[i] - plain.get(i)));
            }
            err = Math.scalb((double) units, -fp.fractionBits());
        }
        Sample s = new Sample(r.predictedLabel(), plain.argmax(), fixedLabel, units, err, fixedErr);
        samples.add(s);
        return s;
    }

    boolean withinBound(Sample s) {
        return s.maxUnits() <= boundUnits;
    }

    boolean agrees(Sample s) {
        return s.labelAgrees() && withinBound(s);
    }

    /** The per-sample words: "(agree)" or what differs, and the distance to the fixed-point reference. */
    String describe(Sample s) {
        StringBuilder b = new StringBuilder(agrees(s) ? "(agree)" : "(DIFFER)");
        if (s.maxUnits() >= 0) {
            b.append(String.format(Locale.ROOT, ", max |secure - fixed-point| %.2g (bound %.2g)%s", s.maxError(),
                    bound(), withinBound(s) ? "" : ": OUTSIDE THE BOUND"));
        }
        return b.toString();
    }

    int agreeing() {
        return (int) samples.stream().filter(this::agrees).count();
    }

    boolean allAgree() {
        return agreeing() == samples.size();
    }

    /** The summary lines after the samples: what agreed, and for any sample that did not, why and what to do. */
    List<String> verdict() {
        List<String> lines = new ArrayList<>();
        int n = samples.size();
        long labels = samples.stream().filter(Sample::labelAgrees).count();
        lines.add(String.format(Locale.ROOT, "labels agree with the float model on %d of %d samples", labels, n));
        if (logits()) {
            long within = samples.stream().filter(this::withinBound).count();
            double fixedErr = samples.stream().mapToDouble(Sample::fixedMaxError).max().orElse(0);
            lines.add(String.format(Locale.ROOT, "outputs within the error bound (%.2g) of the fixed-point reference on"
                    + " %d of %d samples; the fixed-point reference itself lies within %.2g of the float model", bound(),
                    within, n, fixedErr));
        }
        long outside = samples.stream().filter(s -> !withinBound(s)).count();
        if (outside > 0) {
            lines.add(cfg.truncation() == SecureConfig.TruncationMode.LOCAL
                    ? outside + " sample(s) outside the bound: local truncation wraps now and then, and a wrapped value"
                    + " is wildly wrong (see the failure probability above); --truncation exact never wraps"
                    : outside + " sample(s) outside the documented bound: this should not happen; please report it"
                    + " with the model and the inputs");
        }
        long labelsOnly = samples.stream().filter(s -> withinBound(s) && !s.labelAgrees()).count();
        if (labelsOnly > 0) {
            long same = samples.stream().filter(s -> withinBound(s) && !s.labelAgrees() && s.fixedLabel() == s.label())
                    .count();
            lines.add(labelsOnly + " sample(s) with another label than the float model's although every value lies"
                    + " within the bound" + (same == labelsOnly ? " (the fixed-point reference gives that label too)"
                    : same > 0 ? " (for " + same + " of them the fixed-point reference gives that label too; the others'"
                    + " top scores lie within the bound of each other)" : " (their top scores lie within the bound of"
                    + " each other)") + ": with f = " + fp.fractionBits() + " fraction bits the encoding loses"
                    + " precision this model needs; try more fraction bits (--fraction-bits)");
        }
        return lines;
    }

    /**
     * With local truncation, how likely a share wrap is for inputs in {@code range}: the bound Σ n·2^(k+1−64) over
     * the truncated layers, k the layer's largest value in bits (worst case over the range); null otherwise.
     */
    String truncationRisk(InputRange range) {
        if (cfg.truncation() != SecureConfig.TruncationMode.LOCAL) {
            return null;
        }
        RangeAnalysis.Result a = RangeAnalysis.analyse(graph, fp, range);
        double p = 0;
        for (RangeAnalysis.LayerBound b : a.layers()) {
            if (b.truncating()) {
                p += graph.layers().get(b.index()).outputSize() * Math.scalb(Math.max(b.maxUnits(), 1), 1 - 64);
            }
        }
        return String.format(Locale.ROOT, "local truncation: a wrap, which makes a value wildly wrong, has a"
                + " probability of up to %s per inference with inputs in this range (worst case); exact truncation"
                + " never wraps", p >= 1 ? "1 (it is all but certain)" : String.format(Locale.ROOT, "%.2g", p));
    }
}
