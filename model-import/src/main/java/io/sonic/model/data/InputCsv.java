package io.sonic.model.data;

import io.sonic.model.ModelException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs as the sample models ship them: one sample per line, the flattened row-major floats exactly
 * as the model takes them, comma-separated, no header. Blank lines are ignored.
 */
public final class InputCsv {
    private InputCsv() {
    }

    /**
     * @param expectedWidth values per sample (the model's input size), or -1 to accept any width
     * @param limit         at most this many samples (-1 for all)
     */
    public static List<float[]> read(Path file, int expectedWidth, int limit) {
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null && (limit < 0 || rows.size() < limit)) {
                lineNo++;
                if (lineNo == 1) {
                    line = withoutByteOrderMark(line);
                }
                if (line.isBlank()) {
                    continue;
                }
                rows.add(parse(line, expectedWidth, file.getFileName() + " line " + lineNo));
            }
        } catch (NoSuchFileException e) {
            throw new ModelException("input file not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new ModelException(file.getFileName() + " holds no samples (expected one sample per line,"
                    + " comma-separated)");
        }
        return rows;
    }

    /** A UTF-8 byte-order mark, which some editors write at the start of a file, is not part of the data. */
    private static String withoutByteOrderMark(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /**
     * One sample typed or pasted as a line of comma-separated numbers (spaces, tabs or semicolons also
     * separate); {@code where} names it in messages ("the row").
     */
    public static float[] row(String line, int expectedWidth, String where) {
        String t = withoutByteOrderMark(line.strip());
        if (t.isEmpty()) {
            throw new ModelException(where + " is empty: paste " + (expectedWidth < 0 ? "the" : expectedWidth)
                    + " comma-separated values");
        }
        return parse(String.join(",", t.split("\\s*[,;\\s]\\s*", -1)), expectedWidth, where);
    }

    static float[] parse(String line, int expectedWidth, String where) {
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            if (cells[i].isBlank()) {
                throw new ModelException(where + ", value " + (i + 1) + " of " + cells.length + " is empty (two commas"
                        + " in a row, or a comma at the start or end of the line?)");
            }
        }
        if (expectedWidth >= 0 && cells.length != expectedWidth) {
            boolean otherSeparator = cells.length == 1 && line.matches(".*[;\\t].*");
            throw new ModelException(where + " has " + cells.length
                    + " value" + (cells.length == 1 ? "" : "s") + ", but the model's input needs " + expectedWidth
                    + " (one sample per line, the flattened input" + (otherSeparator ? ", separated by commas" : "")
                    + ")");
        }
        float[] v = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            try {
                v[i] = Float.parseFloat(cells[i].trim());
            } catch (NumberFormatException e) {
                String cell = cells[i].strip();
                throw new ModelException(where + ", value " + (i + 1) + " ('" + io.sonic.model.Names.clean(
                        cell.length() > 40 ? cell.substring(0, 40) + "…" : cell) + "') is not a number"
                        + (i == 0 && where.endsWith(" line 1") ? " (a header line? the file holds numbers only)" : ""));
            }
            if (!Float.isFinite(v[i])) {
                throw new ModelException(where + ", value " + (i + 1) + " is not finite");
            }
        }
        return v;
    }

    /** Integer labels, one per line. */
    public static int[] readLabels(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<Integer> labels = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String s = i == 0 ? withoutByteOrderMark(lines.get(i)) : lines.get(i);
                if (s.isBlank()) {
                    continue;
                }
                try {
                    labels.add(Integer.parseInt(s.trim()));
                } catch (NumberFormatException e) {
                    throw new ModelException(file.getFileName() + " line " + (i + 1) + " holds a label that is not an"
                            + " integer");
                }
            }
            return labels.stream().mapToInt(Integer::intValue).toArray();
        } catch (NoSuchFileException e) {
            throw new ModelException("labels file not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read labels " + file + ": " + e.getMessage());
        }
    }
}
