package io.sonic.engine.protocol;

import java.util.Locale;

/**
 * What one layer runs: its main protocol and, when the layer ends by bringing its output back to f
 * fraction bits, the truncation protocol (else null). Travels in session events as {@link #code}.
 */
public record ProtocolId(ProtocolName main, ProtocolName truncation) {
    public ProtocolId {
        if (main == null || main.isTruncation() || truncation != null && !truncation.isTruncation()) {
            throw new IllegalArgumentException("a layer's protocol is a main protocol and optionally a truncation");
        }
    }

    public static ProtocolId of(ProtocolName main) {
        return new ProtocolId(main, null);
    }

    /** Display text, e.g. "Beaver conv + exact truncation". */
    public String label() {
        return truncation == null ? main.label() : main.label() + " + " + truncation.label();
    }

    /** True when the layer runs {@code p}, as its main protocol or its truncation. */
    public boolean runs(ProtocolName p) {
        return main == p || truncation == p;
    }

    /** The wire form, e.g. {@code BEAVER_CONV+MSB_TRUNCATION}. */
    public String code() {
        return truncation == null ? main.name() : main.name() + "+" + truncation.name();
    }

    /** Reads {@link #code}; fails with a message naming the text for anything else. */
    public static ProtocolId parse(String code) {
        if (code == null) {
            throw new IllegalArgumentException("no protocol named");
        }
        try {
            String[] p = code.trim().toUpperCase(Locale.ROOT).split("\\+", -1);
            if (p.length > 2) {
                throw new IllegalArgumentException(code);
            }
            return new ProtocolId(ProtocolName.valueOf(p[0]), p.length == 2 ? ProtocolName.valueOf(p[1]) : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + code + "'");
        }
    }

    @Override
    public String toString() {
        return label();
    }
}
