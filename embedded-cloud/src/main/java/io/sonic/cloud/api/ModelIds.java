package io.sonic.cloud.api;

import java.util.regex.Pattern;

/** Model ids: 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' (kept for a server's own folders). */
public final class ModelIds {
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    public static final String RULE = "a model id has 1 to 64 letters, digits, '.', '_' or '-' and does not start"
            + " with '.'";

    private ModelIds() {
    }

    public static boolean valid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }

    /** A valid id made from any name (a file name, a model name): other characters become '-'. */
    public static String from(String name) {
        String s = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^\\.+", "");
        if (s.length() > 64) {
            s = s.substring(0, 64);
        }
        return s.isEmpty() ? "model" : s;
    }
}
