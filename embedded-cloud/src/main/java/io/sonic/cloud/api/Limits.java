package io.sonic.cloud.api;

/** The limits a server enforces, as {@code /v1/status} reports them (see docs/api.md, "Limits"). */
public record Limits(int maxConnections, long idleTimeoutMillis, long maxModelBytes, int maxModels,
                     long maxStoreBytes, int maxSessions, int maxSessionsPerClient, int maxRunning,
                     int maxRunningPerClient, int maxPaused, int maxPausedPerClient, long pauseTimeoutMillis,
                     int maxStreams, int maxStreamsPerSession, int maxStreamsPerClient) {
}
