package io.sonic.model.geometry;

import io.sonic.model.ModelException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Window geometry refuses what would give nonsense shapes or unbounded tables. */
class WindowsTest {
    private static final int[] ONE = {1};

    private static String refused(Runnable r) {
        return assertThrows(ModelException.class, r::run).getMessage();
    }

    @Test
    void stridesDilationsAndKernelsArePositiveAndPadsAreBounded() {
        assertTrue(refused(() -> Windows.of(new int[] {8}, new int[] {3}, new int[] {0}, ONE, new int[2], "NOTSET",
                false)).contains("must be positive"));
        assertTrue(refused(() -> Windows.of(new int[] {8}, new int[] {3}, ONE, new int[] {-1}, new int[2], "NOTSET",
                false)).contains("must be positive"));
        assertTrue(refused(() -> Windows.of(new int[] {8}, new int[] {3}, ONE, ONE, new int[] {Integer.MIN_VALUE, 0},
                "NOTSET", false)).contains("must be from 0 to 32768"));
        assertTrue(refused(() -> Windows.of(new int[] {8}, new int[] {3}, ONE, new int[] {Integer.MAX_VALUE},
                new int[2], "NOTSET", false)).contains("does not fit an input of 8"));
        assertTrue(refused(() -> Windows.of(new int[] {0}, new int[] {1}, ONE, ONE, new int[2], "NOTSET", false))
                .contains("must be positive"));
        assertTrue(refused(() -> Windows.of(new int[] {8}, new int[] {3}, ONE, ONE, new int[2], "SIDEWAYS", false))
                .contains("auto_pad 'SIDEWAYS'"));
    }

    @Test
    void largeDilationsWithSamePaddingDoNotOverflow() {
        Windows w = Windows.of(new int[] {5}, new int[] {32768}, ONE, new int[] {32768}, new int[2], "SAME_UPPER",
                false);
        assertArrayEquals(new int[] {5}, w.outputSpatial());
        // taps 32768 apart around a padded centre: every tap of every window falls on padding
        assertTrue(w.someWindowOnPaddingOnly());
        int[] t = w.table();
        assertTrue(t.length == 5 * 32768 && java.util.Arrays.stream(t).allMatch(v -> v == -1));
    }

    @Test
    void windowTablesAreBounded() {
        assertTrue(refused(() -> Windows.of(new int[] {8192, 8192}, new int[] {64, 64}, new int[] {1, 1},
                new int[] {1, 1}, new int[4], "NOTSET", false)).contains("more than the limit of 268435456"));
        Windows w = Windows.of(new int[] {1024, 1024}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[4], "NOTSET", false);
        assertTrue(refused(() -> new ConvGeometry(new int[] {1, 64, 1024, 1024}, new int[] {8, 64, 3, 3}, w, 1))
                .contains("patch table would have"));
    }

    @Test
    void geometriesCheckThatTheirWindowsFitTheirShapes() {
        Windows w = Windows.of(new int[] {6, 6}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[4],
                "NOTSET", false);
        assertTrue(refused(() -> new ConvGeometry(new int[] {1, 2, 7, 7}, new int[] {4, 2, 3, 3}, w, 1))
                .contains("do not match"));
        assertTrue(refused(() -> new ConvGeometry(new int[] {1, 2, 6, 6}, new int[] {4, 2, 2, 2}, w, 1))
                .contains("do not match"));
        assertTrue(refused(() -> new ConvGeometry(new int[] {1, 2, 6, 6}, new int[] {3, 1, 3, 3}, w, 2))
                .contains("convolution with group 2"));
        assertTrue(refused(() -> new PoolGeometry(new int[] {1, 2, 5, 6}, w, false, false)).contains("do not match"));
    }

    @Test
    void windowsEntirelyOnPaddingAreDetected() {
        Windows padded = Windows.of(new int[] {2}, new int[] {2}, ONE, ONE, new int[] {2, 0}, "NOTSET", false);
        assertTrue(padded.someWindowOnPaddingOnly());
        Windows fine = Windows.of(new int[] {4}, new int[] {2}, ONE, ONE, new int[] {1, 1}, "NOTSET", false);
        assertFalse(fine.someWindowOnPaddingOnly());
        Windows dilated = Windows.of(new int[] {3}, new int[] {2}, ONE, new int[] {3}, new int[] {1, 0}, "NOTSET",
                false);
        assertArrayEquals(new int[] {1}, dilated.outputSpatial());
        assertFalse(dilated.someWindowOnPaddingOnly(), "the second tap reads input 2");
    }
}
