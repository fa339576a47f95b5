package io.sonic.cloud.server;

import io.sonic.cloud.api.LogEntry;
import io.sonic.cloud.api.LogPage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Following a node's log: pages, the kept window, and a reader from before a restart. */
class NodeLogTest {

    private static List<String> texts(LogPage p) {
        return p.entries().stream().map(LogEntry::text).toList();
    }

    @Test
    void aReaderFollowsTheLogPageByPageAndKeepsOnlyTheLastThousand() {
        NodeLog log = new NodeLog();
        for (int i = 1; i <= 1205; i++) {
            log.add("line " + i);
        }
        LogPage first = log.after(0, 200);
        assertEquals(200, first.entries().size());
        assertEquals("line 206", first.entries().get(0).text(), "the oldest 205 are gone");
        assertEquals(405, first.next());
        LogPage last = log.after(1200, 200);
        assertEquals(List.of("line 1201", "line 1202", "line 1203", "line 1204", "line 1205"), texts(last));
        assertEquals(1205, last.next());
        LogPage none = log.after(1205, 200);
        assertEquals(List.of(), none.entries());
        assertEquals(1205, none.next());
    }

    @Test
    void anAfterFromBeforeARestartReadsTheNewLogFromItsStart() {
        NodeLog restarted = new NodeLog();
        restarted.add("link to server 1 is up");
        restarted.add("session 1234abcd started");
        // the reader had followed the node's earlier run up to entry 40
        LogPage p = restarted.after(40, 200);
        assertEquals(List.of("link to server 1 is up", "session 1234abcd started"), texts(p));
        assertEquals(2, p.next());
        assertEquals(List.of(), restarted.after(2, 200).entries());
    }
}
