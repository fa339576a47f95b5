package io.sonic.cloud.client;

import io.sonic.engine.InputRange;
import io.sonic.engine.RangeAnalysis;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.onnx.OnnxImporter;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model as its owner has it: the imported graph and, when there is one, its card. Decides the
 * fixed-point format and the public input range the model is shared with: a range the owner states
 * (on the command line or from a calibration file), else the card's, else the conservative default, the
 * largest symmetric range that is safe; a stated range must be safe too ({@link RangeAnalysis}).
 */
public record OwnerModel(Path file, ModelGraph graph, Optional<ModelCard> card) {

    /** The chosen range, where it came from, and its bounds per layer. */
    public record RangeChoice(InputRange range, String source, RangeAnalysis.Result bounds) {
    }

    public static OwnerModel open(Path file) {
        ModelGraph g = OnnxImporter.read(file).requireOneSample();
        return new OwnerModel(file, g, ModelCard.beside(file));
    }

    /** The fraction bits asked for, else the card's, else the default. */
    public FixedPoint fixedPoint(Integer requested) {
        if (requested != null) {
            return new FixedPoint(requested);
        }
        return card.map(ModelCard::fractionBits).map(FixedPoint::new).orElse(FixedPoint.DEFAULT);
    }

    /**
     * The input range: {@code stated} when given (described by {@code statedSource}), else the card's, else
     * the conservative default. Refuses an unsafe range with the layer that could overflow named.
     */
    public RangeChoice range(FixedPoint fp, InputRange stated, String statedSource) {
        RangeAnalysis.requireEncodable(graph, fp);
        if (stated != null) {
            return new RangeChoice(stated, statedSource, RangeAnalysis.requireSafe(graph, fp, stated));
        }
        Optional<InputRange> fromCard = card.map(ModelCard::inputRange);
        if (fromCard.isPresent()) {
            return new RangeChoice(fromCard.get(), "the model card",
                    RangeAnalysis.requireSafe(graph, fp, fromCard.get()));
        }
        InputRange conservative = RangeAnalysis.largestSymmetric(graph, fp);
        if (conservative == null) {
            throw new ModelException("no input range is safe for " + graph.name() + " with " + fp.fractionBits()
                    + " fraction bits: its weights alone can overflow the ring; use fewer fraction bits");
        }
        return new RangeChoice(conservative, "no range stated: the widest symmetric range proven safe, not the"
                + " inputs' real one; state that in a model card (card.json) or with --input-range",
                RangeAnalysis.analyse(graph, fp, conservative));
    }

    /** A range the owner stated, and where it came from (in words). */
    public record Stated(InputRange range, String source) {
    }

    /**
     * The range stated by the owner's options: MIN:MAX, or the smallest one holding every value of a calibration
     * CSV; null when neither is given. Refuses a malformed range or an unreadable file (before any analysis).
     */
    public Stated stated(String rangeText, Path calibration) {
        if (rangeText != null && calibration != null) {
            throw new ModelException("give either an input range or a calibration file, not both");
        }
        if (rangeText != null) {
            return new Stated(InputRange.parse(rangeText), "the range you gave");
        }
        if (calibration != null) {
            return new Stated(InputRange.covering(InputCsv.read(calibration, graph.inputSize(), -1)),
                    "the calibration file " + calibration.getFileName());
        }
        return null;
    }

    /** The range from the owner's options ({@link #stated}), else the card's, else the conservative default. */
    public RangeChoice range(FixedPoint fp, String rangeText, Path calibration) {
        return range(fp, stated(rangeText, calibration));
    }

    /** The range {@code stated} (null: the card's, else the conservative default), refused when unsafe. */
    public RangeChoice range(FixedPoint fp, Stated stated) {
        return stated == null ? range(fp, (InputRange) null, null) : range(fp, stated.range(), stated.source());
    }
}
