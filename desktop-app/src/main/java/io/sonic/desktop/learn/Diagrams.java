package io.sonic.desktop.learn;

import io.sonic.desktop.learn.Examples.Argmax;
import io.sonic.desktop.learn.Examples.Beaver;
import io.sonic.desktop.learn.Examples.Collusion;
import io.sonic.desktop.learn.Examples.IndexedPair;
import io.sonic.desktop.learn.Examples.MaskReuse;
import io.sonic.desktop.learn.Examples.MaxPool;
import io.sonic.desktop.learn.Examples.Msb;
import io.sonic.desktop.learn.Examples.Pair;
import io.sonic.desktop.learn.Examples.Sharing;
import io.sonic.desktop.learn.Examples.Truncation;
import javafx.scene.paint.Color;
import javafx.scene.shape.Arc;
import javafx.scene.shape.ArcType;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Rectangle;

import java.util.ArrayList;
import java.util.List;

import static io.sonic.desktop.learn.Fmt.n;
import static io.sonic.desktop.learn.Sketch.BAD;
import static io.sonic.desktop.learn.Sketch.DEALER;
import static io.sonic.desktop.learn.Sketch.INK;
import static io.sonic.desktop.learn.Sketch.MUTED;
import static io.sonic.desktop.learn.Sketch.OWNER;
import static io.sonic.desktop.learn.Sketch.S0;
import static io.sonic.desktop.learn.Sketch.S1;
import static io.sonic.desktop.learn.Sketch.USER;

/**
 * The picture of each Learn page, drawn with JavaFX shapes from the page's worked example, so that
 * the numbers on the arrows are the numbers in the table.
 */
final class Diagrams {
    static final double W = 760;
    private static final Color FRACTION = Color.web("#ffe082");

    private Diagrams() {
    }

    static Sketch of(Examples.Example e) {
        if (e instanceof Sharing s) {
            return sharing(s);
        } else if (e instanceof Beaver b) {
            return beaver(b);
        } else if (e instanceof Truncation t) {
            return truncation(t);
        } else if (e instanceof Msb m) {
            return msb(m);
        } else if (e instanceof MaxPool m) {
            return maxPool(m);
        } else if (e instanceof Argmax a) {
            return argmax(a);
        } else if (e instanceof Examples.Fss f) {
            return fss(f);
        } else if (e instanceof MaskReuse m) {
            return maskReuse(m);
        } else if (e instanceof Collusion c) {
            return collusion(c);
        }
        throw new IllegalArgumentException("no diagram for " + e);
    }

    // ---------------------------------------------------------------- secret sharing: the ring as a clock

    static Sketch sharing(Sharing e) {
        Sketch k = new Sketch(W, 330);
        Ring r = e.ring();
        double cx = 175;
        double cy = 170;
        double rad = 115;
        Circle ring = new Circle(cx, cy, rad, Color.TRANSPARENT);
        ring.setStroke(MUTED);
        ring.setStrokeWidth(2);
        k.add(ring);
        long m = r.modulus();
        for (int q = 0; q < 4; q++) {
            long v = m / 4 * q;
            double a = angle(v, m);
            k.line(cx + (rad - 7) * Math.cos(a), cy - (rad - 7) * Math.sin(a), cx + (rad + 7) * Math.cos(a),
                    cy - (rad + 7) * Math.sin(a), MUTED, 2, false);
            if (far(v, e.x0(), m) && far(v, e.x(), m)) {
                k.centred(cx + (rad + 24) * Math.cos(a), cy - (rad + 24) * Math.sin(a), n(v), 14, MUTED, false);
            }
        }
        // x0 from 0, then x1 from x0 (a second lap may pass 0 again: drawn further out)
        arc(k, cx, cy, rad - 14, 0, e.x0(), m, S0);
        arc(k, cx, cy, rad - 28, e.x0(), e.x1(), m, S1);
        double mid = angle(e.x0() + e.x1() / 2, m);
        k.centred(cx + (rad - 52) * Math.cos(mid), cy - (rad - 52) * Math.sin(mid), "x₁", 16, S1, true);
        double mid0 = angle(e.x0() / 2, m);
        k.centred(cx + (rad - 34) * Math.cos(mid0), cy - (rad - 34) * Math.sin(mid0) + 2, "x₀", 16, S0, true);
        dot(k, cx, cy, rad, e.x0(), m, S0, "x₀ = " + n(e.x0()), -1);
        dot(k, cx, cy, rad, e.x(), m, INK, "x = " + n(e.x()), 1);
        k.centred(cx, cy - 12, "ring mod " + n(m), 15, MUTED, true);
        k.centred(cx, cy + 14, "x₀ + x₁ = x", 16, INK, false);
        // right: the user sends one share to each server
        double bx = 420;
        k.box(bx + 70, 14, 200, 56, USER, "User", "secret x = " + n(e.x()));
        k.box(bx, 200, 150, 70, S0, "Server 0", "x₀ = " + n(e.x0()));
        k.box(bx + 190, 200, 150, 70, S1, "Server 1", "x₁ = " + n(e.x1()));
        k.arrow(bx + 130, 70, bx + 75, 198, S0, false);
        k.arrow(bx + 210, 70, bx + 265, 198, S1, false);
        k.centred(bx + 72, 130, "x₀", 17, S0, true);
        k.centred(bx + 268, 130, "x₁", 17, S1, true);
        k.centred(bx + 170, 295, "each share alone: uniform noise", 15, MUTED, false);
        k.centred(bx + 170, 317, "x₁ random, x₀ = x − x₁ (mod " + n(m) + ")", 15, MUTED, false);
        return k;
    }

    /** Whether ring values u and v are more than 1/16 of the ring apart (so their labels do not collide). */
    static boolean far(long u, long v, long m) {
        long d = Math.floorMod(u - v, m);
        return Math.min(d, m - d) > m / 16;
    }

    /** Angle (radians, counter-clockwise from the x axis) of ring value v on a clock with 0 at the top. */
    static double angle(long v, long m) {
        return Math.PI / 2 - 2 * Math.PI * v / m;
    }

    static void arc(Sketch k, double cx, double cy, double rad, long from, long length, long m, Color c) {
        Arc a = new Arc(cx, cy, rad, rad, 90 - 360.0 * from / m, -360.0 * length / m);
        a.setType(ArcType.OPEN);
        a.setFill(Color.TRANSPARENT);
        a.setStroke(c);
        a.setStrokeWidth(6);
        k.add(a);
    }

    static void dot(Sketch k, double cx, double cy, double rad, long v, long m, Color c, String label, int side) {
        double a = angle(v, m);
        Circle d = new Circle(cx + rad * Math.cos(a), cy - rad * Math.sin(a), 6, c);
        k.add(d);
        double lx = cx + (rad + 48) * Math.cos(a);
        double ly = cy - (rad + 48) * Math.sin(a) + side * 8;
        k.centred(lx, ly, label, 15, c, true);
    }

    // ---------------------------------------------------------------- Beaver: dealer, two servers, one round

    static Sketch beaver(Beaver e) {
        Sketch k = new Sketch(W, 350);
        k.box(260, 8, 240, 62, DEALER, "Dealer (offline)", "A = " + n(e.a()) + ", B = " + n(e.b()) + ", C = "
                + n(e.c()));
        k.box(8, 128, 204, 84, S0, "Server 0", "W₀ = " + n(e.w0()) + ", X₀ = " + n(e.x0()),
                "A₀, B₀, C₀ from its seed");
        k.box(548, 128, 204, 84, S1, "Server 1", "W₁ = " + n(e.w1()) + ", X₁ = " + n(e.x1()),
                "A₁, B₁ seed; C₁ = " + n(e.c1()));
        k.arrow(300, 70, 160, 128, DEALER, true);
        k.arrow(460, 70, 600, 128, DEALER, true);
        k.centred(196, 88, "seed", 15, DEALER, false);
        k.centred(570, 88, "seed + C₁", 15, DEALER, false);
        k.arrow(212, 150, 548, 150, S0, false);
        k.centred(380, 136, "E₀ = " + n(e.e0()) + ",  F₀ = " + n(e.f0()), 16, S0, true);
        k.arrow(548, 192, 212, 192, S1, false);
        k.centred(380, 208, "E₁ = " + n(e.e1()) + ",  F₁ = " + n(e.f1()), 16, S1, true);
        k.centred(380, 171, "one round: E = " + n(e.e()) + ", F = " + n(e.f()), 15, INK, false);
        k.runs(130, 240, 15, new String[] {"Z₀ = ", "E·F", " + E·B₀ + A₀·F + C₀"}, new Color[] {S0, BAD, S0},
                new boolean[] {false, true, false});
        k.centred(130, 264, "= " + n(e.z0()), 16, S0, true);
        k.centred(130, 290, "only server 0 adds E·F = " + n(e.ef()), 14, BAD, true);
        k.runs(630, 240, 15, new String[] {"Z₁ = E·B₁ + A₁·F + C₁"}, new Color[] {S1}, new boolean[] {false});
        k.centred(630, 264, "= " + n(e.z1()), 16, S1, true);
        k.centred(380, 326, "Z₀ + Z₁ = " + n(e.z()) + " = W·X = " + n(e.w()) + " · " + n(e.x()) + " mod "
                + n(e.ring().modulus()), 17, INK, true);
        return k;
    }

    // ---------------------------------------------------------------- truncation: bits, then the exact protocol

    static Sketch truncation(Truncation e) {
        Sketch k = new Sketch(W, 370);
        Ring r = e.ring();
        int f = e.f();
        bits(k, 40, 20, "x = " + n(r.signed(e.x())), r, e.x(), 2 * f, "2f = " + 2 * f + " fraction bits");
        bits(k, 40, 100, "y = " + n(e.y()), r, e.y(), f, "f = " + f + " fraction bits");
        k.arrow(200, 66, 200, 96, INK, false);
        k.text(210, 80, "drop f = " + f + " bits: y = ⌊x / 2^" + f + "⌋ or one more", 15, INK, false);
        double top = 170;
        k.box(265, top, 230, 60, DEALER, "Dealer (offline)", "[r], [r >>> f], [MSB(r)]");
        k.box(20, top + 100, 190, 70, S0, "Server 0", "c₀ = x₀ + r₀ + " + e.offset(), "= " + n(e.c0()));
        k.box(550, top + 100, 190, 70, S1, "Server 1", "c₁ = x₁ + r₁", "= " + n(e.c1()));
        k.arrow(300, top + 60, 160, top + 98, DEALER, true);
        k.arrow(460, top + 60, 600, top + 98, DEALER, true);
        k.arrow(212, top + 118, 548, top + 118, S0, false);
        k.arrow(548, top + 152, 212, top + 152, S1, false);
        k.centred(380, top + 135, "one round: c = " + n(e.c()) + ", MSB(c) = " + r.msb(e.c()), 15, INK, true);
        k.centred(380, top + 182, "each: yᵢ from c, [r >>> f]ᵢ, [MSB(r)]ᵢ   →   y = " + n(e.y()), 15, INK, false);
        return k;
    }

    static void bits(Sketch k, double x, double y, String label, Ring r, long v, int fraction, String note) {
        double cell = 34;
        double x0 = x + 120;
        k.text(x, y + cell / 2, label, 16, INK, true);
        for (int j = r.bits() - 1; j >= 0; j--) {
            double cx = x0 + (r.bits() - 1 - j) * cell;
            Rectangle c = new Rectangle(cx, y, cell - 3, cell - 3);
            c.setArcWidth(6);
            c.setArcHeight(6);
            c.setFill(j < fraction ? FRACTION : Color.WHITE);
            c.setStroke(j < fraction ? FRACTION.darker().darker() : INK);
            k.add(c);
            k.centredMono(cx + (cell - 3) / 2, y + (cell - 3) / 2, String.valueOf(r.bit(v, j)), 16, INK);
        }
        k.text(x0 + r.bits() * cell + 12, y + cell / 2, note, 15, MUTED, false);
    }

    // ---------------------------------------------------------------- MSB: the carry tree

    static Sketch msb(Msb e) {
        CarryTree.Evaluation t = e.tree();
        Ring r = e.ring();
        int levels = t.levels().size();
        double rowH = 64;
        double h = 70 + levels * rowH + 50;
        Sketch k = new Sketch(W, h);
        int top = r.bits() - 1;
        double left = 170;
        double col = (W - left - 20) / r.bits();
        double bitsY = h - 70;
        // column x of bit j (bit ℓ−1 leftmost)
        java.util.function.IntFunction<Double> colX = j -> left + (top - j) * col + col / 2;
        k.text(8, bitsY - 8, "round 1: g = a∧b", 14, INK, true);
        k.text(8, bitsY + 14, "p = a⊕b: free", 14, MUTED, false);
        List<double[]> prev = new ArrayList<>();
        for (CarryTree.Segment s : t.bits()) {
            double x = colX.apply(s.low());
            prev.add(new double[] {x, bitsY});
            node(k, x, bitsY, col - 8, "bit " + s.low(), "a" + r.bit(t.a(), s.low()) + " b" + r.bit(t.b(), s.low()),
                    "g" + s.g() + " p" + s.p(), S0);
        }
        double topBitX = colX.apply(top);
        node(k, topBitX, bitsY, col - 8, "bit " + top, "a" + r.bit(t.a(), top) + " b" + r.bit(t.b(), top), "", MUTED);
        List<Integer> gates = CarryTree.gatesPerRound(r.bits());
        for (int lv = 1; lv < levels; lv++) {
            double y = bitsY - lv * rowH;
            k.text(8, y - 8, "round " + (lv + 1) + ": level " + lv, 14, INK, true);
            k.text(8, y + 14, gates.get(lv) + " AND gate" + (gates.get(lv) == 1 ? "" : "s"), 14, MUTED, false);
            List<CarryTree.Segment> level = t.levels().get(lv);
            List<CarryTree.Segment> below = t.levels().get(lv - 1);
            List<double[]> here = new ArrayList<>();
            int pairs = below.size() / 2;
            for (int i = 0; i < level.size(); i++) {
                CarryTree.Segment s = level.get(i);
                double x = (colX.apply(s.low()) + colX.apply(s.high())) / 2;
                here.add(new double[] {x, y});
                boolean passed = i >= pairs;
                if (passed) {
                    double[] c = prev.get(2 * i);
                    k.line(c[0], c[1] - 24, x, y + 24, MUTED, 1.5, true);
                } else {
                    for (double[] c : List.of(prev.get(2 * i), prev.get(2 * i + 1))) {
                        k.line(c[0], c[1] - 24, x, y + 24, INK, 1.5, false);
                    }
                }
                String bits = s.low() == s.high() ? "bit " + s.low() : "bits " + s.high() + "–" + s.low();
                node(k, x, y, Math.max(col - 8, Math.min(150, (s.high() - s.low() + 1) * col - 10)), bits,
                        "G" + s.g() + (s.hasP() ? " P" + s.p() : ""), "", passed ? MUTED : S1);
            }
            prev = here;
        }
        // the carry meets bit ℓ−1
        double[] root = prev.get(0);
        double my = bitsY - levels * rowH + 10;
        k.line(root[0], root[1] - 24, topBitX + 40, my + 22, DEALER, 2, false);
        k.line(topBitX, bitsY - 24, topBitX, my + 22, DEALER, 2, false);
        Rectangle msbBox = new Rectangle(topBitX - 100, my - 24, 200, 46);
        msbBox.setArcWidth(12);
        msbBox.setArcHeight(12);
        msbBox.setFill(Sketch.tint(DEALER));
        msbBox.setStroke(DEALER);
        msbBox.setStrokeWidth(2);
        k.add(msbBox);
        k.centred(topBitX, my - 8, "MSB = a" + top + " ⊕ b" + top + " ⊕ carry", 14, INK, true);
        k.centred(topBitX, my + 10, r.bit(t.a(), top) + " ⊕ " + r.bit(t.b(), top) + " ⊕ " + t.carry() + " = "
                + t.msb(), 15, DEALER.darker(), true);
        k.text(topBitX + 110, my - 8, "then 1 select round:", 14, INK, false);
        k.text(topBitX + 110, my + 12, "ReLU(x) = x·(1 − MSB) = " + n(e.relu()), 14, INK, true);
        return k;
    }

    static void node(Sketch k, double cx, double cy, double w, String title, String line1, String line2, Color c) {
        Rectangle r = new Rectangle(cx - w / 2, cy - 24, w, 48);
        r.setArcWidth(10);
        r.setArcHeight(10);
        r.setFill(Sketch.tint(c));
        r.setStroke(c);
        r.setStrokeWidth(1.6);
        k.add(r);
        if (line2.isEmpty()) {
            k.centred(cx, cy - 10, title, 12, c.darker(), true);
            k.centredMono(cx, cy + 9, line1, 14, INK);
        } else {
            k.centred(cx, cy - 14, title, 12, c.darker(), true);
            k.centredMono(cx, cy + 2, line1, 13, INK);
            k.centredMono(cx, cy + 16, line2, 13, INK);
        }
    }

    // ---------------------------------------------------------------- max pooling: a window and its tree

    static Sketch maxPool(MaxPool e) {
        Sketch k = new Sketch(W, 320);
        long[] w = e.window();
        double cell = 64;
        double gx = 20;
        double gy = 100;
        int winner = -1;
        for (int i = 0; i < w.length; i++) {
            if (w[i] == e.max() && winner < 0) {
                winner = i;
            }
        }
        for (int i = 0; i < 4; i++) {
            double x = gx + (i % 2) * cell;
            double y = gy + (i / 2) * cell;
            Rectangle c = new Rectangle(x, y, cell - 4, cell - 4);
            c.setFill(i == winner ? Sketch.tint(DEALER) : Color.WHITE);
            c.setStroke(i == winner ? DEALER : INK);
            c.setStrokeWidth(2);
            k.add(c);
            k.centredMono(x + (cell - 4) / 2, y + (cell - 4) / 2, n(w[i]), 18, INK);
            k.centred(x + 10, y + 10, "v" + i, 11, MUTED, false);
        }
        k.centred(gx + cell, gy - 22, "2 × 2 window", 16, INK, true);
        k.centred(gx + cell, gy + 2 * cell + 20, "max = " + n(e.max()), 17, DEALER.darker(), true);
        double[] leafX = {290, 410, 560, 680};
        double leafY = 280;
        for (int i = 0; i < 4; i++) {
            treeNode(k, leafX[i], leafY, 64, "v" + i, n(w[i]), INK);
        }
        List<double[]> prev = new ArrayList<>();
        for (double x : leafX) {
            prev.add(new double[] {x, leafY});
        }
        for (int lv = 0; lv < e.levels().size(); lv++) {
            double y = leafY - (lv + 1) * 105;
            List<double[]> here = new ArrayList<>();
            List<Pair> level = e.levels().get(lv);
            for (int i = 0; i < level.size(); i++) {
                Pair p = level.get(i);
                double[] a = prev.get(2 * i);
                double[] b = prev.get(2 * i + 1);
                double x = (a[0] + b[0]) / 2;
                k.line(a[0], a[1] - 22, x, y + 24, p.drelu() == 1 ? DEALER : MUTED, p.drelu() == 1 ? 2.4 : 1.4, false);
                k.line(b[0], b[1] - 22, x, y + 24, p.drelu() == 0 ? DEALER : MUTED, p.drelu() == 0 ? 2.4 : 1.4, false);
                treeNode(k, x, y, 220, "b + ReLU(a − b)", n(p.b()) + " + ReLU(" + n(p.diff()) + ") = " + n(p.max()), S1);
                here.add(new double[] {x, y});
            }
            for (int i = 2 * level.size(); i < prev.size(); i++) {
                here.add(prev.get(i));
            }
            k.text(180, y, "level " + (lv + 1), 15, INK, true);
            prev = here;
        }
        k.text(180, leafY, "values", 15, INK, true);
        return k;
    }

    static void treeNode(Sketch k, double cx, double cy, double w, String tag, String value, Color c) {
        Rectangle r = new Rectangle(cx - w / 2, cy - 22, w, 46);
        r.setArcWidth(12);
        r.setArcHeight(12);
        r.setFill(Sketch.tint(c));
        r.setStroke(c);
        r.setStrokeWidth(1.8);
        k.add(r);
        k.centred(cx, cy - 10, tag, 12, c.equals(INK) ? MUTED : c.darker(), true);
        k.centredMono(cx, cy + 10, value, 15, INK);
    }

    // ---------------------------------------------------------------- argmax: the tree with indices

    static Sketch argmax(Argmax e) {
        int levels = e.levels().size();
        double rowH = 68;
        double h = 60 + levels * rowH + 40;
        Sketch k = new Sketch(W, h);
        long[] v = e.logits();
        double left = 20;
        double step = (W - left - 10) / v.length;
        double leafY = h - 36;
        List<double[]> prev = new ArrayList<>();
        List<String[]> prevText = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            double x = left + i * step + step / 2;
            prev.add(new double[] {x, leafY});
            prevText.add(new String[] {"#" + i, n(v[i])});
            argNode(k, x, leafY, "#" + i, n(v[i]), e.label() == i ? DEALER : INK);
        }
        for (int lv = 0; lv < levels; lv++) {
            double y = leafY - (lv + 1) * rowH;
            List<IndexedPair> level = e.levels().get(lv);
            List<double[]> here = new ArrayList<>();
            List<String[]> hereText = new ArrayList<>();
            for (int i = 0; i < level.size(); i++) {
                IndexedPair p = level.get(i);
                double[] a = prev.get(2 * i);
                double[] b = prev.get(2 * i + 1);
                double x = (a[0] + b[0]) / 2;
                k.line(a[0], a[1] - 20, x, y + 20, p.d() == 0 ? DEALER : MUTED, p.d() == 0 ? 2.6 : 1.2, false);
                k.line(b[0], b[1] - 20, x, y + 20, p.d() == 1 ? DEALER : MUTED, p.d() == 1 ? 2.6 : 1.2, false);
                argNode(k, x, y, "#" + p.index(), n(p.max()), lv == levels - 1 ? DEALER : S1);
                here.add(new double[] {x, y});
                hereText.add(new String[] {"#" + p.index(), n(p.max())});
            }
            for (int i = 2 * level.size(); i < prev.size(); i++) {
                // an odd candidate out passes up unchanged
                double[] c = prev.get(i);
                k.line(c[0], c[1] - 20, c[0], y + 20, MUTED, 1.4, true);
                argNode(k, c[0], y, prevText.get(i)[0], prevText.get(i)[1], MUTED);
                here.add(new double[] {c[0], y});
                hereText.add(prevText.get(i));
            }
            k.text(8, y, "level " + (lv + 1), 13, INK, true);
            prev = here;
            prevText = hereText;
        }
        k.text(8, 18, "label = #" + e.label() + ": the winner's index travels up; only its shares leave", 15, INK,
                true);
        return k;
    }

    static void argNode(Sketch k, double cx, double cy, String index, String value, Color c) {
        Rectangle r = new Rectangle(cx - 31, cy - 20, 62, 40);
        r.setArcWidth(10);
        r.setArcHeight(10);
        r.setFill(Sketch.tint(c));
        r.setStroke(c);
        r.setStrokeWidth(1.6);
        if (c.equals(MUTED)) {
            r.getStrokeDashArray().setAll(4.0, 3.0);
        }
        k.add(r);
        k.centred(cx, cy - 9, index, 13, c.equals(INK) || c.equals(MUTED) ? MUTED : c.darker(), true);
        k.centredMono(cx, cy + 9, value, 14, INK);
    }

    // ---------------------------------------------------------------- mask reuse: setup once, then F only

    static Sketch maskReuse(MaskReuse e) {
        Sketch k = new Sketch(W, 310);
        double y0 = 72;
        double y1 = 236;
        k.box(6, y0 - 30, 112, 60, S0, "Server 0");
        k.box(6, y1 - 30, 112, 60, S1, "Server 1");
        k.line(118, y0, 755, y0, S0, 2, false);
        k.line(118, y1, 755, y1, S1, 2, false);
        double[] xs = {135, 345, 555};
        double seg = 200;
        String[] names = {"setup, once per model", "query 1", "query 2"};
        Examples.Beaver[] qs = {e.q1(), e.q2()};
        double mid = (y0 + y1) / 2;
        for (int i = 0; i < 3; i++) {
            double x = xs[i];
            k.centred(x + seg / 2, 20, names[i], 16, i == 0 ? DEALER.darker() : INK, true);
            if (i > 0) {
                k.line(x - 5, 34, x - 5, 286, MUTED, 1, true);
            }
            String m = i == 0 ? "E" : "F";
            k.arrow(x + 18, y0 + 4, x + 18, y1 - 4, S0, false);
            k.arrow(x + seg - 18, y1 - 4, x + seg - 18, y0 + 4, S1, false);
            k.centred(x + 34, mid - 34, m + "₀", 17, S0, true);
            k.centred(x + seg - 34, mid - 34, m + "₁", 17, S1, true);
            if (i == 0) {
                k.centred(x + seg / 2, mid + 4, "E = " + n(e.e()), 16, INK, true);
                k.centred(x + seg / 2, mid + 28, "kept for every query", 14, MUTED, false);
            } else {
                k.centred(x + seg / 2, mid + 4, "F = " + n(qs[i - 1].f()), 16, INK, true);
                k.centred(x + seg / 2, mid + 28, "Z₀ + Z₁ = " + n(qs[i - 1].z()) + " = W·X", 14, MUTED, false);
            }
        }
        k.centred(W / 2, 295, "faithful mode would open E = W − A again in every query", 15, MUTED, false);
        return k;
    }

    // ---------------------------------------------------------------- FSS: one opening, then each server's key

    static Sketch fss(Examples.Fss e) {
        Sketch k = new Sketch(W, 390);
        Ring r = e.ring();
        k.box(170, 10, 420, 80, DEALER, "Dealer (offline)", "mask r = " + n(e.r()) + ", DCF keys for α = r_L = "
                + n(e.rL()), "payload (σ, σ·r) = (" + n(r.signed(e.sigma())) + ", " + n(r.signed(r.mul(e.sigma(),
                e.r()))) + "), hidden in the keys");
        k.box(20, 140, 220, 80, S0, "Server 0", "x₀ = " + n(e.x0()) + ", r₀ = " + n(e.r0()), "sends x̂₀ = "
                + n(e.xHat0()));
        k.box(520, 140, 220, 80, S1, "Server 1", "x₁ = " + n(e.x1()) + ", r₁ = " + n(e.r1()), "sends x̂₁ = "
                + n(e.xHat1()));
        k.arrow(260, 90, 150, 138, DEALER, true);
        k.arrow(500, 90, 610, 138, DEALER, true);
        k.arrow(242, 162, 518, 162, S0, false);
        k.arrow(518, 196, 242, 196, S1, false);
        k.centred(380, 178, "one round: x̂ = x + r = " + n(e.xHat()), 15, INK, true);
        k.centred(380, 250, "each evaluates its key at x̂_L = " + n(e.xHatLow()) + ": a walk down a "
                + (r.bits() - 1) + "-level tree of AES hashes,", 15, INK, false);
        k.centred(380, 272, "giving shares of σ·c, c = [x̂_L < r_L] = " + e.c() + "; the sign of x is x̂_H ⊕ r_H ⊕ c = "
                + (e.xHatHigh() ^ e.rH() ^ e.c()), 15, INK, false);
        k.centred(380, 306, "d = DReLU(x) = " + e.d() + ", y = ReLU(x) = " + n(r.signed(e.y())) + " for x = "
                + n(r.signed(e.x())), 16, INK, true);
        k.centred(380, 336, "nothing else is sent: 1 round, one masked value per server", 15, MUTED, false);
        return k;
    }

    // ---------------------------------------------------------------- non-collusion: who sends what to whom

    static Sketch collusion(Collusion e) {
        Sketch k = new Sketch(W, 420);
        k.box(270, 6, 220, 60, OWNER, "Model owner", "knows W");
        k.box(260, 100, 240, 66, DEALER, "Dealer", "seeds; corrections for S1");
        k.box(10, 196, 215, 80, S0, "Server 0", "W₀, x₀, opened values", "all uniformly random");
        k.box(535, 196, 215, 80, S1, "Server 1", "W₁, x₁, opened values", "all uniformly random");
        k.box(270, 354, 220, 60, USER, "User", "knows x and the result");
        // the owner's shares
        k.arrow(280, 50, 120, 194, OWNER, false);
        k.arrow(480, 50, 640, 194, OWNER, false);
        k.centred(178, 92, "W₀", 17, OWNER, true);
        k.centred(582, 92, "W₁", 17, OWNER, true);
        // the dealer's seeds and corrections
        k.arrow(290, 166, 226, 204, DEALER, true);
        k.arrow(470, 166, 534, 204, DEALER, true);
        // the servers: masked values only
        k.arrow(227, 230, 533, 230, INK, false);
        k.arrow(533, 252, 227, 252, INK, false);
        k.centred(380, 214, "masked values only", 15, INK, false);
        k.centred(380, 290, "✗ S0 + S1 together: x₀ + x₁ = " + n(e.sharing().x()), 15, BAD, true);
        k.centred(380, 314, "✗ dealer + a server: E + A = W", 15, BAD, true);
        // the user's input shares and the output shares back
        k.arrow(290, 368, 120, 278, USER, false);
        k.arrow(470, 368, 640, 278, USER, false);
        k.centred(176, 340, "x₀ ↑, y₀ ↓", 15, USER, true);
        k.centred(584, 340, "x₁ ↑, y₁ ↓", 15, USER, true);
        return k;
    }
}
