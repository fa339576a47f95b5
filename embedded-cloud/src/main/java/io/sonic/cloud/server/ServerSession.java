package io.sonic.cloud.server;

import io.sonic.cloud.api.OnlineTraffic;
import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.api.SessionStatus;
import io.sonic.cloud.link.LinkChannel;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.ring.SharedTensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One user query on one server: its state, input and output shares, events and totals, and the
 * step-mode gate its worker waits at. Every transition to an end state (done, failed, cancelled) wakes
 * a worker waiting at the gate and the event streams following the session. Thread-safe.
 */
final class ServerSession {
    enum State {
        CREATED, RUNNING, DONE, FAILED, CANCELLED;

        String api() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Raised in the worker when the session was ended from outside (cancelled, failed, server stopping). */
    static final class EndedException extends RuntimeException {
        EndedException(String message) {
            super(message);
        }
    }

    final UUID id;
    final String modelId;
    final byte[] tokenHash;
    final SecureConfig config;
    /** Classroom step mode: the server pauses before each layer until the user lets it go on. */
    final boolean stepping;
    /** The remote address that opened the session (for per-client limits). */
    final String client;
    /** How many queries run together (every round carries all of them). */
    final int batch;
    final long created = System.nanoTime();

    private State state = State.CREATED;
    private long endedAt;
    private List<SharedTensor> input;
    private byte[] output;
    private String error;
    private final List<SessionEvent> events = new ArrayList<>();
    private final List<SessionEvent> layers = new ArrayList<>();
    private OnlineTraffic online = OnlineTraffic.NONE;
    private long offlineBytes;
    private OnlineTraffic preprocessing;
    private LinkChannel channel;
    private int steps;
    private boolean freeRunning;
    private boolean pausedNow;
    private long pausedNanos;
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    ServerSession(UUID id, String modelId, byte[] tokenHash, SecureConfig config, boolean stepping, String client,
                  int batch) {
        this.id = id;
        this.batch = batch;
        this.modelId = modelId;
        this.tokenHash = tokenHash;
        this.config = config;
        this.stepping = stepping;
        this.client = client;
    }

    synchronized State state() {
        return state;
    }

    /** Created or running: it still counts against the open-session limits. */
    synchronized boolean open() {
        return state == State.CREATED || state == State.RUNNING;
    }

    synchronized boolean running() {
        return state == State.RUNNING;
    }

    /** Whether its worker waits at the step gate right now. */
    synchronized boolean pausedNow() {
        return pausedNow;
    }

    /** System.nanoTime() when it ended, 0 while open. */
    synchronized long endedAt() {
        return endedAt;
    }

    /** The input shares of the batch's queries, in order. */
    synchronized boolean start(List<SharedTensor> in) {
        if (state != State.CREATED) {
            return false;
        }
        input = in;
        state = State.RUNNING;
        return true;
    }

    synchronized List<SharedTensor> input() {
        return input;
    }

    synchronized void channel(LinkChannel c) {
        channel = c;
    }

    // ------------------------------------------------------------------ step mode

    /** Lets a paused session run its next layer, or (all) every remaining layer without pausing. */
    synchronized void proceed(boolean all) {
        if (all) {
            freeRunning = true;
        } else {
            steps++;
        }
        notifyAll();
    }

    /**
     * In step mode, waits before a layer until the user lets it go on. Returns at once otherwise.
     *
     * @throws EndedException when the session ends while waiting (it was cancelled or failed)
     * @throws ApiException   408 when nobody let it go on within {@code timeout}
     */
    synchronized void awaitStep(Duration timeout) {
        if (!stepping || freeRunning) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        pausedNow = true;
        try {
            while (steps == 0 && !freeRunning && open()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ApiException(408, "step mode: nobody continued the session for "
                            + timeout.toMinutes() + " minutes");
                }
                wait(Math.max(1, left / 1_000_000));
            }
            if (!open()) {
                throw new EndedException(error == null ? "the session ended" : error);
            }
            if (!freeRunning) {
                steps--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EndedException("interrupted");
        } finally {
            pausedNow = false;
            pausedNanos += System.nanoTime() - start;
        }
    }

    /** Nanoseconds the worker spent paused at the step gate. */
    synchronized long pausedNanos() {
        return pausedNanos;
    }

    // ------------------------------------------------------------------ events and ends

    void event(SessionEvent e) {
        synchronized (this) {
            events.add(e);
            if (SessionEvent.LAYER_END.equals(e.type())) {
                layers.add(e);
            }
        }
        wakeWatchers();
    }

    private void wakeWatchers() {
        for (Runnable w : watchers) {
            w.run();
        }
    }

    /** Calls {@code watcher} (on whatever thread adds it) after each new event; it pulls with {@link #eventsFrom}. */
    void watch(Runnable watcher) {
        watchers.add(watcher);
    }

    void unwatch(Runnable watcher) {
        watchers.remove(watcher);
    }

    /** The events from index {@code from} on (a copy). */
    synchronized List<SessionEvent> eventsFrom(int from) {
        return new ArrayList<>(events.subList(Math.min(from, events.size()), events.size()));
    }

    void finish(byte[] outputShare, OnlineTraffic traffic, long offline, OnlineTraffic betweenServers) {
        synchronized (this) {
            if (!open()) {
                return;
            }
            output = outputShare;
            online = traffic;
            offlineBytes = offline;
            preprocessing = betweenServers;
            end(State.DONE);
            events.add(new SessionEvent(SessionEvent.DONE, null, null, null, null, null, null, traffic.bytes(), null, null,
                    traffic.rounds(), null, null, traffic.wireBytesSent(), offline, traffic.millis(),
                    traffic.pausedMillis(), null, null));
        }
        wakeWatchers();
    }

    /** Ends the session as failed (a protocol, peer or dealer error); false if it had ended already. */
    boolean fail(String message) {
        return terminate(State.FAILED, message);
    }

    /**
     * Ends the session as cancelled (its user deleted it, or the server stops): a worker waiting at the
     * step gate wakes, one waiting for the peer is released through its channel.
     */
    boolean cancel(String message) {
        return terminate(State.CANCELLED, message);
    }

    private boolean terminate(State to, String message) {
        LinkChannel running;
        synchronized (this) {
            if (!open()) {
                return false;
            }
            error = message;
            running = channel;
            end(to);
            events.add(SessionEvent.ended(to == State.FAILED ? SessionEvent.FAILED : SessionEvent.CANCELLED, message));
            notifyAll();
        }
        if (running != null && to == State.CANCELLED) {
            running.cancel(message);
        }
        wakeWatchers();
        return true;
    }

    private void end(State to) {
        state = to;
        input = null;
        endedAt = System.nanoTime();
        notifyAll();
    }

    synchronized byte[] output() {
        return output;
    }

    synchronized String error() {
        return error;
    }

    synchronized SessionStatus status() {
        return new SessionStatus(id.toString(), modelId, state.api(), config.suite().cliName(), config.linear().cliName(),
                config.truncation().cliName(), config.output().cliName(), config.link().text(),
                config.preprocessing().cliName(), stepping, batch, error, online,
                new SessionStatus.Offline(offlineBytes, preprocessing), new ArrayList<>(layers));
    }
}
