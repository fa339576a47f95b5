package io.sonic.desktop.inference;

import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

/** Inputs and shares as pictures. */
final class Images {
    private Images() {
    }

    /** Side and channel count of an input of n values drawn as a picture (28×28 gray, 32×32 RGB, or a strip). */
    static int[] layout(int n) {
        if (n == 784) {
            return new int[] {28, 28, 1};
        }
        if (n == 3072) {
            return new int[] {32, 32, 3};
        }
        int w = (int) Math.ceil(Math.sqrt(n));
        return new int[] {w, (n + w - 1) / w, 1};
    }

    /** Values in [0,1] (channel-first for RGB) as an image scaled up {@code scale} times. */
    static WritableImage picture(float[] v, int scale, boolean normalize) {
        int[] l = layout(v.length);
        int w = l[0];
        int h = l[1];
        float lo = 0;
        float hi = 1;
        if (normalize) {
            lo = Float.MAX_VALUE;
            hi = -Float.MAX_VALUE;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            if (hi <= lo) {
                hi = lo + 1;
            }
        }
        WritableImage img = new WritableImage(w * scale, h * scale);
        PixelWriter pw = img.getPixelWriter();
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                Color c;
                if (l[2] == 3) {
                    c = Color.color(clamp((v[i] - lo) / (hi - lo)), clamp((v[plane + i] - lo) / (hi - lo)),
                            clamp((v[2 * plane + i] - lo) / (hi - lo)));
                } else {
                    double g = i < v.length ? clamp((v[i] - lo) / (hi - lo)) : 0;
                    c = Color.gray(g);
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        pw.setColor(x * scale + dx, y * scale + dy, c);
                    }
                }
            }
        }
        return img;
    }

    /** A share's ring values (their top 16 bits) as gray levels: what a server holds looks like noise. */
    static WritableImage share(long[] ring, int scale) {
        float[] v = new float[ring.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (ring[i] >>> 48) / 65535f;
        }
        return picture(v, scale, false);
    }

    /** An image file as model input values in [0,1]: 28×28 gray for n = 784, 32×32 RGB for n = 3072. */
    static float[] fromImage(Image img, int n) {
        int[] l = layout(n);
        if (n != 784 && n != 3072) {
            throw new IllegalArgumentException("only models with 28x28 or 3x32x32 inputs take images");
        }
        int w = l[0];
        int h = l[1];
        PixelReader r = img.getPixelReader();
        double sx = img.getWidth() / w;
        double sy = img.getHeight() / h;
        float[] v = new float[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                Color c = r.getColor((int) Math.min(img.getWidth() - 1, (x + 0.5) * sx),
                        (int) Math.min(img.getHeight() - 1, (y + 0.5) * sy));
                int i = y * w + x;
                if (l[2] == 3) {
                    v[i] = (float) c.getRed();
                    v[w * h + i] = (float) c.getGreen();
                    v[2 * w * h + i] = (float) c.getBlue();
                } else {
                    v[i] = (float) c.getBrightness();
                }
            }
        }
        return v;
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
