package io.sonic.cli;

import io.sonic.engine.net.LinkProfile;

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

/**
 * A PNG of one model's online time against the network's one-way latency, for the two suites: the link
 * model's lines per suite (its loopback compute time plus rounds × latency plus one server's bytes ÷ the
 * bandwidth; solid at the lan profile's 1 Gbit/s, dashed at the wan profile's 100 Mbit/s), the times
 * measured on each simulated profile as points, and the crossover latency above which the suite with fewer
 * rounds is faster (at each bandwidth). Both axes logarithmic.
 */
final class LinkChart {
    private static final Color SONIC = new Color(0xE8, 0x5D, 0x2A);
    private static final Color FSS = new Color(0x2A, 0x7F, 0xD4);
    private static final int W = 1000;
    private static final int H = 600;
    private static final int LEFT = 90;
    private static final int RIGHT = 40;
    private static final int TOP = 95;
    private static final int BOTTOM = 70;
    private static final double MIN_LATENCY_MS = 0.01;
    private static final double MAX_LATENCY_MS = 100;

    /** One suite's figures: loopback compute, rounds and one server's bytes, and the times measured per link. */
    record Suite(String name, double computeMs, long rounds, long bytesSent, List<Measured> measured) {
        double predictMs(double latencyMs, long bitsPerSecond) {
            return computeMs + rounds * latencyMs + bytesSent * 8.0 * 1000 / bitsPerSecond;
        }
    }

    record Measured(LinkProfile link, double medianMs) {
    }

    private LinkChart() {
    }

    /** The one-way latency (ms) at which the two suites take equal time at this bandwidth, or NaN. */
    static double crossoverMs(Suite a, Suite b, long bitsPerSecond) {
        double da = a.predictMs(0, bitsPerSecond);
        double db = b.predictMs(0, bitsPerSecond);
        if (a.rounds == b.rounds) {
            return Double.NaN;
        }
        double l = (db - da) / (a.rounds - b.rounds);
        return l > 0 ? l : Double.NaN;
    }

    static void write(Path file, String title, Suite sonic, Suite fss) throws IOException {
        System.setProperty("java.awt.headless", "true");
        long[] rates = {LinkProfile.LAN.bitsPerSecond(), LinkProfile.WAN.bitsPerSecond()};
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 20, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("lines: compute + rounds × latency + bytes ÷ bandwidth (solid " + LinkProfile.rateWords(rates[0])
                + ", dashed " + LinkProfile.rateWords(rates[1]) + "); points: measured on the simulated links", 20, 50);
        StringBuilder note = new StringBuilder();
        for (long bps : rates) {
            double cross = crossoverMs(sonic, fss, bps);
            String fewer = sonic.rounds > fss.rounds ? fss.name : sonic.name;
            note.append(note.length() == 0 ? "" : "; ").append(Double.isNaN(cross)
                    ? String.format(Locale.ROOT, "at %s the same suite is faster at every latency",
                    LinkProfile.rateWords(bps))
                    : String.format(Locale.ROOT, "at %s the %s suite (fewer rounds) is faster above %.2f ms one way",
                    LinkProfile.rateWords(bps), fewer, cross));
        }
        g.drawString(note.toString(), 20, 68);
        long slowest = rates[1];
        double maxMs = Math.max(sonic.predictMs(MAX_LATENCY_MS, slowest), fss.predictMs(MAX_LATENCY_MS, slowest));
        double minMs = Math.max(0.1, Math.min(sonic.computeMs, fss.computeMs) / 2);
        Axes ax = new Axes(minMs, maxMs);
        ax.draw(g);
        for (Suite s : List.of(sonic, fss)) {
            Color c = s == sonic ? SONIC : FSS;
            g.setColor(c);
            for (long bps : rates) {
                g.setStroke(bps == rates[0] ? new BasicStroke(2.5f) : new BasicStroke(2f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER, 10, new float[] {8, 5}, 0));
                java.awt.geom.Path2D.Double line = new java.awt.geom.Path2D.Double();
                for (int i = 0; i <= 200; i++) {
                    double lat = MIN_LATENCY_MS * Math.pow(MAX_LATENCY_MS / MIN_LATENCY_MS, i / 200.0);
                    if (i == 0) {
                        line.moveTo(ax.x(lat), ax.y(s.predictMs(lat, bps)));
                    } else {
                        line.lineTo(ax.x(lat), ax.y(s.predictMs(lat, bps)));
                    }
                }
                g.draw(line);
            }
            for (Measured m : s.measured) {
                double lat = Math.max(MIN_LATENCY_MS, m.link().latencyNanos() / 1e6);
                int x = ax.x(lat);
                int y = ax.y(m.medianMs());
                g.fillOval(x - 6, y - 6, 12, 12);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%s on %s: %.1f ms", s.name, m.link().text(), m.medianMs()),
                        x + 9, y + (s == sonic ? 18 : -8));
                g.setColor(c);
            }
            g.fillRect(W - RIGHT - 330, TOP + (s == sonic ? 10 : 32), 14, 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%s suite: %d rounds, %,d B sent per server", s.name, s.rounds,
                    s.bytesSent), W - RIGHT - 310, TOP + (s == sonic ? 22 : 44));
        }
        for (long bps : rates) {
            double cross = crossoverMs(sonic, fss, bps);
            if (!Double.isNaN(cross) && cross >= MIN_LATENCY_MS && cross <= MAX_LATENCY_MS) {
                g.setColor(Color.GRAY);
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 4},
                        0));
                g.drawLine(ax.x(cross), TOP, ax.x(cross), H - BOTTOM);
                g.drawString(String.format(Locale.ROOT, "crossover %.2f ms (%s)", cross, LinkProfile.rateWords(bps)),
                        ax.x(cross) + 4, H - BOTTOM - 8);
            }
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    /** Logarithmic axes: one-way latency (ms) across, online time (ms) up. */
    private record Axes(double minMs, double maxMs) {
        int x(double latencyMs) {
            double f = Math.log(latencyMs / MIN_LATENCY_MS) / Math.log(MAX_LATENCY_MS / MIN_LATENCY_MS);
            return LEFT + (int) Math.round(f * (W - LEFT - RIGHT));
        }

        int y(double ms) {
            double f = Math.log(Math.max(ms, minMs) / minMs) / Math.log(maxMs / minMs);
            return H - BOTTOM - (int) Math.round(f * (H - TOP - BOTTOM));
        }

        void draw(Graphics2D g) {
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawLine(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
            g.drawLine(LEFT, TOP, LEFT, H - BOTTOM);
            for (double lat = MIN_LATENCY_MS; lat <= MAX_LATENCY_MS * 1.001; lat *= 10) {
                int x = x(lat);
                g.drawLine(x, H - BOTTOM, x, H - BOTTOM + 5);
                g.drawString(lat < 1 ? String.valueOf(lat) : String.valueOf((long) lat), x - 12, H - BOTTOM + 20);
            }
            g.drawString("one-way latency between the servers (ms)", W / 2 - 130, H - 20);
            for (double ms = Math.pow(10, Math.floor(Math.log10(minMs))); ms <= maxMs * 1.001; ms *= 10) {
                if (ms < minMs) {
                    continue;
                }
                int y = y(ms);
                g.drawLine(LEFT - 5, y, LEFT, y);
                g.drawString(ms < 1 ? String.valueOf(ms) : String.valueOf((long) ms), LEFT - 50, y + 5);
            }
            g.drawString("online ms", 10, TOP - 10);
        }
    }
}
