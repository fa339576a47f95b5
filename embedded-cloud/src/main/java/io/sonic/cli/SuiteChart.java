package io.sonic.cli;

import io.sonic.engine.InferenceResult;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A PNG of one model's measured online bytes and rounds per layer under the two suites, side by side
 * (drawn with Java2D, headless).
 */
final class SuiteChart {
    private static final Color SONIC = new Color(0xE8, 0x5D, 0x2A);
    private static final Color FSS = new Color(0x2A, 0x7F, 0xD4);
    private static final int W = 1200;
    private static final int PANEL = 330;

    private SuiteChart() {
    }

    /** {@code sonic} and {@code fss} are runs of the same model and linear mode. */
    static void write(Path file, String title, InferenceResult sonic, InferenceResult fss) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, 2 * PANEL + 90, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 20, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        legend(g, 20, 48, String.format(Locale.ROOT, "Sonic suite: %,d B online in %d rounds",
                sonic.online().bytes(), sonic.online().rounds()), SONIC);
        legend(g, 520, 48, String.format(Locale.ROOT, "FSS suite: %,d B online in %d rounds",
                fss.online().bytes(), fss.online().rounds()), FSS);
        panel(g, 70, "online bytes per layer (both directions, measured)", sonic.layers(), fss.layers(),
                s -> s.online().bytes(), true);
        panel(g, 70 + PANEL, "rounds per layer (measured)", sonic.layers(), fss.layers(), s -> s.online().rounds(),
                false);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void legend(Graphics2D g, int x, int y, String text, Color c) {
        g.setColor(c);
        g.fillRect(x, y - 11, 14, 14);
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, x + 20, y + 1);
    }

    private static void panel(Graphics2D g, int top, String title, List<InferenceResult.LayerStat> a,
                              List<InferenceResult.LayerStat> b, ToDoubleFunction<InferenceResult.LayerStat> v,
                              boolean bytes) {
        int left = 90;
        int right = W - 20;
        int plotTop = top + 30;
        int bottom = top + PANEL - 60;
        double max = 1;
        for (InferenceResult.LayerStat s : a) {
            max = Math.max(max, v.applyAsDouble(s));
        }
        for (InferenceResult.LayerStat s : b) {
            max = Math.max(max, v.applyAsDouble(s));
        }
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, top + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int k = 0; k <= 4; k++) {
            double val = max * k / 4;
            int y = bottom - (int) ((bottom - plotTop) * k / 4.0);
            g.setColor(new Color(0xDD, 0xDD, 0xDD));
            g.setStroke(new BasicStroke(1));
            g.drawLine(left, y, right, y);
            g.setColor(Color.GRAY);
            String label = bytes ? Format.bytes((long) val) : String.format(Locale.ROOT, "%.0f", val);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        int n = Math.max(a.size(), b.size());
        double slot = (right - left) / (double) n;
        int bar = (int) Math.max(4, slot * 0.36);
        for (int i = 0; i < n; i++) {
            int x = left + (int) (i * slot + slot / 2);
            if (i < a.size()) {
                bar(g, x - bar, bar, bottom, plotTop, v.applyAsDouble(a.get(i)) / max, SONIC);
            }
            if (i < b.size()) {
                bar(g, x, bar, bottom, plotTop, v.applyAsDouble(b.get(i)) / max, FSS);
            }
            g.setColor(Color.DARK_GRAY);
            InferenceResult.LayerStat s = i < a.size() ? a.get(i) : b.get(i);
            String label = i + " " + s.op().split("\\+")[0];
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 16);
        }
        g.setColor(Color.GRAY);
        g.drawLine(left, bottom, right, bottom);
    }

    private static void bar(Graphics2D g, int x, int w, int bottom, int top, double frac, Color c) {
        int h = (int) Math.round((bottom - top) * frac);
        g.setColor(c);
        g.fillRect(x, bottom - h, w, h);
    }
}
