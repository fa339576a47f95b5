package io.sonic.desktop.split;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The colours and the nearest-neighbour scaling, without JavaFX. */
class HeatmapTest {
    private static int red(int argb) {
        return argb >> 16 & 0xFF;
    }

    private static int blue(int argb) {
        return argb & 0xFF;
    }

    @Test
    void signedValuesGoFromBlueThroughWhiteToRed() {
        assertEquals(0xFFFFFFFF, Heatmap.argb(0, Heatmap.Palette.DIVERGING, 0.5));
        int plus = Heatmap.argb(0.5, Heatmap.Palette.DIVERGING, 0.5);
        int minus = Heatmap.argb(-0.5, Heatmap.Palette.DIVERGING, 0.5);
        assertTrue(red(plus) > blue(plus), Integer.toHexString(plus));
        assertTrue(blue(minus) > red(minus), Integer.toHexString(minus));
        assertEquals(plus, Heatmap.argb(7, Heatmap.Palette.DIVERGING, 0.5), "beyond the scale stays at full colour");
        int half = Heatmap.argb(0.25, Heatmap.Palette.DIVERGING, 0.5);
        assertTrue(blue(half) > blue(plus) && blue(half) < 255, "half way is paler");
        assertEquals(0xFF000000, Heatmap.argb(0, Heatmap.Palette.DIVERGING, 0) & 0xFF000000, "opaque");
    }

    @Test
    void sharesAreGreyLevels() {
        assertEquals(0xFF000000, Heatmap.argb(0, Heatmap.Palette.GRAY, 1));
        assertEquals(0xFFFFFFFF, Heatmap.argb(1, Heatmap.Palette.GRAY, 1));
        assertEquals(0xFF808080, Heatmap.argb(0.5, Heatmap.Palette.GRAY, 1));
    }

    @Test
    void smallMatricesAreScaledUpThinOnesStretched() {
        assertArrayEquals(new int[] {1, 1}, Heatmap.cellSize(256, 128));
        assertArrayEquals(new int[] {2, 3}, Heatmap.cellSize(10, 128));
        assertArrayEquals(new int[] {2, 24}, Heatmap.cellSize(1, 128));
        assertArrayEquals(new int[] {64, 64}, Heatmap.cellSize(2, 4));
        assertArrayEquals(new int[] {128, 256}, Heatmap.size(new double[4][2]), "width, height");
        assertEquals(1.0, Heatmap.maxAbs(new double[3][3]));
        assertEquals(2.5, Heatmap.maxAbs(new double[][] {{1, -2.5}, {0.5, 2}}));
    }

    @Test
    void eachEntryIsABlockOfOneColour() {
        double[][] m = {{0, 1}, {1, 0}};
        int[] wh = Heatmap.size(m);
        assertArrayEquals(new int[] {256, 256}, wh);
        int[] px = Heatmap.pixels(m, Heatmap.Palette.GRAY, 1);
        assertEquals(256 * 256, px.length);
        assertEquals(0xFF000000, px[0]);
        assertEquals(0xFF000000, px[127 * 256 + 127]);
        assertEquals(0xFFFFFFFF, px[128]);
        assertEquals(0xFFFFFFFF, px[127 * 256 + 255]);
        assertEquals(0xFFFFFFFF, px[128 * 256]);
        assertEquals(0xFF000000, px[255 * 256 + 255]);
    }
}
