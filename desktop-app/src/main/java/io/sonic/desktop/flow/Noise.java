package io.sonic.desktop.flow;

import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;

import java.security.SecureRandom;

/**
 * A small swatch of random pixels standing for a value that is uniformly distributed: grey levels for
 * ring elements, black and white for bits. The pixels come from {@link SecureRandom}; the swatch is a
 * label whose graphic scales with the label's font size (3.2 em × 2 em), so it grows with the text.
 */
final class Noise extends Label {
    static final int COLUMNS = 24;
    static final int ROWS = 14;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ImageView image;

    Noise(boolean bits) {
        image = new ImageView(draw(bits));
        image.setSmooth(false);
        image.setPreserveRatio(false);
        setGraphic(image);
        getStyleClass().add("flow-noise");
        setMinSize(USE_PREF_SIZE, USE_PREF_SIZE);
        fontProperty().addListener((o, a, f) -> fit(f.getSize()));
        fit(getFont().getSize());
    }

    private void fit(double em) {
        image.setFitWidth(3.2 * em);
        image.setFitHeight(2 * em);
    }

    ImageView image() {
        return image;
    }

    static WritableImage draw(boolean bits) {
        WritableImage img = new WritableImage(COLUMNS, ROWS);
        PixelWriter w = img.getPixelWriter();
        byte[] r = new byte[COLUMNS * ROWS];
        RANDOM.nextBytes(r);
        for (int y = 0; y < ROWS; y++) {
            for (int x = 0; x < COLUMNS; x++) {
                int v = r[y * COLUMNS + x] & 0xff;
                int g = bits ? ((v & 1) == 0 ? 0x20 : 0xf0) : v;
                w.setArgb(x, y, 0xff000000 | g << 16 | g << 8 | g);
            }
        }
        return img;
    }
}
