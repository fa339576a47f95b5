package io.sonic.desktop.learn;

import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed-size drawing of JavaFX shapes (boxes, arrows, labels) in logical pixels; {@link Fit} scales
 * it to the page. The colours are the same on every page: server 0 blue, server 1 orange, the dealer
 * green, the user purple, the model owner teal.
 */
final class Sketch {
    static final Color S0 = Color.web("#1565c0");
    static final Color S1 = Color.web("#e65100");
    static final Color DEALER = Color.web("#2e7d32");
    static final Color USER = Color.web("#6a1b9a");
    static final Color OWNER = Color.web("#00838f");
    static final Color INK = Color.web("#263238");
    static final Color MUTED = Color.web("#607d8b");
    static final Color BAD = Color.web("#c62828");
    static final String FAMILY = "DejaVu Sans";
    static final String MONO = "DejaVu Sans Mono";

    final Pane pane = new Pane();
    final double width;
    final double height;

    Sketch(double width, double height) {
        this.width = width;
        this.height = height;
        pane.setPrefSize(width, height);
        pane.setMinSize(width, height);
        pane.setMaxSize(width, height);
        pane.getStyleClass().add("learn-diagram");
    }

    /** The light fill that goes with a stroke colour (white for the neutral ink). */
    static Color tint(Color c) {
        if (c.equals(INK) || c.equals(MUTED)) {
            return Color.WHITE;
        }
        return c.interpolate(Color.WHITE, 0.88);
    }

    Text text(double x, double y, String s, double size, Color color, boolean bold) {
        Text t = new Text(x, y, s);
        t.setFont(Font.font(FAMILY, bold ? FontWeight.BOLD : FontWeight.NORMAL, size));
        t.setFill(color);
        t.setTextOrigin(VPos.CENTER);
        pane.getChildren().add(t);
        return t;
    }

    Text mono(double x, double y, String s, double size, Color color) {
        Text t = text(x, y, s, size, color, false);
        t.setFont(Font.font(MONO, size));
        return t;
    }

    /** Text centred on (cx, y); several lines are centred each. */
    Text centred(double cx, double y, String s, double size, Color color, boolean bold) {
        Text t = text(cx, y, s, size, color, bold);
        t.setTextAlignment(TextAlignment.CENTER);
        t.setX(cx - t.getLayoutBounds().getWidth() / 2);
        return t;
    }

    Text centredMono(double cx, double y, String s, double size, Color color) {
        Text t = mono(cx, y, s, size, color);
        t.setTextAlignment(TextAlignment.CENTER);
        t.setX(cx - t.getLayoutBounds().getWidth() / 2);
        return t;
    }

    /** A rounded box with a bold title and lines of text under it. */
    Rectangle box(double x, double y, double w, double h, Color color, String title, String... lines) {
        Rectangle r = new Rectangle(x, y, w, h);
        r.setArcWidth(16);
        r.setArcHeight(16);
        r.setFill(tint(color));
        r.setStroke(color);
        r.setStrokeWidth(2);
        pane.getChildren().add(r);
        double lineH = 20;
        double top = y + h / 2 - (lines.length * lineH) / 2;
        centred(x + w / 2, top, title, 17, color.darker(), true);
        for (int i = 0; i < lines.length; i++) {
            centred(x + w / 2, top + (i + 1) * lineH, lines[i], 15, INK, false);
        }
        return r;
    }

    /** An arrow from (x1, y1) to (x2, y2). */
    Line arrow(double x1, double y1, double x2, double y2, Color color, boolean dashed) {
        Line l = new Line(x1, y1, x2, y2);
        l.setStroke(color);
        l.setStrokeWidth(2.2);
        if (dashed) {
            l.getStrokeDashArray().setAll(7.0, 5.0);
        }
        double a = Math.atan2(y2 - y1, x2 - x1);
        double s = 11;
        Polygon head = new Polygon(x2, y2,
                x2 - s * Math.cos(a - 0.4), y2 - s * Math.sin(a - 0.4),
                x2 - s * Math.cos(a + 0.4), y2 - s * Math.sin(a + 0.4));
        head.setFill(color);
        pane.getChildren().addAll(l, head);
        return l;
    }

    Line line(double x1, double y1, double x2, double y2, Color color, double width, boolean dashed) {
        Line l = new Line(x1, y1, x2, y2);
        l.setStroke(color);
        l.setStrokeWidth(width);
        if (dashed) {
            l.getStrokeDashArray().setAll(6.0, 5.0);
        }
        pane.getChildren().add(l);
        return l;
    }

    /**
     * Pieces of text in a row, centred as a whole on (cx, y), each with its colour; bold pieces are
     * drawn bold (to point at one term of a formula).
     */
    void runs(double cx, double y, double size, String[] parts, Color[] colors, boolean[] bold) {
        List<Text> ts = new ArrayList<>();
        double width = 0;
        for (int i = 0; i < parts.length; i++) {
            Text t = text(0, y, parts[i], size, colors[i], bold[i]);
            ts.add(t);
            width += t.getLayoutBounds().getWidth();
        }
        double x = cx - width / 2;
        for (Text t : ts) {
            t.setX(x);
            x += t.getLayoutBounds().getWidth();
        }
    }

    void add(Node n) {
        pane.getChildren().add(n);
    }
}
