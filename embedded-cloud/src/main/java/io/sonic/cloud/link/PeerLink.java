package io.sonic.cloud.link;

import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.ChannelTimeoutException;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one persistent server-to-server link: a WebSocket over mutual TLS on which any number of
 * sessions are multiplexed. A frame is [type (1 byte)][session id (16 bytes)][payload]: type 0 carries
 * protocol data, type 1 aborts the session on the other side (payload: a reason without values), type 2
 * is a heartbeat (zero session id, no payload) that each side sends when it has sent nothing else for
 * {@value #HEARTBEAT_MILLIS} ms, so that a peer that stops answering (a frozen process, a dead route)
 * shows as unresponsive within a few seconds although its TCP connection stays open; type 3 tells the other
 * side that this side closed the session (its pending receive, if any, fails at once instead of timing out);
 * type 4 is a control message of the servers themselves (zero session id), handed to the
 * {@linkplain #onControl control listener}, such as server 0's announcement of correlated randomness to fetch
 * ahead of a query.
 * When the link drops, every session waiting on it fails at once with a clear message.
 */
public final class PeerLink {
    static final byte DATA = 0;
    static final byte ABORT = 1;
    static final byte HEARTBEAT = 2;
    static final byte CLOSE = 3;
    static final byte CONTROL = 4;
    private static final UUID NO_SESSION = new UUID(0, 0);
    static final int HEADER = 17;
    /** A side sends a heartbeat when it has sent nothing for this long. */
    public static final long HEARTBEAT_MILLIS = 1000;
    /** The link counts as unresponsive when nothing arrived for this long. */
    public static final long UNRESPONSIVE_MILLIS = 3000;
    private static final byte[] LINK_LOST = new byte[0];

    private final String peerName;
    private final Map<UUID, Inbox> inboxes = new ConcurrentHashMap<>();
    private volatile Session session;
    private volatile SslConnection tls;
    private volatile String lastError = "not connected yet";
    private volatile long lastHeard = System.nanoTime();
    /** The TLS connection's bytes read when {@link #silentMillis} last looked. */
    private volatile long lastBytesIn = -1;
    private volatile long lastSent = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean heartbeatPending = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ScheduledExecutorService heartbeats;
    private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();
    private volatile java.util.function.Consumer<byte[]> control = m -> { };
    private volatile java.util.function.BiConsumer<UUID, String> aborted = (id, reason) -> { };

    /** Messages of one session, and why it ended if it did. */
    static final class Inbox {
        final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        volatile String abortReason;
        volatile boolean claimed;
        final long created = System.nanoTime();
    }

    public PeerLink(String peerName) {
        this.peerName = peerName;
        this.heartbeats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sonic-link-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_MILLIS / 4, HEARTBEAT_MILLIS / 4,
                TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        Session s = session;
        if (s == null || !s.isOpen() || System.nanoTime() - lastSent < HEARTBEAT_MILLIS * 1_000_000
                || !heartbeatPending.compareAndSet(false, true)) {
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(HEADER);
        frame.put(HEARTBEAT).putLong(0).putLong(0).flip();
        try {
            synchronized (this) {
                s.sendBinary(frame, Callback.from(() -> heartbeatPending.set(false), x -> heartbeatPending.set(false)));
            }
            lastSent = System.nanoTime();
        } catch (RuntimeException e) {
            heartbeatPending.set(false);
        }
    }

    /**
     * {@code connected}, {@code unresponsive} (open, but nothing arrived for {@value #UNRESPONSIVE_MILLIS} ms)
     * or {@code disconnected}.
     */
    public String state() {
        if (!connected()) {
            return "disconnected";
        }
        return silentMillis() > UNRESPONSIVE_MILLIS ? "unresponsive" : "connected";
    }

    /**
     * Milliseconds since anything arrived on the link, -1 while it is down. Bytes of a message still arriving
     * count (a message of hundreds of MB, such as the servers' oblivious transfers, takes seconds, and the
     * peer's heartbeats wait behind it), so only a peer that sends nothing at all goes silent.
     */
    public long silentMillis() {
        if (!connected()) {
            return -1;
        }
        SslConnection c = tls;
        if (c != null) {
            long in = c.getBytesIn();
            if (in != lastBytesIn) {
                lastBytesIn = in;
                lastHeard = System.nanoTime();
            }
        }
        return (System.nanoTime() - lastHeard) / 1_000_000;
    }

    /**
     * Which connection of the link is up: a number that changes whenever a connection opens or drops, so that
     * what the two servers agreed on over one connection (such as correlated randomness fetched ahead) can
     * be told apart from what they agreed on before a restart of either.
     */
    public long epoch() {
        return epoch.get();
    }

    /**
     * Who receives the peer's control messages; it runs on the link's own thread and must hand any work
     * that waits to a thread of its own.
     */
    public void onControl(java.util.function.Consumer<byte[]> listener) {
        control = listener;
    }

    /**
     * Who hears that the peer ended a session (its abort frame): the session id and the reason as the session's
     * receives report it ("server Q ended the session: …"). It runs on the link's own thread and must not wait.
     * A session's worker that waits elsewhere than in a receive (a step-mode pause) learns of it only this way.
     */
    public void onAbort(java.util.function.BiConsumer<UUID, String> listener) {
        aborted = listener;
    }

    /** Sends a control message to the peer (waits at most {@code timeout} for it to be written). */
    public void sendControl(byte[] message, Duration timeout) {
        send(NO_SESSION, CONTROL, message, timeout);
    }

    public String peerName() {
        return peerName;
    }

    public boolean connected() {
        Session s = session;
        return s != null && s.isOpen();
    }

    /** Why the link is down, for status pages. */
    public String lastError() {
        return lastError;
    }

    /** The WebSocket endpoint object for Jetty (server accept or client connect). */
    public Session.Listener.AutoDemanding endpoint(SslConnection tlsConnection) {
        return new Endpoint(tlsConnection);
    }

    /** Bytes written to and read from the TCP socket of the link (TLS records included), or -1 if unknown. */
    public long wireBytes() {
        SslConnection c = tls;
        return c == null ? -1 : c.getBytesIn() + c.getBytesOut();
    }

    /** Records the dialing side's TLS connection (for wire byte counts). */
    public void useTls(SslConnection connection) {
        tls = connection;
    }

    /** Records why the last attempt to connect failed. */
    public void failedToConnect(String why) {
        lastError = "cannot reach " + peerName + ": " + why;
    }

    /**
     * Bytes this side has written to the link's socket (TLS records included), or -1 if unknown. Writes
     * complete before a send returns, so the difference over a layer is exactly what this server sent
     * in it; reads may run ahead into the next layer, so they are not attributed per layer.
     */
    public long wireBytesOut() {
        SslConnection c = tls;
        return c == null ? -1 : c.getBytesOut();
    }

    /** A channel for one session on this link. */
    public LinkChannel open(UUID sessionId, Duration timeout) {
        inboxes.computeIfAbsent(sessionId, k -> new Inbox()).claimed = true;
        return new LinkChannel(this, sessionId, timeout);
    }

    /** Forgets a session this side closed and tells the peer, without waiting (it may be gone). */
    void release(UUID sessionId) {
        inboxes.remove(sessionId);
        Session s = session;
        if (s == null || !s.isOpen()) {
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(HEADER);
        frame.put(CLOSE).putLong(sessionId.getMostSignificantBits()).putLong(sessionId.getLeastSignificantBits()).flip();
        try {
            synchronized (this) {
                s.sendBinary(frame, Callback.NOOP);
            }
            lastSent = System.nanoTime();
        } catch (RuntimeException ignored) {
            // the link is going down; the peer's waits end with it
        }
    }

    /** Drops buffered frames of sessions nobody opened within {@code maxAge}. */
    public void expireUnclaimed(Duration maxAge) {
        long limit = System.nanoTime() - maxAge.toNanos();
        inboxes.entrySet().removeIf(e -> !e.getValue().claimed && e.getValue().created < limit);
    }

    void send(UUID sessionId, byte type, byte[] payload, Duration timeout) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            throw new ChannelException("the link to " + peerName + " is down (" + lastError + ")");
        }
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length);
        frame.put(type).putLong(sessionId.getMostSignificantBits()).putLong(sessionId.getLeastSignificantBits())
                .put(payload).flip();
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            s.sendBinary(frame, Callback.from(() -> done.complete(null), done::completeExceptionally));
        }
        lastSent = System.nanoTime();
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ChannelException("sending to " + peerName + " did not complete within " + timeout.toSeconds()
                    + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while sending to " + peerName);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ChannelException("the link to " + peerName + " failed while sending: "
                    + e.getCause().getClass().getSimpleName());
        }
    }

    byte[] receive(UUID sessionId, Duration timeout) {
        Inbox in = inboxes.computeIfAbsent(sessionId, k -> new Inbox());
        byte[] m;
        try {
            m = in.queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelException("interrupted while waiting for " + peerName);
        }
        if (m == null) {
            throw new ChannelTimeoutException(peerName + " did not answer within " + timeout.toSeconds() + " s");
        }
        if (m == LINK_LOST) {
            in.queue.add(LINK_LOST);
            throw new ChannelException(in.abortReason != null ? in.abortReason
                    : "the link to " + peerName + " was lost (" + lastError + ")");
        }
        return m;
    }

    /** Ends a session on this side too: its pending and later receives fail with the reason. */
    void cancelLocally(UUID sessionId, String reason) {
        Inbox in = inboxes.get(sessionId);
        if (in != null) {
            in.abortReason = reason;
            in.queue.add(LINK_LOST);
        }
    }

    /**
     * Tells the peer that this side gave up on the session (the reason must carry no values): its pending and later
     * receives on that session fail with the reason. Waits at most {@code timeout} for the note to be written;
     * a link that is down is left as it is (the peer's waits end with it).
     */
    public void abort(UUID sessionId, String reason, Duration timeout) {
        try {
            send(sessionId, ABORT, reason.getBytes(StandardCharsets.UTF_8), timeout);
        } catch (ChannelException ignored) {
            // the peer is unreachable anyway
        }
    }

    private void onFrame(ByteBuffer buf) {
        int length = buf.remaining();
        if (length < HEADER) {
            return;
        }
        lastHeard = System.nanoTime();
        byte type = buf.get();
        if (type == HEARTBEAT) {
            return;
        }
        UUID id = new UUID(buf.getLong(), buf.getLong());
        if (type == CONTROL) {
            byte[] message = new byte[buf.remaining()];
            buf.get(message);
            try {
                control.accept(message);
            } catch (RuntimeException ignored) {
                // a malformed control message is the listener's to report; the link stays up
            }
            return;
        }
        if (type == CLOSE) {
            // only a session still open here has a receive to wake; a late close must not create an inbox
            Inbox open = inboxes.get(id);
            if (open != null) {
                if (open.abortReason == null) {
                    // an abort just before the close keeps its reason
                    open.abortReason = peerName + " closed the session";
                }
                open.queue.add(LINK_LOST);
            }
            return;
        }
        byte[] payload = new byte[buf.remaining()];
        buf.get(payload);
        Inbox in = inboxes.computeIfAbsent(id, k -> new Inbox());
        if (type == ABORT) {
            in.abortReason = peerName + " ended the session: " + new String(payload, StandardCharsets.UTF_8);
            in.queue.add(LINK_LOST);
            try {
                aborted.accept(id, in.abortReason);
            } catch (RuntimeException ignored) {
                // the listener's to report; the link stays up
            }
        } else if (type == DATA) {
            in.queue.add(payload);
        }
    }

    /** Why a connection of the link failed, in words; a TLS refusal points at the cluster secret. */
    public static String describe(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof javax.net.ssl.SSLHandshakeException)) {
            t = t.getCause();
        }
        if (t instanceof javax.net.ssl.SSLHandshakeException || String.valueOf(t.getMessage()).contains("certificate")) {
            return "TLS handshake failed (are all nodes started with the same cluster secret?)";
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private void lost(String why) {
        lastError = why;
        session = null;
        epoch.incrementAndGet();
        for (Inbox in : inboxes.values()) {
            in.queue.add(LINK_LOST);
        }
    }

    /** Closes the link (the peer sees it drop) and stops its heartbeat. */
    public void close() {
        heartbeats.shutdownNow();
        Session s = session;
        if (s != null) {
            s.close();
        }
        lost("closed");
    }

    /** The WebSocket endpoint (public, as Jetty requires of listener classes). */
    public final class Endpoint implements Session.Listener.AutoDemanding {
        private final SslConnection tlsConnection;

        Endpoint(SslConnection tlsConnection) {
            this.tlsConnection = tlsConnection;
        }

        private Session mine;

        @Override
        public void onWebSocketOpen(Session s) {
            mine = s;
            Session old = session;
            if (old != null && old != s && old.isOpen()) {
                old.close();
            }
            if (tlsConnection != null) {
                tls = tlsConnection;
            }
            session = s;
            epoch.incrementAndGet();
            lastHeard = System.nanoTime();
            lastError = "connected";
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            int length = payload.remaining();
            try {
                onFrame(payload);
            } catch (OutOfMemoryError | RuntimeException e) {
                // a message this side cannot take in (a heap too small for it) must not leave the link half
                // alive, reading nothing more while its sessions wait out their timeouts: drop the connection,
                // so every waiting session fails at once with the reason and the link is dialled again
                String why = (e instanceof OutOfMemoryError ? "this server ran out of memory" : "this server failed ("
                        + e.getClass().getSimpleName() + ")") + " taking in a message of " + length + " bytes from "
                        + peerName;
                if (mine == session) {
                    lost(why);
                }
                callback.fail(e);
                mine.close(org.eclipse.jetty.websocket.api.StatusCode.SERVER_ERROR, "message not taken in",
                        Callback.NOOP);
                return;
            }
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            // a replaced, older connection closing must not take the current one down
            if (mine == session || session == null) {
                lost(peerName + " closed the link" + (reason == null || reason.isBlank() ? "" : ": " + reason));
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            if (mine == session || session == null) {
                lost("link error: " + describe(cause));
            }
        }
    }
}
