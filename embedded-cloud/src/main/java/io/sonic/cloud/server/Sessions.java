package io.sonic.cloud.server;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.ring.SharedTensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A server's sessions, apart from HTTP: creation within the open-session and step-mode limits (in all
 * and per client address), the worker pool that runs them, the event-stream slots, and the janitor that
 * drops sessions whose input never came and finished sessions past their retention. Lookups answer an
 * unknown session and a wrong token alike (404), so that session ids cannot be probed.
 */
final class Sessions implements AutoCloseable {
    private final int party;
    private final ServerLimits limits;
    private final Consumer<ServerSession> runner;
    private final Consumer<String> log;
    private final Map<UUID, ServerSession> sessions = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final Map<String, Integer> streamsPerClient = new ConcurrentHashMap<>();
    private final Map<UUID, Integer> streamsPerSession = new ConcurrentHashMap<>();
    private int streams;

    Sessions(int party, ServerLimits limits, Consumer<ServerSession> runner, Consumer<String> log) {
        this.party = party;
        this.limits = limits;
        this.runner = runner;
        this.log = log;
        this.workers = new ThreadPoolExecutor(0, limits.maxRunning(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "sonic-session-" + party);
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Opens a session, or refuses it when a limit is reached (503 with Retry-After) or the id is taken (409). */
    synchronized ServerSession create(UUID id, String modelId, byte[] tokenHash, SecureConfig cfg, boolean step,
                                      String client, int batch) {
        if (sessions.containsKey(id)) {
            throw new ApiException(409, "session " + id + " exists already");
        }
        int open = 0;
        int openOfClient = 0;
        int paused = 0;
        int pausedOfClient = 0;
        int queries = 0;
        for (ServerSession s : sessions.values()) {
            if (s.open()) {
                open++;
                queries += s.batch;
                boolean same = s.client.equals(client);
                openOfClient += same ? 1 : 0;
                if (s.stepping) {
                    paused++;
                    pausedOfClient += same ? 1 : 0;
                }
            }
        }
        if (openOfClient >= limits.maxSessionsPerClient()) {
            throw ApiException.busy("your address holds " + openOfClient + " open sessions on server " + party
                    + ", the limit per client; finish or delete some first", 5);
        }
        if (open >= limits.maxSessions()) {
            throw ApiException.busy("server " + party + " holds " + open + " open sessions, its limit; retry later", 5);
        }
        if (step && pausedOfClient >= limits.maxPausedPerClient()) {
            throw ApiException.busy("your address runs " + pausedOfClient + " step-mode sessions on server " + party
                    + ", the limit per client; finish one first", 10);
        }
        if (step && paused >= limits.maxPaused()) {
            throw ApiException.busy("server " + party + " runs " + paused + " step-mode sessions, its limit; finish"
                    + " one (or run without step mode) and retry", 10);
        }
        if (queries + batch > MAX_OPEN_QUERIES) {
            throw ApiException.busy("server " + party + " holds " + queries + " queries in open sessions; a batch of "
                    + batch + " would pass its limit of " + MAX_OPEN_QUERIES + "; retry later or send a smaller batch",
                    5);
        }
        ServerSession s = new ServerSession(id, modelId, tokenHash, cfg, step, client, batch);
        sessions.put(id, s);
        return s;
    }

    /**
     * The peer ended session {@code id}: it fails here too, with the peer's reason, wherever its worker waits (a
     * receive fails by itself; a step-mode pause only wakes this way, and would otherwise hold its worker and step
     * slot until the pause timeout). An id that is no session here (a set-up channel's) is ignored.
     */
    void peerEnded(UUID id, String reason) {
        ServerSession s = sessions.get(id);
        // worded as the session's worker words a failed receive
        String why = "server " + party + ": " + reason;
        if (s != null && s.fail(why)) {
            log.accept("session " + NodeLog.shortId(id) + " failed: " + why);
        }
    }

    /** The session with this id and token; 404 alike for an unknown id and a wrong token. */
    ServerSession find(UUID id, String token) {
        ServerSession s = sessions.get(id);
        if (s == null || !Tokens.matches(token, s.tokenHash)) {
            throw new ApiException(404, "no session " + id + " with this token on server " + party);
        }
        return s;
    }

    /** Gives the session its input and a worker; 409 if it has one, 503 when the workers are all busy. */
    /** The most queries (all batches together) that open sessions may hold: each runs on a thread of its own. */
    static final int MAX_OPEN_QUERIES = 1024;

    void start(ServerSession s, List<SharedTensor> input) {
        synchronized (this) {
            int ofClient = 0;
            for (ServerSession o : sessions.values()) {
                ofClient += o.running() && o.client.equals(s.client) ? 1 : 0;
            }
            if (ofClient >= limits.maxRunningPerClient()) {
                throw ApiException.busy("your address runs " + ofClient + " sessions on server " + party
                        + ", the limit per client; retry when one has finished", 2);
            }
            if (!s.start(input)) {
                throw new ApiException(409, "session " + s.id + " already has its input");
            }
        }
        log.accept("session " + NodeLog.shortId(s.id) + " started (model '" + s.modelId + "', " + s.config.summary()
                + (s.stepping ? ", step mode" : "") + ", from " + s.client + ")");
        try {
            workers.execute(() -> runner.accept(s));
        } catch (RejectedExecutionException e) {
            s.fail("server " + party + " is busy: all " + limits.maxRunning() + " session workers are running");
            throw ApiException.busy("server " + party + " is busy: all " + limits.maxRunning() + " session workers"
                    + " are running; retry later", 2);
        }
    }

    /** Cancels (if still open) and forgets a session: a worker paused or waiting for the peer is freed at once. */
    void delete(ServerSession s, String reason) {
        if (s.cancel(reason)) {
            log.accept("session " + NodeLog.shortId(s.id) + " cancelled: " + reason);
        }
        sessions.remove(s.id);
    }

    // ------------------------------------------------------------------ event streams

    /** Takes an event-stream slot for the session; 503 when a limit is reached. */
    synchronized void openStream(ServerSession s, String client) {
        if (streams >= limits.maxStreams()) {
            throw ApiException.busy("server " + party + " has " + streams + " event streams open, its limit;"
                    + " retry later", 5);
        }
        if (streamsPerSession.getOrDefault(s.id, 0) >= limits.maxStreamsPerSession()) {
            throw ApiException.busy("session " + s.id + " already has " + limits.maxStreamsPerSession()
                    + " event streams open, the limit per session", 5);
        }
        if (streamsPerClient.getOrDefault(client, 0) >= limits.maxStreamsPerClient()) {
            throw ApiException.busy("your address has " + limits.maxStreamsPerClient() + " event streams open on"
                    + " server " + party + ", the limit per client", 5);
        }
        streams++;
        streamsPerSession.merge(s.id, 1, Integer::sum);
        streamsPerClient.merge(client, 1, Integer::sum);
    }

    synchronized void closeStream(ServerSession s, String client) {
        streams--;
        streamsPerSession.computeIfPresent(s.id, (k, v) -> v > 1 ? v - 1 : null);
        streamsPerClient.computeIfPresent(client, (k, v) -> v > 1 ? v - 1 : null);
    }

    synchronized int openStreams() {
        return streams;
    }

    // ------------------------------------------------------------------ upkeep and figures

    /** Drops sessions whose input never came, and finished sessions past their retention or over the count. */
    void expire() {
        long now = System.nanoTime();
        long inputLimit = now - limits.inputWait().toNanos();
        long keepLimit = now - limits.keepFinished().toNanos();
        List<ServerSession> ended = new ArrayList<>();
        for (ServerSession s : sessions.values()) {
            if (s.state() == ServerSession.State.CREATED && s.created < inputLimit
                    && s.fail("no input arrived within " + limits.inputWait().toSeconds() + " s")) {
                log.accept("session " + NodeLog.shortId(s.id) + " dropped: no input arrived within "
                        + limits.inputWait().toSeconds() + " s");
            }
            if (!s.open()) {
                if (s.endedAt() < keepLimit) {
                    sessions.remove(s.id);
                } else {
                    ended.add(s);
                }
            }
        }
        if (ended.size() > limits.maxFinished()) {
            ended.sort(Comparator.comparingLong(ServerSession::endedAt));
            for (ServerSession s : ended.subList(0, ended.size() - limits.maxFinished())) {
                sessions.remove(s.id);
            }
        }
    }

    long running() {
        return sessions.values().stream().filter(ServerSession::running).count();
    }

    long paused() {
        return sessions.values().stream().filter(ServerSession::pausedNow).count();
    }

    int size() {
        return sessions.size();
    }

    /** Worker threads alive now (for tests: none may stay parked after a session ends). */
    int activeWorkers() {
        return ((ThreadPoolExecutor) workers).getActiveCount();
    }

    @Override
    public void close() {
        for (ServerSession s : sessions.values()) {
            s.cancel("server " + party + " is shutting down");
        }
        workers.shutdownNow();
    }
}
