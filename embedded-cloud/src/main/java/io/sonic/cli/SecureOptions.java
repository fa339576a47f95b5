package io.sonic.cli;

import io.sonic.engine.SecureConfig;
import io.sonic.model.eval.FixedPoint;
import picocli.CommandLine.Option;

import java.util.List;

/** The secure-inference options shared by infer and bench. */
final class SecureOptions {
    @Option(names = "--suite", paramLabel = "SUITE", defaultValue = "sonic",
            description = "protocol suite: sonic (the paper's bit-decomposition comparisons, 8 rounds per ReLU) or"
                    + " fss (function secret sharing with dealer keys: 1 round per ReLU and per truncation)."
                    + " Default: ${DEFAULT-VALUE}")
    String suite;

    @Option(names = "--linear", paramLabel = "MODE", defaultValue = "faithful",
            description = "linear layers: faithful (open W-A and X-B every query, as the paper) or mask-reuse"
                    + " (W-A opened once per model). Default: ${DEFAULT-VALUE}")
    String linear;

    @Option(names = "--output", paramLabel = "KIND", defaultValue = "logits",
            description = "logits (the user reconstructs the output) or label (only the secure argmax leaves"
                    + " the servers). Default: ${DEFAULT-VALUE}")
    String output;

    @Option(names = "--truncation", paramLabel = "MODE", defaultValue = "exact",
            description = "exact (dealer-assisted, one round, never wraps) or local (SecureML, no communication,"
                    + " the paper's variant). Default: ${DEFAULT-VALUE}")
    String truncation;

    @Option(names = "--link", paramLabel = "PROFILE", defaultValue = "loopback",
            description = "the network simulated between the two servers: loopback (none), lan (0.25 ms one way,"
                    + " 1 Gbit/s), wan (20 ms one way, 100 Mbit/s) or latency=20ms,bandwidth=100mbit[,jitter=2ms]"
                    + " (bench: several, e.g. loopback,lan,wan). Default: ${DEFAULT-VALUE}")
    String link;

    @Option(names = "--preprocessing", paramLabel = "SOURCE", defaultValue = "dealer",
            description = "who makes each query's correlated randomness: dealer (a semi-trusted third party, the"
                    + " paper's design) or ot (the two servers themselves with oblivious transfer, no dealer at all;"
                    + " Sonic suite only, and far more traffic between the servers). Default: ${DEFAULT-VALUE}")
    String preprocessing;

    @Option(names = "--fraction-bits", paramLabel = "F",
            description = "fixed-point fraction bits (1-" + FixedPoint.MAX_FRACTION_BITS + "). Default: the model card's, else "
                    + FixedPoint.DEFAULT_FRACTION_BITS)
    Integer fractionBits;

    /** The one link profile asked for (infer). */
    io.sonic.engine.net.LinkProfile link() {
        List<io.sonic.engine.net.LinkProfile> l = links();
        if (l.size() != 1) {
            throw new UserInputException("--link takes one profile here, not " + l.size() + " (bench takes several)");
        }
        return l.get(0);
    }

    /** The link profiles asked for (bench takes several). */
    java.util.List<io.sonic.engine.net.LinkProfile> links() {
        try {
            return io.sonic.engine.net.LinkProfile.parseList(link);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--" + e.getMessage());
        }
    }

    /** The fraction bits asked for, or null for the model's default. */
    Integer requestedFractionBits() {
        return checked(fractionBits);
    }

    /** {@code f} (null: none asked for), refused as bad input unless an encoding can have that many fraction bits. */
    static Integer checked(Integer f) {
        int max = FixedPoint.MAX_FRACTION_BITS;
        if (f != null && (f < 1 || f > max)) {
            throw new UserInputException("--fraction-bits must be between 1 and " + max + ", not " + f);
        }
        return f;
    }

    /** The configuration with the fraction bits asked for, or the default. */
    SecureConfig config() {
        Integer f = requestedFractionBits();
        return config(f == null ? FixedPoint.DEFAULT_FRACTION_BITS : f);
    }

    SecureConfig config(int fractionBits) {
        java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put(SecureConfig.SUITE, suite);
        f.put(SecureConfig.LINEAR, linear);
        f.put(SecureConfig.OUTPUT, output);
        f.put(SecureConfig.TRUNCATION, truncation);
        f.put(SecureConfig.PREPROCESSING, preprocessing);
        // several links are the bench's (it runs each); a configuration has one
        f.put(SecureConfig.LINK, links().size() == 1 ? link : null);
        try {
            return SecureConfig.fromFields(f, SecureConfig.DEFAULT.withFractionBits(fractionBits));
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            boolean named = SecureConfig.DEFAULT.fields().keySet().stream().anyMatch(k -> m.startsWith(k + " "));
            throw new UserInputException(named ? "--" + m : m.replace("preprocessing=ot", "--preprocessing ot")
                    .replace("suite=sonic", "--suite sonic").replace("(preprocessing=dealer)", "(--preprocessing dealer)"));
        }
    }
}
