package io.sonic.model;

/**
 * Makes a string that came from a model file (a node, tensor, input or output name, an op type, a
 * domain, a producer) safe to print: control characters, format characters such as bidirectional
 * overrides, separators other than the plain space, unpaired surrogates and unassigned code points
 * become {@code \\uXXXX}, and a name longer than {@link #MAX_LENGTH} code points is cut with an
 * ellipsis. Every message that quotes a file-supplied string goes through here, so that a hostile file
 * cannot drive the user's terminal.
 */
public final class Names {
    /** Longest name printed whole, in code points. */
    public static final int MAX_LENGTH = 64;

    private Names() {
    }

    /** The name made printable and at most {@link #MAX_LENGTH} code points long (plus an ellipsis). */
    public static String clean(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(raw.length(), MAX_LENGTH + 8));
        int count = 0;
        for (int i = 0; i < raw.length(); ) {
            if (count == MAX_LENGTH) {
                return b.append('…').toString();
            }
            int cp = raw.codePointAt(i);
            int width = Character.charCount(cp);
            if (printable(cp)) {
                b.appendCodePoint(cp);
            } else {
                for (int k = 0; k < width; k++) {
                    b.append(String.format("\\u%04x", (int) raw.charAt(i + k)));
                }
            }
            i += width;
            count++;
        }
        return b.toString();
    }

    /** The cleaned name in single quotes, as messages quote names: {@code 'conv1'}. */
    public static String quote(String raw) {
        return "'" + clean(raw) + "'";
    }

    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED,
                    Character.PRIVATE_USE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
