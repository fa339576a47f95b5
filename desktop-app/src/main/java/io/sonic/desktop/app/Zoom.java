package io.sonic.desktop.app;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.value.ObservableValue;

import java.util.Locale;

/**
 * How large the window draws everything, for a room: text size and the sizes of pictures and charts
 * follow one scale. Ctrl+Plus / Ctrl+Minus / Ctrl+0 change it; presentation mode sets a projector scale.
 */
public final class Zoom {
    /** The text size at scale 1, in pixels. */
    public static final double BASE_FONT = 13;
    public static final double MIN = 0.75;
    public static final double MAX = 3.0;
    /** The scale of presentation mode. */
    public static final double PRESENTATION = 1.6;

    private final DoubleProperty scale = new SimpleDoubleProperty(1);
    private final BooleanProperty presentation = new SimpleBooleanProperty();
    private double base = 1;

    public Zoom() {
        presentation.addListener((o, was, on) -> scale.set(on ? Math.max(PRESENTATION, base + 0.4) : base));
    }

    /** Sets the scale Ctrl+0 returns to (the window's start scale on its screen), and goes there. */
    public void start(double s) {
        base = Math.max(MIN, Math.min(MAX, s));
        scale.set(base);
    }

    /**
     * The scale a window starts at on a screen: 100 % up to 1280 × 860, more on larger screens (130 % on
     * 1920 × 1080), so that text is not tiny on a big screen.
     */
    public static double forScreen(double width, double height) {
        double s = Math.min(width / 1280, height / 860);
        return Math.max(1, Math.min(2, Math.round(s * 10) / 10.0));
    }

    public DoubleProperty scaleProperty() {
        return scale;
    }

    public BooleanProperty presentationProperty() {
        return presentation;
    }

    public double scale() {
        return scale.get();
    }

    public void zoomIn() {
        scale.set(Math.min(MAX, Math.round(scale.get() * 11) / 10.0));
    }

    public void zoomOut() {
        scale.set(Math.max(MIN, Math.round(scale.get() * 10 / 1.1) / 10.0));
    }

    public void reset() {
        presentation.set(false);
        scale.set(base);
    }

    /** {@code px} pixels at the current scale. */
    public DoubleBinding px(double px) {
        return scale.multiply(px);
    }

    /** The root's style: its font size at the current scale. */
    public ObservableValue<String> rootStyle() {
        return Bindings.createStringBinding(() -> String.format(Locale.ROOT, "-fx-font-size: %.1fpx;",
                BASE_FONT * scale.get()), scale);
    }
}
