package io.sonic.cloud.server;

import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.api.SessionEvent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One server-sent event stream of a session, written asynchronously: no thread is held while the
 * session runs. Every event of the session so far, then each new one as it happens, a comment line as
 * keep-alive every few seconds (so a dead client is noticed), and the end of the response after the
 * session's last event or after {@code maxDuration}. At most one write is outstanding at a time.
 */
final class EventStream {
    /** Often enough that a client gone is noticed (and its stream slot freed) within a few seconds. */
    private static final long KEEP_ALIVE_MILLIS = 2_000;
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OPENED = ": stream open\n\n".getBytes(StandardCharsets.UTF_8);

    private final ServerSession session;
    private final Response response;
    private final Callback callback;
    private final Scheduler scheduler;
    private final Runnable onClose;
    private final AtomicBoolean released = new AtomicBoolean();
    private final long until;
    private final Runnable watcher = this::pump;
    private int next;
    private boolean writing;
    private boolean ending;
    private boolean closed;
    private long lastWrite = System.nanoTime();
    private Scheduler.Task keepAlive;

    EventStream(ServerSession session, Response response, Callback callback, Scheduler scheduler, Duration maxDuration,
                Runnable onClose) {
        this.session = session;
        this.response = response;
        this.callback = callback;
        this.scheduler = scheduler;
        this.onClose = onClose;
        this.until = System.nanoTime() + maxDuration.toNanos();
    }

    void start() {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        session.watch(watcher);
        scheduleKeepAlive();
        synchronized (this) {
            writing = true;
        }
        // commit the answer at once, so that the client knows its stream is open before any event
        write(false, OPENED);
    }

    private void scheduleKeepAlive() {
        keepAlive = scheduler.schedule(this::tick, KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        boolean send;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (System.nanoTime() > until) {
                ending = true;
            }
            send = !writing && !ending && System.nanoTime() - lastWrite >= KEEP_ALIVE_MILLIS * 900_000;
            if (send) {
                writing = true;
            }
        }
        if (send) {
            write(false, KEEP_ALIVE);
        } else {
            pump();
        }
        synchronized (this) {
            if (!closed) {
                scheduleKeepAlive();
            }
        }
    }

    /** Writes whatever events are new, or ends the response; called after each event and each write. */
    private void pump() {
        byte[] chunk;
        boolean last;
        synchronized (this) {
            if (writing || closed) {
                return;
            }
            if (ending) {
                writing = true;
                closed = true;
                chunk = null;
                last = true;
            } else {
                List<SessionEvent> batch = session.eventsFrom(next);
                if (batch.isEmpty()) {
                    return;
                }
                next += batch.size();
                StringBuilder b = new StringBuilder();
                for (SessionEvent e : batch) {
                    b.append("event: ").append(e.type()).append('\n').append("data: ")
                            .append(ApiJson.writeString(e)).append("\n\n");
                    ending |= e.terminal();
                }
                chunk = b.toString().getBytes(StandardCharsets.UTF_8);
                last = false;
                writing = true;
            }
        }
        if (last) {
            finish(null);
        } else {
            write(false, chunk);
        }
    }

    private void write(boolean last, byte[] bytes) {
        response.write(last, ByteBuffer.wrap(bytes), Callback.from(() -> {
            synchronized (this) {
                writing = false;
                lastWrite = System.nanoTime();
            }
            pump();
        }, this::finish));
    }

    /** Ends the response (failure null: normally) and gives the slot back, once. */
    private void finish(Throwable failure) {
        synchronized (this) {
            closed = true;
            if (keepAlive != null) {
                keepAlive.cancel();
            }
        }
        session.unwatch(watcher);
        if (!released.compareAndSet(false, true)) {
            return;
        }
        onClose.run();
        if (failure == null) {
            response.write(true, null, callback);
        } else {
            callback.failed(failure);
        }
    }
}
