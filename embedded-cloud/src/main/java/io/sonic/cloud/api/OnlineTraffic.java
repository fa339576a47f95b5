package io.sonic.cloud.api;

/**
 * A session's online traffic as one server counts it: payload bytes each way, messages, rounds,
 * what it wrote to the link's TLS socket (-1 if unknown), the online time without step-mode pauses
 * and the time spent paused.
 */
public record OnlineTraffic(long bytes, long bytesSent, long bytesReceived, long rounds, long messagesSent,
                            long messagesReceived, long wireBytesSent, double millis, double pausedMillis) {
    public static final OnlineTraffic NONE = new OnlineTraffic(0, 0, 0, 0, 0, 0, -1, 0, 0);
}
