package io.sonic.desktop.app;

import java.util.Locale;

/**
 * The one way the app writes byte counts and other counts for people, whatever the default locale:
 * "700 B", "47.1 KiB", "1.25 MiB"; with the exact count "47.1 KiB (48,224 B)"; counts as "48,224".
 */
public final class Bytes {
    private Bytes() {
    }

    /** B below 1 KiB, KiB below 1 MiB, MiB above; one or two decimals. */
    public static String human(long b) {
        if (b < 0) {
            return "–";
        } else if (b < 1024) {
            return b + " B";
        } else if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
    }

    /** {@link #human} followed by the exact count when they differ: "47.1 KiB (48,224 B)", "700 B". */
    public static String exact(long b) {
        return b < 1024 ? human(b) : human(b) + " (" + count(b) + " B)";
    }

    /** A count with thousands separated by commas: 48224 → "48,224". */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Milliseconds with one decimal: "8.4 ms". */
    public static String millis(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }
}
