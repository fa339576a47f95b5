package io.sonic.cloud.api;

/** One line of a node's log: its sequence number, when (ISO-8601, UTC) and what happened, in words. */
public record LogEntry(long seq, String at, String text) {
}
