package io.sonic.cloud.server;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.SharedTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One user query on one server: its state, input and output shares, per-layer traffic and events. */
final class ServerSession {
    enum State { CREATED, RUNNING, DONE, FAILED }

    final UUID id;
    final String modelId;
    final byte[] tokenHash;
    final SecureConfig config;
    final long created = System.nanoTime();
    private State state = State.CREATED;
    private SharedTensor input;
    private byte[] output;
    private String error;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<Map<String, Object>> layers = new ArrayList<>();
    private Traffic online = Traffic.ZERO;
    private long wireBytes = -1;
    private long offlineBytes;
    private long onlineNanos;
    private io.sonic.cloud.link.LinkChannel channel;

    /** Classroom step mode: the server pauses before each layer until the user lets it go on. */
    final boolean stepping;
    private final java.util.concurrent.Semaphore steps = new java.util.concurrent.Semaphore(0);
    private volatile boolean freeRunning;

    ServerSession(UUID id, String modelId, byte[] tokenHash, SecureConfig config, boolean stepping) {
        this.id = id;
        this.modelId = modelId;
        this.tokenHash = tokenHash;
        this.config = config;
        this.stepping = stepping;
    }

    /** Lets a paused session run its next layer, or (all) every remaining layer without pausing. */
    void proceed(boolean all) {
        if (all) {
            freeRunning = true;
        }
        steps.release();
    }

    /** Waits before a layer in step mode; false when nobody let it go on within the limit. */
    boolean awaitStep(java.time.Duration limit) throws InterruptedException {
        if (!stepping || freeRunning) {
            return true;
        }
        return steps.tryAcquire(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) || freeRunning;
    }

    synchronized void channel(io.sonic.cloud.link.LinkChannel c) {
        channel = c;
    }

    synchronized io.sonic.cloud.link.LinkChannel channel() {
        return channel;
    }

    synchronized State state() {
        return state;
    }

    synchronized boolean start(SharedTensor in) {
        if (state != State.CREATED) {
            return false;
        }
        input = in;
        state = State.RUNNING;
        return true;
    }

    synchronized SharedTensor input() {
        return input;
    }

    synchronized void event(Map<String, Object> e) {
        events.add(e);
        if ("layer-end".equals(e.get("type"))) {
            layers.add(e);
        }
        notifyAll();
    }

    synchronized void finish(byte[] outputShare, Traffic traffic, long wire, long offline, long nanos) {
        output = outputShare;
        online = traffic;
        wireBytes = wire;
        offlineBytes = offline;
        onlineNanos = nanos;
        input = null;
        state = State.DONE;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "done");
        e.put("bytes", traffic.bytes());
        e.put("rounds", traffic.rounds());
        e.put("wireBytesSent", wire);
        e.put("offlineBytes", offline);
        e.put("millis", nanos / 1e6);
        event(e);
    }

    synchronized void fail(String message) {
        if (state == State.DONE || state == State.FAILED) {
            return;
        }
        error = message;
        input = null;
        state = State.FAILED;
        event(Map.of("type", "failed", "error", message));
    }

    synchronized byte[] output() {
        return output;
    }

    synchronized String error() {
        return error;
    }

    /** Events from index {@code from}, waiting up to {@code millis} for one when there is none yet. */
    synchronized List<Map<String, Object>> eventsFrom(int from, long millis) throws InterruptedException {
        if (events.size() <= from && state != State.DONE && state != State.FAILED) {
            wait(millis);
        }
        return new ArrayList<>(events.subList(Math.min(from, events.size()), events.size()));
    }

    synchronized Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", id.toString());
        m.put("modelId", modelId);
        m.put("state", state.name().toLowerCase());
        m.put("linear", config.linear().cliName());
        m.put("truncation", config.truncation().name().toLowerCase());
        m.put("output", config.output().name().toLowerCase());
        m.put("step", stepping);
        if (error != null) {
            m.put("error", error);
        }
        Map<String, Object> on = new LinkedHashMap<>();
        on.put("bytes", online.bytes());
        on.put("bytesSent", online.bytesSent());
        on.put("bytesReceived", online.bytesReceived());
        on.put("rounds", online.rounds());
        on.put("messagesSent", online.messagesSent());
        on.put("messagesReceived", online.messagesReceived());
        on.put("wireBytesSent", wireBytes);
        on.put("millis", onlineNanos / 1e6);
        m.put("online", on);
        m.put("offline", Map.of("bytes", offlineBytes));
        m.put("layers", new ArrayList<>(layers));
        return m;
    }
}
