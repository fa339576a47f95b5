package io.sonic.cli;

import io.sonic.engine.InferenceResult;

import java.util.List;

/** Human-readable figures for the command line. */
final class Format {
    private Format() {
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        } else if (b < 1024 * 1024) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        return String.format("%.2f MiB", b / (1024.0 * 1024));
    }

    /** A multiplier the encoding loses, in the command line's words (the option that sets the fraction bits). */
    static String precision(io.sonic.engine.Precision.Loss loss) {
        return loss.text("--fraction-bits");
    }

    /** One "precision: …" line per layer whose multipliers the encoding at {@code fp} loses. */
    static void printPrecision(java.io.PrintWriter out, io.sonic.model.ModelGraph g, io.sonic.model.eval.FixedPoint fp) {
        for (io.sonic.engine.Precision.Loss loss : io.sonic.engine.Precision.losses(g, fp)) {
            out.println("precision: " + precision(loss));
        }
    }

    /** Wire bytes, or "-" where no socket was involved. */
    static String wire(long b) {
        return b < 0 ? "-" : String.format("%,d", b);
    }

    static String layerTable(InferenceResult r) {
        Table t = new Table(List.of("#", "layer", "op", "protocol", "online bytes", "wire bytes", "rounds",
                "offline bytes", "ms"), true, false, false, false, true, true, true, true, true);
        for (InferenceResult.LayerStat s : r.layers()) {
            t.row(s.index(), s.name(), s.op(), s.protocol(), String.format("%,d", s.online().bytes()),
                    wire(s.wireBytes()), s.online().rounds(), String.format("%,d", s.offlineBytes()),
                    String.format("%.2f", s.nanos() / 1e6));
        }
        boolean ot = r.preprocessing().messages() > 0;
        t.row("", "total", "", "", String.format("%,d", r.online().bytes()), wire(r.wireBytes()), r.online().rounds(),
                String.format("%,d", ot ? r.preprocessing().bytes() : r.offlineBytes()),
                String.format("%.2f", r.onlineNanos() / 1e6));
        return t.render() + (ot ? String.format("offline bytes: made by the two servers with oblivious transfer, both"
                + " directions, no dealer (%d rounds); the total adds the query's nonce check and, on the first query"
                + " of the servers' link, its base OTs%n", r.preprocessing().rounds()) : "");
    }
}
