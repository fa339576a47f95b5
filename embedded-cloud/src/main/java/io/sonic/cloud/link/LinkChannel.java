package io.sonic.cloud.link;

import io.sonic.engine.net.Channel;

import java.time.Duration;
import java.util.UUID;

/** One session's view of the peer link: an engine {@link Channel} whose every wait is bounded. */
public final class LinkChannel implements Channel {
    private final PeerLink link;
    private final UUID session;
    private final Duration timeout;
    private volatile boolean closed;

    LinkChannel(PeerLink link, UUID session, Duration timeout) {
        this.link = link;
        this.session = session;
        this.timeout = timeout;
    }

    @Override
    public void send(byte[] message) {
        link.send(session, PeerLink.DATA, message, timeout);
    }

    @Override
    public byte[] receive() {
        return link.receive(session, timeout);
    }

    /** Ends the session on both sides with a reason (no values in it). */
    public void abort(String reason) {
        link.abort(session, reason, timeout);
    }

    /** Ends the session on both sides now (a user cancelled it). */
    public void cancel(String reason) {
        link.abort(session, reason, timeout);
        link.cancelLocally(session, reason);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            link.release(session);
        }
    }
}
