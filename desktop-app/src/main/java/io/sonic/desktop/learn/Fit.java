package io.sonic.desktop.learn;

import javafx.geometry.Orientation;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.transform.Scale;

/**
 * Shows a fixed-size {@link Sketch} scaled to the width it is given: never wider than the column (so
 * nothing is clipped at 1024 × 768), and at most {@code maxScale} times its drawn size (so that it
 * grows on a large screen and with the text size).
 */
final class Fit extends Region {
    private final Pane content;
    private final double w;
    private final double h;
    private final Scale scale = new Scale(1, 1, 0, 0);
    private double maxScale = 1.3;

    Fit(Sketch sketch) {
        this.content = sketch.pane;
        this.w = sketch.width;
        this.h = sketch.height;
        content.getTransforms().add(scale);
        getChildren().add(content);
        getStyleClass().add("learn-diagram-box");
    }

    void setMaxScale(double s) {
        maxScale = s;
        requestLayout();
    }

    double scaleFor(double width) {
        double avail = width - snappedLeftInset() - snappedRightInset();
        return Math.max(0.2, Math.min(maxScale, avail / w));
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        return 120;
    }

    @Override
    protected double computePrefWidth(double height) {
        return w * maxScale + snappedLeftInset() + snappedRightInset();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefHeight(double width) {
        double s = width < 0 ? maxScale : scaleFor(width);
        return h * s + snappedTopInset() + snappedBottomInset();
    }

    @Override
    protected double computeMaxHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected void layoutChildren() {
        double s = scaleFor(getWidth());
        scale.setX(s);
        scale.setY(s);
        content.resize(w, h);
        double x = snappedLeftInset() + Math.max(0, (getWidth() - snappedLeftInset() - snappedRightInset() - w * s) / 2);
        content.relocate(x, snappedTopInset());
    }
}
