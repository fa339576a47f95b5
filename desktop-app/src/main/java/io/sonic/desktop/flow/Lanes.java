package io.sonic.desktop.flow;

import io.sonic.desktop.flow.MessageFlow.Lane;

/**
 * Where the four lanes of the diagram stand, for a given width and font size: a gutter for the round
 * numbers on the left (in em), then the lanes at fixed fractions of the rest, with the two servers far
 * apart so that what a round opens fits between them.
 */
final class Lanes {
    /** Lane centres as fractions of the width after the gutter: user, server 0, server 1, dealer. */
    private static final double[] FRACTIONS = {0.06, 0.21, 0.79, 0.94};
    /** Gutter width in em. */
    static final double GUTTER_EM = 3.8;
    /** Gap between a lane and the text beside it, in em. */
    static final double PAD_EM = 0.6;

    private Lanes() {
    }

    static double gutter(double em) {
        return GUTTER_EM * em;
    }

    /**
     * A lane's centre: at its fraction of the width, but never so close to the edge or to its neighbour
     * that the lane names (about 5 em for "Server 0") would touch when the font is large.
     */
    static double x(Lane lane, double width, double em) {
        double g = gutter(em);
        double u = Math.max(0, width - g);
        double user = g + Math.max(FRACTIONS[0] * u, 1.8 * em);
        double dealer = width - Math.max((1 - FRACTIONS[3]) * u, 2.6 * em);
        return switch (lane) {
            case USER -> user;
            case SERVER0 -> Math.max(g + FRACTIONS[1] * u, user + 5.2 * em);
            case SERVER1 -> Math.min(g + FRACTIONS[2] * u, dealer - 5.8 * em);
            case DEALER -> dealer;
        };
    }

    /** CSS style class naming a lane's colour. */
    static String style(Lane lane) {
        return switch (lane) {
            case USER -> "flow-user";
            case SERVER0 -> "flow-s0";
            case SERVER1 -> "flow-s1";
            case DEALER -> "flow-dealer";
        };
    }
}
