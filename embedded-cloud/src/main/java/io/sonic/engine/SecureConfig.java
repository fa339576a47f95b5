package io.sonic.engine;

import io.sonic.engine.net.LinkProfile;
import io.sonic.model.eval.FixedPoint;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a secure inference runs. One immutable record, passed explicitly. It owns its one encoding: the
 * option names and values below are what the command line, the GUI, the session API and the dealer
 * request all read and write ({@link #fields}, {@link #fromFields}, {@link #text}).
 *
 * @param fractionBits fixed-point fraction bits f
 * @param suite        which protocols evaluate comparisons and truncation
 * @param linear       how linear layers open their operands
 * @param truncation   how products are brought back to f fraction bits
 * @param output       what leaves the servers
 * @param link         the network simulated between the servers ({@link LinkProfile#LOOPBACK}: none)
 * @param preprocessing who makes the correlated randomness: the dealer, or the two servers with oblivious transfer
 * @param timeout      the longest wait for the peer before the session fails (the link's delay comes on top:
 *                     {@link #channelTimeout})
 */
public record SecureConfig(int fractionBits, Suite suite, LinearMode linear, TruncationMode truncation,
                           OutputMode output, LinkProfile link, Preprocessing preprocessing, Duration timeout) {

    /** A configuration option's values: each has one name, used everywhere. */
    public interface Option {
        String cliName();
    }

    /**
     * The protocol suite: SONIC (the paper's bit-decomposition comparison, log₂ℓ + 2 rounds per ReLU) or
     * FSS (function secret sharing with the dealer's keys: one round per comparison and per truncation).
     */
    public enum Suite implements Option {
        SONIC, FSS;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Linear layers: open W−A and X−B on every query (the paper), or W−A once per model. */
    public enum LinearMode implements Option {
        FAITHFUL, MASK_REUSE;

        public String cliName() {
            return this == FAITHFUL ? "faithful" : "mask-reuse";
        }
    }

    /**
     * LOCAL: SecureML's share-local truncation (no communication; rarely wrong by 2^(64−f), the
     * paper's variant). EXACT: dealer-assisted, one round, never wraps (the Sonic suite's is off by at
     * most one unit, the FSS suite's is exact floor division).
     */
    public enum TruncationMode implements Option {
        LOCAL, EXACT;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** LOGITS: the user reconstructs the output tensor. LABEL: only the shared argmax leaves the servers. */
    public enum OutputMode implements Option {
        LOGITS, LABEL;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a query's correlated randomness comes from: DEALER (a semi-trusted third party deals it, the
     * paper's design) or OT (the two servers make it themselves with oblivious transfer, no dealer at all;
     * Sonic suite only, because FSS keys cannot be made cheaply without one).
     */
    public enum Preprocessing implements Option {
        DEALER, OT;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a configuration cannot run, or null: the FSS suite's keys need a dealer. */
    public static String refusal(Suite suite, Preprocessing preprocessing) {
        return suite == Suite.FSS && preprocessing == Preprocessing.OT
                ? "the FSS suite needs a dealer: its DCF keys cannot be made by the servers with oblivious transfer at"
                + " any reasonable cost; use preprocessing=ot with suite=sonic, or keep the dealer"
                : null;
    }

    /** The option names, in the order {@link #text} writes them. */
    public static final String SUITE = "suite";
    public static final String LINEAR = "linear";
    public static final String TRUNCATION = "truncation";
    public static final String OUTPUT = "output";
    public static final String LINK = "link";
    public static final String PREPROCESSING = "preprocessing";
    public static final String FRACTION_BITS = "fractionBits";

    public static final SecureConfig DEFAULT = new SecureConfig(FixedPoint.DEFAULT_FRACTION_BITS, Suite.SONIC,
            LinearMode.FAITHFUL, TruncationMode.EXACT, OutputMode.LOGITS, LinkProfile.LOOPBACK, Preprocessing.DEALER,
            Duration.ofSeconds(10));

    public SecureConfig {
        new FixedPoint(fractionBits);
        if (suite == null || linear == null || truncation == null || output == null || link == null
                || preprocessing == null || timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("incomplete secure configuration");
        }
        String refused = refusal(suite, preprocessing);
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
    }

    public FixedPoint fixedPoint() {
        return new FixedPoint(fractionBits);
    }

    public SecureConfig withSuite(Suite s) {
        return new SecureConfig(fractionBits, s, linear, truncation, output, link, preprocessing, timeout);
    }

    public SecureConfig withLinear(LinearMode m) {
        return new SecureConfig(fractionBits, suite, m, truncation, output, link, preprocessing, timeout);
    }

    public SecureConfig withTruncation(TruncationMode m) {
        return new SecureConfig(fractionBits, suite, linear, m, output, link, preprocessing, timeout);
    }

    public SecureConfig withOutput(OutputMode m) {
        return new SecureConfig(fractionBits, suite, linear, truncation, m, link, preprocessing, timeout);
    }

    public SecureConfig withFractionBits(int f) {
        return new SecureConfig(f, suite, linear, truncation, output, link, preprocessing, timeout);
    }

    public SecureConfig withPreprocessing(Preprocessing p) {
        return new SecureConfig(fractionBits, suite, linear, truncation, output, link, p, timeout);
    }

    public SecureConfig withLink(LinkProfile l) {
        return new SecureConfig(fractionBits, suite, linear, truncation, output, l, preprocessing, timeout);
    }

    /** The configuration as far as the protocols see it (the simulated link changes timing only). */
    public SecureConfig protocolOnly() {
        return withLink(LinkProfile.LOOPBACK);
    }

    /**
     * How long a server waits for one message of at most {@code largestMessageBytes}: the timeout plus the
     * simulated link's delay of such a message.
     */
    public Duration channelTimeout(long largestMessageBytes) {
        return link.budget(timeout, largestMessageBytes);
    }

    public SecureConfig withTimeout(Duration t) {
        return new SecureConfig(fractionBits, suite, linear, truncation, output, link, preprocessing, t);
    }

    /** The options as named fields (every field, values as {@link Option#cliName}); the timeout is not one. */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SUITE, suite.cliName());
        m.put(LINEAR, linear.cliName());
        m.put(TRUNCATION, truncation.cliName());
        m.put(OUTPUT, output.cliName());
        m.put(LINK, link.text());
        m.put(PREPROCESSING, preprocessing.cliName());
        m.put(FRACTION_BITS, Integer.toString(fractionBits));
        return m;
    }

    /** One line, e.g. {@code suite=fss linear=mask-reuse truncation=exact output=logits link=wan fractionBits=16}. */
    public String text() {
        StringBuilder b = new StringBuilder();
        fields().forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    /** A short human summary, e.g. "fss suite, mask-reuse, exact truncation, label". */
    public String summary() {
        return suite.cliName() + " suite, " + linear.cliName() + ", " + truncation.cliName() + " truncation, "
                + output.cliName() + (link.simulated() ? ", " + link.text() + " link" : "")
                + (preprocessing == Preprocessing.OT ? ", no dealer (OT)" : "");
    }

    /**
     * Reads named fields (absent or null ones keep {@code base}'s value); an unknown name or value fails
     * with a message naming it and the values allowed.
     */
    public static SecureConfig fromFields(Map<String, String> fields, SecureConfig base) {
        int f = base.fractionBits;
        Suite suite = base.suite;
        LinearMode linear = base.linear;
        TruncationMode truncation = base.truncation;
        OutputMode output = base.output;
        LinkProfile link = base.link;
        Preprocessing preprocessing = base.preprocessing;
        for (var e : fields.entrySet()) {
            String v = e.getValue();
            if (v == null) {
                continue;
            }
            switch (e.getKey()) {
                case SUITE -> suite = option(SUITE, v, Suite.values());
                case LINEAR -> linear = option(LINEAR, v, LinearMode.values());
                case TRUNCATION -> truncation = option(TRUNCATION, v, TruncationMode.values());
                case OUTPUT -> output = option(OUTPUT, v, OutputMode.values());
                case LINK -> link = LinkProfile.parse(v);
                case PREPROCESSING -> preprocessing = option(PREPROCESSING, v, Preprocessing.values());
                case FRACTION_BITS -> {
                    try {
                        f = Integer.parseInt(v.trim());
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException(FRACTION_BITS + " must be a whole number, not '" + v + "'");
                    }
                    if (f < 1 || f > io.sonic.model.eval.FixedPoint.MAX_FRACTION_BITS) {
                        throw new IllegalArgumentException(FRACTION_BITS + " must be between 1 and 30, not " + f);
                    }
                }
                default -> throw new IllegalArgumentException("unknown secure option '" + e.getKey() + "' (known: "
                        + String.join(", ", DEFAULT.fields().keySet()) + ")");
            }
        }
        return new SecureConfig(f, suite, linear, truncation, output, link, preprocessing, base.timeout);
    }

    /** Reads the form {@link #text} writes (words {@code name=value} separated by spaces). */
    public static SecureConfig parseText(String text, SecureConfig base) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a secure option is written name=value, not '" + word + "'");
            }
            m.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return fromFields(m, base);
    }

    /** The option value named {@code value} (its {@link Option#cliName}, case-insensitive). */
    public static <E extends Enum<E> & Option> E option(String name, String value, E[] values) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (E e : values) {
            if (e.cliName().equals(v) || e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException(name + " must be " + String.join(" or ",
                Arrays.stream(values).map(Option::cliName).toList()) + ", not '" + value + "'");
    }
}
