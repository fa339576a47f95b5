package io.sonic.cloud.api;

import java.util.List;

/** {@code GET /v1/log?after=N}: the entries after sequence number N, and the number to ask after next. */
public record LogPage(List<LogEntry> entries, long next) {
}
