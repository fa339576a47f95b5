package io.sonic.model.data;

import io.sonic.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InputCsvTest {

    private static Path write(Path dir, String content) throws Exception {
        Path f = dir.resolve("in.csv");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void aByteOrderMarkAtTheStartIsSkipped(@TempDir Path dir) throws Exception {
        List<float[]> rows = InputCsv.read(write(dir, "\uFEFF1.5,2\n3,4\n"), 2, -1);
        assertEquals(2, rows.size());
        assertArrayEquals(new float[] {1.5f, 2f}, rows.get(0));
        assertArrayEquals(new int[] {1, 0}, InputCsv.readLabels(write(dir, "\uFEFF1\n0\n")));
    }

    @Test
    void aByteOrderMarkElsewhereIsStillNotANumber(@TempDir Path dir) throws Exception {
        ModelException e = assertThrows(ModelException.class, () -> InputCsv.read(write(dir, "1,2\n\uFEFF3,4\n"), 2, -1));
        assertEquals("in.csv line 2, value 1 ('\\ufeff3') is not a number", e.getMessage());
    }

    @Test
    void nonFiniteValuesAndNonNumbersNameLineAndValue(@TempDir Path dir) throws Exception {
        assertEquals("in.csv line 2, value 2 is not finite", assertThrows(ModelException.class,
                () -> InputCsv.read(write(dir, "1,2\n3,NaN\n"), 2, -1)).getMessage());
        assertEquals("in.csv line 1, value 1 is not finite", assertThrows(ModelException.class,
                () -> InputCsv.read(write(dir, "Infinity,2\n"), 2, -1)).getMessage());
        assertEquals("in.csv line 1, value 2 ('two') is not a number", assertThrows(ModelException.class,
                () -> InputCsv.read(write(dir, "1,two\n"), 2, -1)).getMessage());
        assertEquals("in.csv line 1, value 1 ('pixel0') is not a number (a header line? the file holds numbers only)",
                assertThrows(ModelException.class, () -> InputCsv.read(write(dir, "pixel0,pixel1\n1,2\n"), 2, -1))
                        .getMessage());
        assertEquals("in.csv line 1, value 3 of 3 is empty (two commas in a row, or a comma at the start or end of the"
                + " line?)", assertThrows(ModelException.class, () -> InputCsv.read(write(dir, "1,2,\n"), 2, -1))
                .getMessage());
        assertEquals("in.csv line 1 has 1 value, but the model's input needs 2 (one sample per line, the flattened"
                + " input, separated by commas)", assertThrows(ModelException.class,
                () -> InputCsv.read(write(dir, "1;2\n"), 2, -1)).getMessage());
        assertEquals("in.csv line 3 holds a label that is not an integer", assertThrows(ModelException.class,
                () -> InputCsv.readLabels(write(dir, "1\n0\nx\n"))).getMessage());
    }
}
