package io.sonic.engine.net;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network between the two servers as a simulation sees it: one-way latency, bandwidth (bits per
 * second, 0 for unlimited) and jitter (each message is late by a further uniform 0..jitter). A message of
 * b bytes sent at t is delivered at {@code max(t, link busy) + b·8/bandwidth + latency} (+ jitter), in
 * order, each direction on its own ({@link SimulatedChannel}). {@link #LOOPBACK} adds nothing.
 *
 * <p>Text form (CLI, GUI, session API): {@code loopback}, {@code lan}, {@code wan}, or a custom
 * {@code latency=20ms,bandwidth=100mbit[,jitter=2ms]}.
 *
 * @param name          loopback, lan, wan or custom
 * @param latencyNanos  one-way latency
 * @param bitsPerSecond bandwidth of each direction, 0 for unlimited
 * @param jitterNanos   the largest extra delay of a message
 */
public record LinkProfile(String name, long latencyNanos, long bitsPerSecond, long jitterNanos) {
    public static final LinkProfile LOOPBACK = new LinkProfile("loopback", 0, 0, 0);
    /** A data-centre LAN: 0.25 ms one way, 1 Gbit/s. */
    public static final LinkProfile LAN = new LinkProfile("lan", 250_000, 1_000_000_000L, 0);
    /** Two cloud regions: 20 ms one way, 100 Mbit/s. */
    public static final LinkProfile WAN = new LinkProfile("wan", 20_000_000, 100_000_000L, 0);
    public static final String CUSTOM = "custom";
    private static final long MAX_DELAY_NANOS = 10_000_000_000L;
    private static final long MIN_BITS_PER_SECOND = 1_000;
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s)?");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(bit|kbit|mbit|gbit)?(?:/s|ps)?");
    private static final String FORMS = "loopback, lan, wan, or latency=20ms,bandwidth=100mbit[,jitter=2ms]";

    public LinkProfile {
        if (name == null || latencyNanos < 0 || latencyNanos > MAX_DELAY_NANOS || jitterNanos < 0
                || jitterNanos > MAX_DELAY_NANOS || bitsPerSecond < 0
                || (bitsPerSecond > 0 && bitsPerSecond < MIN_BITS_PER_SECOND)) {
            throw new IllegalArgumentException("a link has a latency and jitter of 0 to 10 s and a bandwidth of at"
                    + " least 1 kbit/s (or none: unlimited)");
        }
    }

    public static LinkProfile[] named() {
        return new LinkProfile[] {LOOPBACK, LAN, WAN};
    }

    /** Whether this profile delays anything (loopback does not). */
    public boolean simulated() {
        return latencyNanos > 0 || bitsPerSecond > 0 || jitterNanos > 0;
    }

    /** This profile under the channel below ({@code inner} itself for loopback). */
    public Channel wrap(Channel inner) {
        return simulated() ? new SimulatedChannel(inner, this) : inner;
    }

    /** How long {@code bytes} take to go onto the link (0 when the bandwidth is unlimited). */
    public long transmitNanos(long bytes) {
        return bitsPerSecond == 0 ? 0 : (long) Math.ceil(bytes * 8.0 * 1e9 / bitsPerSecond);
    }

    /** The network's share of {@code rounds} symmetric rounds in which one server sends {@code bytesSent}. */
    public long networkNanos(long rounds, long bytesSent) {
        return waitNanos(rounds) + transmitNanos(bytesSent);
    }

    /** What {@code rounds} rounds wait for latency: one one-way latency each (plus half the jitter on average). */
    private long waitNanos(long rounds) {
        return rounds * (latencyNanos + jitterNanos / 2);
    }

    /**
     * The predicted time of a run on this link: its compute time, plus per round the one-way latency (both
     * servers send at once, so a round waits for one message), plus the time to transmit what one server
     * sends. The prediction {@code ./sonic bench} prints beside its measurement.
     */
    public long predictNanos(long computeNanos, long rounds, long bytesSent) {
        return computeNanos + networkNanos(rounds, bytesSent);
    }

    /**
     * A measured time split into what this link explains and the rest: {@code latencyNanos} (rounds × one-way
     * latency), {@code transferNanos} (one server's bytes ÷ bandwidth) and {@code computeNanos}, the remainder
     * (never below zero: a measurement below the link's floor is all network).
     */
    public record Split(long computeNanos, long latencyNanos, long transferNanos) {
        public long total() {
            return computeNanos + latencyNanos + transferNanos;
        }
    }

    /** Splits a layer's or a query's measured time on this link ({@link Split}). */
    public Split split(long measuredNanos, long rounds, long bytesSent) {
        long latency = waitNanos(rounds);
        long transfer = transmitNanos(bytesSent);
        return new Split(Math.max(0, measuredNanos - latency - transfer), latency, transfer);
    }

    /** The longest wait for a message: {@code wait} plus this link's delay of a message of {@code largestBytes}. */
    public Duration budget(Duration wait, long largestBytes) {
        return wait.plusNanos(latencyNanos + jitterNanos + transmitNanos(largestBytes));
    }

    /** The text form ({@link #parse} reads it back). */
    public String text() {
        if (!CUSTOM.equals(name)) {
            return name;
        }
        StringBuilder b = new StringBuilder("latency=").append(time(latencyNanos));
        if (bitsPerSecond > 0) {
            b.append(",bandwidth=").append(rate(bitsPerSecond));
        }
        if (jitterNanos > 0) {
            b.append(",jitter=").append(time(jitterNanos));
        }
        return b.toString();
    }

    /** In words, e.g. "wan: 20 ms one way, 100 Mbit/s". */
    public String summary() {
        if (!simulated()) {
            return name + ": no delay added";
        }
        return name + ": " + millis(latencyNanos) + " ms one way, " + rateWords(bitsPerSecond)
                + (jitterNanos > 0 ? ", jitter up to " + millis(jitterNanos) + " ms" : "");
    }

    /** A bandwidth in words, e.g. "100 Mbit/s" ("unlimited bandwidth" for 0). */
    public static String rateWords(long bps) {
        if (bps == 0) {
            return "unlimited bandwidth";
        }
        String[] units = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s"};
        double v = bps;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }

    private static String millis(long nanos) {
        double ms = nanos / 1e6;
        return ms == Math.rint(ms) ? Long.toString((long) ms) : String.format(Locale.ROOT, "%.3f", ms)
                .replaceAll("0+$", "");
    }

    private static String time(long nanos) {
        if (nanos % 1_000_000 == 0) {
            return nanos / 1_000_000 + "ms";
        }
        return nanos % 1_000 == 0 ? nanos / 1_000 + "us" : nanos + "ns";
    }

    private static String rate(long bps) {
        if (bps % 1_000_000_000 == 0) {
            return bps / 1_000_000_000 + "gbit";
        }
        if (bps % 1_000_000 == 0) {
            return bps / 1_000_000 + "mbit";
        }
        return bps % 1_000 == 0 ? bps / 1_000 + "kbit" : bps + "bit";
    }

    /**
     * Several profiles separated by commas or semicolons, e.g. {@code loopback,lan,wan}; a custom profile's own
     * settings follow each other ({@code lan,latency=5ms,bandwidth=10mbit;latency=1ms}: three profiles).
     */
    public static java.util.List<LinkProfile> parseList(String text) {
        java.util.List<LinkProfile> out = new java.util.ArrayList<>();
        for (String part : (text == null ? "" : text).split(";")) {
            StringBuilder custom = new StringBuilder();
            for (String word : part.split(",")) {
                String w = word.trim();
                if (w.isEmpty()) {
                    continue;
                }
                if (w.contains("=")) {
                    custom.append(custom.length() == 0 ? "" : ",").append(w);
                    continue;
                }
                if (custom.length() > 0) {
                    out.add(parse(custom.toString()));
                    custom.setLength(0);
                }
                out.add(parse(w));
            }
            if (custom.length() > 0) {
                out.add(parse(custom.toString()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("link must be " + FORMS + ", not '" + text + "'");
        }
        return out;
    }

    /** Reads the text form; a wrong one fails naming the word and the forms allowed. */
    public static LinkProfile parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (LinkProfile p : named()) {
            if (p.name.equals(t)) {
                return p;
            }
        }
        if (t.isEmpty() || !t.contains("=")) {
            throw new IllegalArgumentException("link must be " + FORMS + ", not '" + text + "'");
        }
        long latency = 0;
        long bandwidth = 0;
        long jitter = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String word : t.split("[,\\s]+")) {
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            if (!seen.add(key)) {
                throw new IllegalArgumentException("link " + key + " is given twice in '" + text
                        + "' (separate two custom links with ';')");
            }
            String value = eq < 0 ? "" : word.substring(eq + 1);
            switch (key) {
                case "latency" -> latency = nanos(key, value);
                case "jitter" -> jitter = nanos(key, value);
                case "bandwidth" -> bandwidth = bitsPerSecond(value);
                default -> throw new IllegalArgumentException("unknown link setting '" + key
                        + "' (known: latency, bandwidth, jitter; e.g. " + FORMS + ")");
            }
        }
        return new LinkProfile(CUSTOM, latency, bandwidth, jitter);
    }

    private static long nanos(String key, String value) {
        Matcher m = TIME.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("link " + key + " is a time such as 20ms, 250us or 1s, not '" + value + "'");
        }
        double scale = switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "s" -> 1e9;
            default -> 1e6;
        };
        double n = Double.parseDouble(m.group(1)) * scale;
        if (n > MAX_DELAY_NANOS) {
            throw new IllegalArgumentException("link " + key + " must be at most 10 s, not '" + value + "'");
        }
        return Math.round(n);
    }

    private static long bitsPerSecond(String value) {
        Matcher m = RATE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("link bandwidth is a rate such as 100mbit, 1gbit or 512kbit, not '"
                    + value + "'");
        }
        double scale = switch (m.group(2) == null ? "mbit" : m.group(2)) {
            case "bit" -> 1;
            case "kbit" -> 1e3;
            case "gbit" -> 1e9;
            default -> 1e6;
        };
        double bps = Double.parseDouble(m.group(1)) * scale;
        if (bps < MIN_BITS_PER_SECOND || bps > 1e13) {
            throw new IllegalArgumentException("link bandwidth must be between 1kbit and 10000gbit, not '" + value + "'");
        }
        return Math.round(bps);
    }
}
