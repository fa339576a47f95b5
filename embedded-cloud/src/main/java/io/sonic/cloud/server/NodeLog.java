package io.sonic.cloud.server;

import io.sonic.cloud.api.LogEntry;
import io.sonic.cloud.api.LogPage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a node did, in words, for operators and the desktop app: sessions started, finished, failed,
 * cancelled or dropped, the link to the peer up, unresponsive or down, the dealer reachable or not,
 * models stored and deleted. Never a value; session ids are cut to their first 8 hex digits. The last
 * {@value #KEEP} entries are kept.
 */
public final class NodeLog {
    static final int KEEP = 1000;

    private final Deque<LogEntry> entries = new ArrayDeque<>();
    private long seq;

    public synchronized void add(String text) {
        seq++;
        entries.addLast(new LogEntry(seq, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), text));
        while (entries.size() > KEEP) {
            entries.removeFirst();
        }
    }

    /**
     * At most {@code max} entries after {@code after}, oldest first. An {@code after} beyond the newest entry
     * was handed out by an earlier run of this node (the log starts again at 1 when the node restarts), so the
     * answer then starts from the oldest entry kept: a reader following the log misses nothing.
     */
    public synchronized LogPage after(long after, int max) {
        if (after > seq) {
            after = 0;
        }
        List<LogEntry> l = new ArrayList<>();
        for (LogEntry e : entries) {
            if (e.seq() > after && l.size() < max) {
                l.add(e);
            }
        }
        return new LogPage(l, l.isEmpty() ? seq : l.get(l.size() - 1).seq());
    }

    /** The short form of a session id used in log lines. */
    static String shortId(java.util.UUID id) {
        return shortId(id.toString());
    }

    /** The first 8 characters of an id written as text (a mask generation, say). */
    static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
