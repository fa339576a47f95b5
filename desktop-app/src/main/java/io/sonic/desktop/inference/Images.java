package io.sonic.desktop.inference;

import io.sonic.desktop.app.OpenModel;
import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

/** Inputs and shares as pictures, and pictures as inputs. */
final class Images {
    private Images() {
    }

    /**
     * Width, height and channels of an input of n values drawn as a picture: the model's image shape, or
     * for other inputs a near-square grey strip.
     */
    static int[] layout(OpenModel.InputForm form, int n) {
        if (form != null && form.image() && form.channels() * form.height() * form.width() == n) {
            return new int[] {form.width(), form.height(), form.channels()};
        }
        int w = (int) Math.ceil(Math.sqrt(n));
        return new int[] {w, (n + w - 1) / w, 1};
    }

    /** How many screen pixels per input pixel make a picture about {@code target} pixels wide. */
    static int scaleFor(int[] layout, double target) {
        return (int) Math.max(1, Math.round(target / Math.max(layout[0], layout[1])));
    }

    /**
     * An input as a picture: an image model's pixels at their own scale (0 … 255 · pixelScale is black …
     * white), other inputs normalised to their smallest and largest value.
     */
    static WritableImage picture(float[] v, OpenModel.InputForm form, double target) {
        int[] l = layout(form, v.length);
        float lo;
        float hi;
        if (form != null && form.image() && l[2] == form.channels() && l[0] == form.width()) {
            lo = 0;
            hi = (float) (255 * form.pixelScale());
        } else {
            lo = Float.MAX_VALUE;
            hi = -Float.MAX_VALUE;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        float[] g = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            g[i] = (v[i] - lo) / (hi - lo);
        }
        return draw(g, l, scaleFor(l, target));
    }

    /** A share's ring values (their top 16 bits) as grey levels: what a server holds looks like noise. */
    static WritableImage share(long[] ring, OpenModel.InputForm form, double target) {
        int[] l = layout(form, ring.length);
        float[] g = new float[ring.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (ring[i] >>> 48) / 65535f;
        }
        return draw(g, l, scaleFor(l, target));
    }

    /** Values in [0,1] (channel-first for colour) in a layout, each pixel {@code scale} × {@code scale}. */
    private static WritableImage draw(float[] g, int[] l, int scale) {
        int w = l[0];
        int h = l[1];
        WritableImage img = new WritableImage(w * scale, h * scale);
        PixelWriter pw = img.getPixelWriter();
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                Color c;
                if (l[2] == 3) {
                    c = Color.color(clamp(g[i]), clamp(g[plane + i]), clamp(g[2 * plane + i]));
                } else {
                    c = i < g.length ? Color.gray(clamp(g[i])) : Color.web("#f4f4f4");
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

    /**
     * A picture as the model's input: resized to the model's image (nearest pixel), each channel's
     * brightness b in [0, 1] becoming b · 255 · pixelScale (b for pixels / 255).
     */
    static float[] fromImage(Image img, OpenModel.InputForm form) {
        if (form == null || !form.image()) {
            throw new IllegalArgumentException("this model's input is not an image");
        }
        int w = form.width();
        int h = form.height();
        int plane = w * h;
        double k = 255 * form.pixelScale();
        PixelReader r = img.getPixelReader();
        double sx = img.getWidth() / w;
        double sy = img.getHeight() / h;
        float[] v = new float[plane * form.channels()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                Color c = r.getColor((int) Math.min(img.getWidth() - 1, (x + 0.5) * sx),
                        (int) Math.min(img.getHeight() - 1, (y + 0.5) * sy));
                int i = y * w + x;
                if (form.channels() == 3) {
                    v[i] = (float) (c.getRed() * k);
                    v[plane + i] = (float) (c.getGreen() * k);
                    v[2 * plane + i] = (float) (c.getBlue() * k);
                } else {
                    v[i] = (float) (c.getBrightness() * k);
                }
            }
        }
        return v;
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }
}
