package io.sonic.desktop.flow;

import io.sonic.desktop.app.Bytes;
import io.sonic.desktop.flow.MessageFlow.Exchange;
import io.sonic.desktop.flow.MessageFlow.Kind;
import io.sonic.desktop.flow.MessageFlow.Lane;
import io.sonic.desktop.flow.MessageFlow.Message;
import javafx.geometry.HPos;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.scene.shape.Line;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.TextAlignment;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the sequence diagram: the four lifelines through it and what happens in it. Every size
 * is in em of the row's text, so a row grows with the root font size; the height follows from the
 * width (labels wrap).
 */
abstract class FlowRow extends Region {
    private final Line[] lifelines = new Line[Lane.values().length];
    /** A label of this row whose font gives the em. */
    private Label reference;

    FlowRow() {
        getStyleClass().add("flow-row");
        for (Lane l : Lane.values()) {
            Line line = new Line();
            line.getStyleClass().addAll("flow-lifeline", Lanes.style(l));
            line.setManaged(false);
            lifelines[l.ordinal()] = line;
            getChildren().add(line);
        }
    }

    Label label(String text, String... styles) {
        Label l = new Label(text);
        l.getStyleClass().addAll(styles);
        l.setWrapText(true);
        l.setMinWidth(0);
        l.setManaged(false);
        if (reference == null) {
            reference = l;
        }
        getChildren().add(l);
        return l;
    }

    double em() {
        return reference == null ? 13 : reference.getFont().getSize();
    }

    double lane(Lane l, double width) {
        return Lanes.x(l, width, em());
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
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
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefHeight(double width) {
        return layout(width < 0 ? Math.max(getWidth(), computePrefWidth(-1)) : width, false);
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        for (Lane l : Lane.values()) {
            Line line = lifelines[l.ordinal()];
            double x = Math.round(lane(l, w)) + 0.5;
            line.setStartX(x);
            line.setEndX(x);
            line.setStartY(0);
            line.setEndY(h);
            line.setStrokeWidth(Math.max(1, em() * 0.08));
        }
        layout(w, true);
    }

    /** Lays the row out for {@code width} when {@code place}, and returns its height either way. */
    abstract double layout(double width, boolean place);

    /** Text height of a wrapping label in a box of {@code width}. */
    static double height(Label l, double width) {
        return l.prefHeight(Math.max(1, width));
    }

    /**
     * Places a label in [left, right]: as wide as its text (at most the box), aligned in the box, so its
     * background covers only the text.
     */
    static void put(Label l, double left, double right, double y, HPos align) {
        double box = Math.max(1, right - left);
        double w = Math.min(Math.ceil(l.prefWidth(-1)) + 1, box);
        double h = l.prefHeight(w);
        double x = switch (align) {
            case LEFT -> left;
            case RIGHT -> right - w;
            default -> left + (box - w) / 2;
        };
        l.setTextAlignment(align == HPos.LEFT ? TextAlignment.LEFT : align == HPos.RIGHT ? TextAlignment.RIGHT
                : TextAlignment.CENTER);
        l.setAlignment(align == HPos.LEFT ? Pos.CENTER_LEFT : align == HPos.RIGHT ? Pos.CENTER_RIGHT : Pos.CENTER);
        l.resizeRelocate(Math.round(x), Math.round(y), Math.ceil(w), Math.ceil(h));
    }

    /** A horizontal arrow: a line and a head, in the sender's colour. */
    final class Arrow {
        final Line line = new Line();
        final Polygon head = new Polygon();
        final Lane from;
        final Lane to;

        Arrow(Lane from, Lane to, boolean dashed) {
            this.from = from;
            this.to = to;
            line.getStyleClass().addAll("flow-arrow", Lanes.style(from));
            head.getStyleClass().addAll("flow-arrow-head", Lanes.style(from));
            line.setManaged(false);
            head.setManaged(false);
            if (dashed) {
                line.getStyleClass().add("flow-arrow-dashed");
            }
            getChildren().addAll(line, head);
        }

        void place(double width, double y) {
            double em = em();
            double x1 = lane(from, width);
            double x2 = lane(to, width);
            double dir = Math.signum(x2 - x1);
            double len = 0.75 * em;
            double tip = x2 - dir * 0.15 * em;
            line.setStartX(x1);
            line.setEndX(tip - dir * len * 0.8);
            line.setStartY(y);
            line.setEndY(y);
            line.setStrokeWidth(Math.max(1.5, em * 0.16));
            if (line.getStyleClass().contains("flow-arrow-dashed")) {
                line.getStrokeDashArray().setAll(0.7 * em, 0.4 * em);
            }
            head.getPoints().setAll(tip, y, tip - dir * len, y - 0.38 * em, tip - dir * len, y + 0.38 * em);
        }
    }

    /** A band that names a part of the flow: "Online, between the servers". */
    static final class Section extends FlowRow {
        private final Label text;

        Section(String title) {
            getStyleClass().add("flow-section-row");
            text = label(title, "flow-section");
        }

        Label text() {
            return text;
        }

        @Override
        double layout(double width, boolean place) {
            double em = em();
            double left = 0.4 * em;
            double right = width - 0.4 * em;
            double h = height(text, right - left);
            if (place) {
                put(text, left, right, 0.45 * em, HPos.LEFT);
            }
            return h + 0.9 * em;
        }
    }

    /** One message: text and bytes beside the arrow, the arrow below. */
    static final class MessageRow extends FlowRow {
        private final Message message;
        private final Label what;
        private final Label bytes;
        private final Arrow arrow;

        MessageRow(Message m) {
            this.message = m;
            getStyleClass().add("flow-message");
            what = label(m.what(), "flow-what");
            bytes = label(Bytes.exact(m.bytes()), "flow-bytes", Lanes.style(m.from()));
            arrow = new Arrow(m.from(), m.to(), m.kind() != Kind.ONLINE);
        }

        Message message() {
            return message;
        }

        List<Label> labels() {
            return List.of(what, bytes);
        }

        /** The text box: between the two lanes, widened towards the middle when that is too narrow. */
        private double[] box(double width) {
            double em = em();
            double pad = Lanes.PAD_EM * em;
            double a = Math.min(lane(message.from(), width), lane(message.to(), width));
            double b = Math.max(lane(message.from(), width), lane(message.to(), width));
            double left = a + pad;
            double right = b - pad;
            if (right - left < 24 * em) {
                if (message.from() == Lane.DEALER || message.to() == Lane.DEALER) {
                    left = Math.min(left, lane(Lane.SERVER0, width) + pad);
                } else {
                    right = Math.max(right, lane(Lane.SERVER1, width) - pad);
                }
            }
            return new double[] {Math.max(0, left), Math.min(width, right)};
        }

        private HPos align() {
            boolean dealer = message.from() == Lane.DEALER || message.to() == Lane.DEALER;
            return dealer ? HPos.RIGHT : HPos.LEFT;
        }

        @Override
        double layout(double width, boolean place) {
            double em = em();
            double[] box = box(width);
            double w = box[1] - box[0];
            double y = 0.4 * em;
            double hw = height(what, w);
            if (place) {
                put(what, box[0], box[1], y, align());
            }
            y += hw;
            double hb = height(bytes, w);
            if (place) {
                put(bytes, box[0], box[1], y, align());
            }
            y += hb + 0.55 * em;
            if (place) {
                arrow.place(width, y);
            }
            return y + 0.75 * em;
        }
    }

    /** One round: what it opens between the servers, server 0's message above server 1's. */
    static final class ExchangeRow extends FlowRow {
        private final Exchange exchange;
        private final Label round;
        private final Label what;
        private final Label sent;
        private final Label received;
        private final Arrow toServer1;
        private final Arrow toServer0;

        ExchangeRow(Exchange e) {
            this.exchange = e;
            getStyleClass().add("flow-exchange");
            what = label(e.what(), "flow-what");
            round = label(String.valueOf(e.round()), "flow-round");
            toServer1 = new Arrow(Lane.SERVER0, Lane.SERVER1, false);
            toServer0 = new Arrow(Lane.SERVER1, Lane.SERVER0, false);
            sent = label(Bytes.exact(e.toServer1().bytes()) + "  →", "flow-bytes", "flow-on-arrow", "flow-s0");
            received = label("←  " + Bytes.exact(e.toServer0().bytes()), "flow-bytes", "flow-on-arrow", "flow-s1");
        }

        Exchange exchange() {
            return exchange;
        }

        List<Label> labels() {
            return List.of(round, what, sent, received);
        }

        @Override
        double layout(double width, boolean place) {
            double em = em();
            double pad = Lanes.PAD_EM * em;
            double left = lane(Lane.SERVER0, width) + pad;
            double right = lane(Lane.SERVER1, width) - pad;
            double y = 0.4 * em;
            double hw = height(what, right - left);
            if (place) {
                put(what, left, right, y, HPos.CENTER);
                put(round, 0.3 * em, Lanes.gutter(em) - 0.3 * em, y, HPos.CENTER);
            }
            y += hw + 0.25 * em;
            double hs = height(sent, right - left);
            double y1 = y + hs / 2;
            double y2 = y1 + hs + 0.15 * em;
            if (place) {
                toServer1.place(width, y1);
                toServer0.place(width, y2);
                put(sent, left, right, y1 - hs / 2, HPos.CENTER);
                put(received, left, right, y2 - hs / 2, HPos.CENTER);
            }
            return y2 + hs / 2 + 0.6 * em;
        }
    }

    /** A layer without messages: both servers work on their own shares. */
    static final class LocalRow extends FlowRow {
        private final Label text;
        private final List<Rectangle> boxes = new ArrayList<>();

        LocalRow(String note) {
            getStyleClass().add("flow-local");
            for (Lane l : new Lane[] {Lane.SERVER0, Lane.SERVER1}) {
                Rectangle r = new Rectangle();
                r.getStyleClass().addAll("flow-activation", Lanes.style(l));
                r.setManaged(false);
                boxes.add(r);
                getChildren().add(r);
            }
            text = label(note, "flow-what", "flow-local-text");
        }

        Label text() {
            return text;
        }

        @Override
        double layout(double width, boolean place) {
            double em = em();
            double pad = Lanes.PAD_EM * em;
            double left = lane(Lane.SERVER0, width) + pad;
            double right = lane(Lane.SERVER1, width) - pad;
            double h = height(text, right - left);
            double top = 0.6 * em;
            if (place) {
                put(text, left, right, top, HPos.CENTER);
                Lane[] lanes = {Lane.SERVER0, Lane.SERVER1};
                for (int i = 0; i < 2; i++) {
                    Rectangle r = boxes.get(i);
                    double x = lane(lanes[i], width);
                    r.setX(x - 0.35 * em);
                    r.setY(top - 0.2 * em);
                    r.setWidth(0.7 * em);
                    r.setHeight(h + 0.4 * em);
                }
            }
            return top + h + 0.8 * em;
        }
    }
}
