package io.sonic.engine.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The meter: a decorator that forwards every call to the channel below and counts what crosses it, per
 * scope (for instance "layer 3"): bytes and messages each way, rounds (each {@link #exchange} is one) and
 * what each round opened as the protocol names it. A scope is opened with {@link #scope} in a
 * try-with-resources block; it tells the traffic of its own span and gives the enclosing scope back when
 * closed. Used by one party's thread.
 */
public final class MeteredChannel extends ForwardingChannel {
    private final Map<String, Traffic> byScope = new LinkedHashMap<>();
    private final Map<String, List<Round>> roundsByScope = new LinkedHashMap<>();
    private String scope = "setup";
    private String section;

    public MeteredChannel(Channel inner) {
        super(inner);
    }

    /**
     * Everything until the returned scope is closed is counted under {@code name} (a name used again adds
     * to its totals; {@link Scope#traffic} is this span's share).
     */
    public Scope scope(String name) {
        Scope s = new Scope(scope, name, of(name), roundsByScope.getOrDefault(name, List.of()).size());
        scope = name;
        section = null;
        return s;
    }

    /** One span of counting under a name. */
    public final class Scope implements AutoCloseable {
        private final String outer;
        private final String name;
        private final Traffic start;
        private final int firstRound;
        private boolean closed;

        private Scope(String outer, String name, Traffic start, int firstRound) {
            this.outer = outer;
            this.name = name;
            this.start = start;
            this.firstRound = firstRound;
        }

        /** What crossed the channel since this scope opened (up to its close). */
        public Traffic traffic() {
            return of(name).minus(start);
        }

        /** The rounds since this scope opened, in order. */
        public List<Round> rounds() {
            List<Round> all = roundsByScope.getOrDefault(name, List.of());
            return List.copyOf(all.subList(firstRound, all.size()));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                scope = outer;
                section = null;
            }
        }
    }

    @Override
    public void section(String name) {
        section = name;
        inner.section(name);
    }

    private void add(Traffic t) {
        byScope.merge(scope, t, Traffic::plus);
    }

    @Override
    public void send(byte[] message) {
        int n = message.length;
        inner.send(message);
        add(new Traffic(n, 0, 1, 0, 0));
    }

    @Override
    public byte[] receive() {
        byte[] m = inner.receive();
        add(new Traffic(0, m.length, 0, 1, 0));
        return m;
    }

    /** One round that opens {@code what} (the protocol's words for the message, never a value). */
    @Override
    public byte[] exchange(String what, byte[] message) {
        int n = message.length;
        byte[] r = inner.exchange(what, message);
        add(new Traffic(n, r.length, 1, 1, 1));
        roundsByScope.computeIfAbsent(scope, k -> new ArrayList<>())
                .add(new Round(section == null ? what : section + ": " + what, n, r.length));
        return r;
    }

    public Traffic total() {
        return byScope.values().stream().reduce(Traffic.ZERO, Traffic::plus);
    }

    public Traffic of(String name) {
        return byScope.getOrDefault(name, Traffic.ZERO);
    }
}
