package io.sonic.cloud.server;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Jetty server every node uses: one HTTPS connector (TLS 1.2/1.3, AEAD suites only), client
 * certificates wanted, a bounded number of connections and an idle timeout. When the connection limit is
 * reached the node stops accepting until connections close, and idle connections are then given only a
 * short time, so that slow or silent clients cannot hold the node's connections for long. A request's
 * headers must arrive within the body grace time ({@link HeaderDeadline}): each byte resets the idle timeout, so
 * without it a client sending one header byte every few seconds held a connection for ever.
 */
public final class JettyNodes {
    /** The idle timeout of existing connections while the connection limit is reached. */
    private static final long IDLE_WHEN_FULL_MILLIS = 2000;

    private JettyNodes() {
    }

    /** A server plus a live map from remote address to its TLS connection (for wire byte counts). */
    public record Built(Server server, ServerConnector connector, Map<SocketAddress, SslConnection> tls) {
    }

    public static Built newServer(String name, String host, int port, SslContextFactory.Server ssl,
                                  ServerLimits limits) {
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName(name);
        pool.setDaemon(true);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer(false);
        http.addCustomizer(secure);
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        http.setRequestHeaderSize(16 * 1024);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(256);
        Map<SocketAddress, SslConnection> tls = new ConcurrentHashMap<>();
        connector.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection c) {
                if (c instanceof org.eclipse.jetty.server.internal.HttpConnection h) {
                    HeaderDeadline.watch(h, connector.getScheduler(), limits.bodyGrace());
                }
                SocketAddress remote = c.getEndPoint().getRemoteSocketAddress();
                if (c instanceof SslConnection s && remote != null) {
                    tls.put(remote, s);
                }
            }

            @Override
            public void onClosed(Connection c) {
                SocketAddress remote = c.getEndPoint().getRemoteSocketAddress();
                if (c instanceof SslConnection && remote != null) {
                    tls.remove(remote);
                }
            }
        });
        server.addConnector(connector);
        NetworkConnectionLimit limit = new NetworkConnectionLimit(limits.maxConnections(), connector);
        limit.setEndPointIdleTimeout(IDLE_WHEN_FULL_MILLIS);
        server.addBean(limit);
        server.setStopTimeout(2000);
        return new Built(server, connector, tls);
    }

    /**
     * The deadline for a request's headers: a connection whose parser stays inside one request's headers (or that
     * has not begun its first request, TLS handshake included) for longer than {@code limit} is closed. Checked
     * every quarter of the limit on the connector's scheduler, so a slow client is cut off within 1.25 times the
     * limit; a connection between requests is the idle timeout's, a request body the body timeout's
     * ({@link Http}). A connection upgraded to the peer link's WebSocket is no longer watched.
     */
    static final class HeaderDeadline {
        private final org.eclipse.jetty.server.internal.HttpConnection connection;
        private final org.eclipse.jetty.util.thread.Scheduler scheduler;
        private final long limitNanos;
        private final long periodMillis;
        private final long opened = System.nanoTime();
        /** The request count whose headers were seen unfinished, and since when (-1: none). */
        private long request = -1;
        private long since;

        private HeaderDeadline(org.eclipse.jetty.server.internal.HttpConnection connection,
                               org.eclipse.jetty.util.thread.Scheduler scheduler, java.time.Duration limit) {
            this.connection = connection;
            this.scheduler = scheduler;
            this.limitNanos = limit.toNanos();
            this.periodMillis = Math.max(50, limit.toMillis() / 4);
        }

        static void watch(org.eclipse.jetty.server.internal.HttpConnection c,
                          org.eclipse.jetty.util.thread.Scheduler scheduler, java.time.Duration limit) {
            new HeaderDeadline(c, scheduler, limit).next();
        }

        private void next() {
            scheduler.schedule(this::check, periodMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private void check() {
            org.eclipse.jetty.io.EndPoint end = connection.getEndPoint();
            if (!end.isOpen() || end.getConnection() != connection) {
                return; // closed, or upgraded to the peer link
            }
            org.eclipse.jetty.http.HttpParser p = connection.getParser();
            long n = connection.getMessagesIn();
            boolean inHeaders = p.inHeaderState() && !p.isStart();
            boolean notBegun = n == 0 && p.isStart();
            if (inHeaders || notBegun) {
                long now = System.nanoTime();
                if (request != n) {
                    request = n;
                    since = n == 0 ? opened : now;
                }
                if (now - since >= limitNanos) {
                    end.close(new java.util.concurrent.TimeoutException("request headers not complete in time"));
                    return;
                }
            } else {
                request = -1;
            }
            next();
        }
    }

    /**
     * Compiles the FSS suite's kernels in the background (once per process, at low priority), so that a node's
     * first FSS query is as fast as its later ones.
     */
    public static void warmUpFss() {
        Thread t = new Thread(io.sonic.engine.fss.Dcf::warmUp, "sonic-fss-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }
}
