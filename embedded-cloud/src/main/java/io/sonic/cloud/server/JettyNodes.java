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
 * short time, so that slow or silent clients cannot hold the node's connections for long.
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
