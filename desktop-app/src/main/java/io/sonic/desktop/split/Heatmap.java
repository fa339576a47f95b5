package io.sonic.desktop.split;

import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

import java.util.Arrays;

/**
 * Draws a matrix as an image, one block of pixels per entry (nearest-neighbour scaling, so a 10 × 128
 * matrix stays crisp). Signed weights use a diverging palette, blue through white to red, scaled by the
 * largest |w|, with colour strength growing as √(|w|/max) so that the many small weights of a trained
 * layer stay visible next to its few large ones; shares, already in [0,1], are grey levels. The colour
 * arithmetic is plain Java ({@link #pixels}) and testable without JavaFX; only {@link #image} makes a
 * JavaFX image.
 */
public final class Heatmap {
    /** The palettes: signed values around 0, or values in [0,1]. */
    public enum Palette { DIVERGING, GRAY }

    /** The longer side of a drawn matrix aims at this many pixels. */
    public static final int TARGET = 256;
    /** A thin matrix (a bias vector) is drawn at least this thick. */
    public static final int MIN_THICKNESS = 24;

    // ColorBrewer RdBu end points
    private static final int[] BLUE = {33, 102, 172};
    private static final int[] RED = {178, 24, 43};

    private Heatmap() {
    }

    /** The largest |v| in the matrix, or 1 for an empty or all-zero matrix. */
    public static double maxAbs(double[][] m) {
        double r = 0;
        for (double[] row : m) {
            for (double v : row) {
                r = Math.max(r, Math.abs(v));
            }
        }
        return r == 0 || Double.isNaN(r) ? 1 : r;
    }

    /**
     * The colour (opaque ARGB) of one entry; {@code scale} is the |v| drawn at full colour (diverging
     * only), 0 is white.
     */
    public static int argb(double v, Palette p, double scale) {
        if (p == Palette.GRAY) {
            int g = channel(clamp(v, 0, 1) * 255);
            return 0xFF000000 | g << 16 | g << 8 | g;
        }
        double t = clamp(v / (scale > 0 ? scale : 1), -1, 1);
        int[] end = t < 0 ? BLUE : RED;
        double a = Math.sqrt(Math.abs(t));
        int r = channel(255 + (end[0] - 255) * a);
        int g = channel(255 + (end[1] - 255) * a);
        int b = channel(255 + (end[2] - 255) * a);
        return 0xFF000000 | r << 16 | g << 8 | b;
    }

    /**
     * Pixels per entry, {width, height}: the same whole factor on both axes so that the longer side
     * reaches about {@link #TARGET} pixels, except that a thin side is stretched to
     * {@link #MIN_THICKNESS}.
     */
    public static int[] cellSize(int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            return new int[] {1, 1};
        }
        int s = Math.max(1, TARGET / Math.max(rows, cols));
        int w = Math.max(s, ceilDiv(MIN_THICKNESS, cols));
        int h = Math.max(s, ceilDiv(MIN_THICKNESS, rows));
        return new int[] {w, h};
    }

    /** Width and height in pixels of the drawn matrix. */
    public static int[] size(double[][] m) {
        int rows = m.length;
        int cols = rows == 0 ? 0 : m[0].length;
        int[] cell = cellSize(rows, cols);
        return new int[] {Math.max(1, cols * cell[0]), Math.max(1, rows * cell[1])};
    }

    /** The drawn matrix as row-major ARGB pixels of {@link #size}. */
    public static int[] pixels(double[][] m, Palette p, double scale) {
        int rows = m.length;
        int cols = rows == 0 ? 0 : m[0].length;
        int[] cell = cellSize(rows, cols);
        int[] wh = size(m);
        int width = wh[0];
        int[] px = new int[width * wh[1]];
        if (rows == 0 || cols == 0) {
            Arrays.fill(px, 0xFFFFFFFF);
            return px;
        }
        int[] line = new int[width];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                Arrays.fill(line, j * cell[0], (j + 1) * cell[0], argb(m[i][j], p, scale));
            }
            for (int y = 0; y < cell[1]; y++) {
                System.arraycopy(line, 0, px, (i * cell[1] + y) * width, width);
            }
        }
        return px;
    }

    /** The matrix as a JavaFX image (needs the JavaFX toolkit). */
    public static WritableImage image(double[][] m, Palette p, double scale) {
        int[] wh = size(m);
        WritableImage img = new WritableImage(wh[0], wh[1]);
        img.getPixelWriter().setPixels(0, 0, wh[0], wh[1], PixelFormat.getIntArgbInstance(), pixels(m, p, scale), 0,
                wh[0]);
        return img;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static double clamp(double v, double lo, double hi) {
        return Double.isNaN(v) ? 0 : Math.max(lo, Math.min(hi, v));
    }

    private static int channel(double v) {
        return (int) Math.round(Math.max(0, Math.min(255, v)));
    }
}
