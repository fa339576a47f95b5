package io.sonic.cloud.server;

import io.sonic.cloud.api.Limits;

import java.time.Duration;

/**
 * Everything a server bounds, so that no caller (with or without credentials) can exhaust its
 * threads, memory or disk: connections, request bodies, the model store, sessions, step-mode pauses and
 * event streams. A "client" is one remote address; per-client limits keep one address from taking
 * what others need. An exceeded limit is answered with 4xx or 503 and a Retry-After header, never by
 * parking a thread. docs/api.md lists every limit and its answer.
 *
 * @param maxConnections       open TCP connections per node (more wait in the accept queue)
 * @param idleTimeout          a connection with no traffic is closed after this
 * @param bodyGrace            every request body may take this long, plus its length at {@code minBodyRate}
 * @param minBodyRate          bytes per second a request body must arrive at (after the grace time)
 * @param maxConcurrentUploads model uploads read and stored at once (their bodies are held in memory)
 * @param maxModels            models stored
 * @param maxModelBytes        bytes of one model's upload
 * @param maxStoreBytes        bytes of all stored shares together
 * @param shareCacheBytes      bytes of model shares held in memory for running sessions
 * @param maxSessions          sessions created or running at once
 * @param maxSessionsPerClient the same, per remote address
 * @param maxRunning           sessions computing at once (worker threads)
 * @param maxRunningPerClient  the same, per remote address
 * @param maxPaused            step-mode sessions at once (each may hold a worker while paused)
 * @param maxPausedPerClient   the same, per remote address
 * @param pauseTimeout         a step-mode session nobody continues fails after this
 * @param inputWait            a session that got no input within this is dropped
 * @param keepFinished         how long a finished session's status and output are kept
 * @param maxFinished          finished sessions kept at most (the oldest go first)
 * @param maxStreams           event streams open at once
 * @param maxStreamsPerSession the same, per session
 * @param maxStreamsPerClient  the same, per remote address
 */
public record ServerLimits(int maxConnections, Duration idleTimeout, Duration bodyGrace, long minBodyRate,
                           int maxConcurrentUploads, int maxModels, long maxModelBytes, long maxStoreBytes,
                           long shareCacheBytes, int maxSessions, int maxSessionsPerClient, int maxRunning,
                           int maxRunningPerClient, int maxPaused, int maxPausedPerClient, Duration pauseTimeout,
                           Duration inputWait, Duration keepFinished, int maxFinished, int maxStreams,
                           int maxStreamsPerSession, int maxStreamsPerClient) {

    public static final long MIB = 1024L * 1024;

    public static final ServerLimits DEFAULT = new ServerLimits(1024, Duration.ofSeconds(30), Duration.ofSeconds(20),
            64 * 1024, 2, 64, 256 * MIB, 4096 * MIB, 1024 * MIB, 1024, 64, 48, 16, 8, 4, Duration.ofMinutes(60),
            Duration.ofMinutes(2), Duration.ofMinutes(10), 4096, 256, 2, 16);

    public ServerLimits {
        if (maxConnections < 8 || maxConcurrentUploads < 1 || maxModels < 1 || maxModelBytes < 1024
                || maxStoreBytes < maxModelBytes || shareCacheBytes < 1 || maxSessions < 1
                || maxSessionsPerClient < 1 || maxRunning < 1 || maxRunningPerClient < 1 || maxPaused < 0
                || maxPausedPerClient < 0 || maxFinished < 1 || maxStreams < 1 || maxStreamsPerSession < 1
                || maxStreamsPerClient < 1 || minBodyRate < 1) {
            throw new IllegalArgumentException("server limits out of range (the store must hold at least one model)");
        }
        for (Duration d : new Duration[] {idleTimeout, bodyGrace, pauseTimeout, inputWait, keepFinished}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("server time limits must be positive");
            }
        }
    }

    /** The longest a request body of {@code length} bytes may take to arrive. */
    public Duration bodyTimeout(long length) {
        return bodyGrace.plusMillis(Math.max(0, length) * 1000 / minBodyRate);
    }

    public ServerLimits withStore(int models, long modelBytes, long storeBytes) {
        return new ServerLimits(maxConnections, idleTimeout, bodyGrace, minBodyRate, maxConcurrentUploads, models,
                modelBytes, storeBytes, shareCacheBytes, maxSessions, maxSessionsPerClient, maxRunning,
                maxRunningPerClient, maxPaused, maxPausedPerClient, pauseTimeout, inputWait, keepFinished, maxFinished,
                maxStreams, maxStreamsPerSession, maxStreamsPerClient);
    }

    public ServerLimits withSessions(int sessions, int perClient) {
        return new ServerLimits(maxConnections, idleTimeout, bodyGrace, minBodyRate, maxConcurrentUploads, maxModels,
                maxModelBytes, maxStoreBytes, shareCacheBytes, sessions, perClient, maxRunning, maxRunningPerClient,
                maxPaused, maxPausedPerClient, pauseTimeout, inputWait, keepFinished, maxFinished, maxStreams,
                maxStreamsPerSession, maxStreamsPerClient);
    }

    public ServerLimits withStepMode(int paused, int pausedPerClient, Duration timeout) {
        return new ServerLimits(maxConnections, idleTimeout, bodyGrace, minBodyRate, maxConcurrentUploads, maxModels,
                maxModelBytes, maxStoreBytes, shareCacheBytes, maxSessions, maxSessionsPerClient, maxRunning,
                maxRunningPerClient, paused, pausedPerClient, timeout, inputWait, keepFinished, maxFinished,
                maxStreams, maxStreamsPerSession, maxStreamsPerClient);
    }

    public ServerLimits withSessionTimes(Duration inputWaitTime, Duration keepFinishedTime) {
        return new ServerLimits(maxConnections, idleTimeout, bodyGrace, minBodyRate, maxConcurrentUploads, maxModels,
                maxModelBytes, maxStoreBytes, shareCacheBytes, maxSessions, maxSessionsPerClient, maxRunning,
                maxRunningPerClient, maxPaused, maxPausedPerClient, pauseTimeout, inputWaitTime, keepFinishedTime,
                maxFinished, maxStreams, maxStreamsPerSession, maxStreamsPerClient);
    }

    public ServerLimits withConnections(int connections, Duration idle, Duration grace, long rate) {
        return new ServerLimits(connections, idle, grace, rate, maxConcurrentUploads, maxModels, maxModelBytes,
                maxStoreBytes, shareCacheBytes, maxSessions, maxSessionsPerClient, maxRunning, maxRunningPerClient,
                maxPaused, maxPausedPerClient, pauseTimeout, inputWait, keepFinished, maxFinished, maxStreams,
                maxStreamsPerSession, maxStreamsPerClient);
    }

    public Limits toApi() {
        return new Limits(maxConnections, idleTimeout.toMillis(), maxModelBytes, maxModels, maxStoreBytes,
                maxSessions, maxSessionsPerClient, maxRunning, maxRunningPerClient, maxPaused, maxPausedPerClient,
                pauseTimeout.toMillis(), maxStreams, maxStreamsPerSession, maxStreamsPerClient);
    }
}
