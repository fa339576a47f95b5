package io.sonic.engine.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts everything that crosses a channel, per scope (for instance "layer 3"): bytes and
 * messages each way, rounds (each {@link #exchange} is one round) and time spent in the channel, and
 * what each round opened as the protocol names it ({@link #rounds}). {@link #snapshot} returns an
 * immutable copy. Used by one party's thread.
 */
public final class MeteredChannel implements Channel {
    private final Channel inner;
    private final Map<String, Traffic> byScope = new LinkedHashMap<>();
    private final Map<String, List<Round>> roundsByScope = new LinkedHashMap<>();
    private String scope = "setup";
    private String section;

    public MeteredChannel(Channel inner) {
        this.inner = inner;
    }

    /** Everything until the next call is counted under {@code name}. */
    public void scope(String name) {
        scope = name;
        section = null;
    }

    /** Names the part of the current layer's protocol the next rounds belong to (e.g. "max level 2 of 4"), or null. */
    public void section(String name) {
        section = name;
    }

    public String currentScope() {
        return scope;
    }

    private void add(Traffic t) {
        byScope.merge(scope, t, Traffic::plus);
    }

    @Override
    public void send(byte[] message) {
        long start = System.nanoTime();
        inner.send(message);
        add(new Traffic(message.length, 0, 1, 0, 0, System.nanoTime() - start));
    }

    @Override
    public byte[] receive() {
        long start = System.nanoTime();
        byte[] m = inner.receive();
        add(new Traffic(0, m.length, 0, 1, 0, System.nanoTime() - start));
        return m;
    }

    @Override
    public byte[] exchange(byte[] message) {
        return exchange("a message", message);
    }

    /** One round that opens {@code what} (the protocol's words for the message, never a value). */
    public byte[] exchange(String what, byte[] message) {
        byte[] r = Channel.super.exchange(message);
        add(new Traffic(0, 0, 0, 0, 1, 0));
        roundsByScope.computeIfAbsent(scope, k -> new ArrayList<>())
                .add(new Round(section == null ? what : section + ": " + what, message.length, r.length));
        return r;
    }

    /** The rounds of a scope, in order. */
    public List<Round> rounds(String name) {
        return List.copyOf(roundsByScope.getOrDefault(name, List.of()));
    }

    /** Per-scope totals so far, in the order the scopes were first used. */
    public Map<String, Traffic> snapshot() {
        return Map.copyOf(new LinkedHashMap<>(byScope));
    }

    public Traffic total() {
        return byScope.values().stream().reduce(Traffic.ZERO, Traffic::plus);
    }

    public Traffic of(String name) {
        return byScope.getOrDefault(name, Traffic.ZERO);
    }

    @Override
    public void close() {
        inner.close();
    }
}
