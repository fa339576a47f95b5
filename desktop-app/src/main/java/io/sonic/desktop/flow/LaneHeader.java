package io.sonic.desktop.flow;

import io.sonic.desktop.flow.MessageFlow.Lane;
import javafx.geometry.HPos;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;

import java.util.ArrayList;
import java.util.List;

/**
 * The lane names above the diagram, each centred on its lane. The lanes are placed for the width of
 * {@code rows} (the scrolling diagram below, which is narrower by its scroll bar), so they line up.
 */
final class LaneHeader extends Region {
    private final Region rows;
    private final Label round = new Label("Round");
    /** Unstyled, never shown: its font is the diagram's em. */
    private final Label em = new Label("M");
    private final List<Label> lanes = new ArrayList<>();

    LaneHeader(Region rows) {
        this.rows = rows;
        getStyleClass().add("flow-lane-header");
        round.getStyleClass().add("flow-lane-round");
        round.setManaged(false);
        em.getStyleClass().add("flow-em");
        em.setManaged(false);
        em.setVisible(false);
        getChildren().addAll(em, round);
        for (Lane l : Lane.values()) {
            Label t = new Label(l.title());
            t.getStyleClass().addAll("flow-lane-title", Lanes.style(l));
            t.setManaged(false);
            t.setId("flowLane" + l.ordinal());
            lanes.add(t);
            getChildren().add(t);
        }
        rows.widthProperty().addListener((o, a, b) -> requestLayout());
    }

    List<Label> titles() {
        return List.copyOf(lanes);
    }

    private double em() {
        return em.getFont().getSize();
    }

    private double width0() {
        double w = rows.getWidth();
        return w > 0 ? w : getWidth();
    }

    @Override
    protected double computeMinWidth(double height) {
        return 0;
    }

    @Override
    protected double computePrefWidth(double height) {
        return 24 * em();
    }

    @Override
    protected double computePrefHeight(double width) {
        return lanes.get(0).prefHeight(-1) + 0.6 * em();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected void layoutChildren() {
        double w = Math.min(width0(), getWidth());
        double em = em();
        double y = 0.3 * em;
        FlowRow.put(round, 0, Lanes.gutter(em), y, HPos.CENTER);
        for (Lane l : Lane.values()) {
            Label t = lanes.get(l.ordinal());
            double x = Lanes.x(l, w, em);
            double tw = Math.ceil(t.prefWidth(-1)) + 1;
            double left = Math.max(0, Math.min(x - tw / 2, w - tw));
            t.resizeRelocate(Math.round(left), Math.round(y), tw, Math.ceil(t.prefHeight(tw)));
        }
    }
}
