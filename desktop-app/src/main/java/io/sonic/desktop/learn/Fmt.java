package io.sonic.desktop.learn;

import java.util.Locale;

/** Number formatting of the Learn pages: thousands separated by commas, a real minus sign. */
public final class Fmt {
    private Fmt() {
    }

    /** 166400 → "166,400"; −42 → "−42". */
    public static String n(long v) {
        String s = io.sonic.desktop.app.Bytes.count(Math.abs(v));
        return v < 0 ? "\u2212" + s : s;
    }

    /** A real number with at most {@code digits} decimals, trailing zeros dropped: 2.625, −2.5, 106.75. */
    public static String real(double v, int digits) {
        String s = String.format(Locale.ROOT, "%." + digits + "f", Math.abs(v));
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return v < 0 && !s.equals("0") ? "\u2212" + s : s;
    }
}
