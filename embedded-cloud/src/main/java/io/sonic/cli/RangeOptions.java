package io.sonic.cli;

import io.sonic.cloud.client.OwnerModel;
import io.sonic.model.eval.FixedPoint;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model owner's choice of the public input range (upload, inspect, and infer when it uploads itself). */
final class RangeOptions {
    @Option(names = "--input-range", paramLabel = "MIN:MAX",
            description = "the public range of every input value (e.g. 0:1). Default: the model card's (card.json"
                    + " beside the model), else the largest symmetric range that is safe for the model")
    String range;

    @Option(names = "--calibration", paramLabel = "CSV",
            description = "take the input range from these inputs instead (the smallest range holding every value)")
    Path calibration;

    OwnerModel.RangeChoice choose(OwnerModel m, FixedPoint fp) {
        return m.range(fp, range, calibration);
    }

    /** The range these options state (null: none), a malformed option or unreadable file refused. */
    OwnerModel.Stated stated(OwnerModel m) {
        return m.stated(range, calibration);
    }
}
