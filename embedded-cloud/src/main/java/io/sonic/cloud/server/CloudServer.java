package io.sonic.cloud.server;

import io.sonic.cloud.api.Health;
import io.sonic.cloud.api.Status;
import io.sonic.cloud.link.PeerLink;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.cloud.tls.NodeIdentity;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One cloud server (party 0 or 1) on embedded Jetty 12: the HTTPS API for the model owner and the
 * user (one handler per resource), the persistent WebSocket link to the other server (party 1 dials
 * party 0, both present cluster certificates), the model store, and the sessions, which run on a
 * worker pool apart from HTTP. Every resource is bounded by its {@link ServerLimits}. The server holds
 * shares only; it logs no values.
 */
public final class CloudServer implements AutoCloseable {
    /** Largest peer-link message (a round of one session). */
    public static final int MAX_LINK_MESSAGE = 256 * 1024 * 1024;

    /**
     * The link's read and write buffers (64 KiB, Jetty's default 4 KiB) and the size of the pieces a message's
     * frame is handed over in as it arrives (1 MiB, Jetty's default 64 KiB): a large message then arrives in
     * a sixteenth of the steps, each a wait for more input. 16 MiB each way at once went from 158–182 to
     * 217–269 MB/s on this project's machine (medians of 30 exchanges after 30 to warm up, three runs each).
     */
    private static void linkBuffers(org.eclipse.jetty.websocket.api.Configurable c) {
        c.setInputBufferSize(64 * 1024);
        c.setOutputBufferSize(64 * 1024);
        c.setMaxFrameSize(1024 * 1024);
    }

    private final NodeConfig config;
    private final int party;
    private final ClusterTrust trust;
    private final NodeIdentity identity;
    private final ModelStore store;
    private final PeerLink link;
    private final DealerClient dealer;
    private final Sessions sessions;
    private final SessionRunner runner;
    private final byte[] credentialHash;
    private final NodeLog log = new NodeLog();
    private volatile boolean dealerReachable;
    private final JettyNodes.Built jetty;
    private WebSocketClient wsClient;
    private Thread dialer;
    private Thread janitor;
    private volatile boolean running;

    public CloudServer(NodeConfig config) {
        this(config, faultsFromProperty());
    }

    /** A server whose model store calls {@code faults} at each step of a replace (for fault-injection tests). */
    public CloudServer(NodeConfig config, ModelStore.Faults faults) {
        if (config.party() != 0 && config.party() != 1) {
            throw new IllegalArgumentException("a server is party 0 or 1");
        }
        if (config.party() == 1 && config.peer() == null) {
            throw new IllegalArgumentException("server 1 needs server 0's URL (--peer)");
        }
        this.config = config;
        this.party = config.party();
        this.trust = ClusterTrust.fromSecret(config.secret());
        this.credentialHash = Tokens.hash(uploadCredential(config, trust));
        this.identity = NodeIdentity.loadOrCreate(config.dataDir(), trust, config.commonName(), config.dnsNames(),
                config.ipAddresses());
        this.store = new ModelStore(config.dataDir(), party, config.limits(), faults);
        this.link = new PeerLink("server " + (1 - party));
        // without a dealer the servers make every query's randomness themselves (preprocessing=ot)
        this.dealer = config.dealer() == null ? null
                : new DealerClient(config.dealer(), identity.mutualContext(), config.timeout());
        this.runner = new SessionRunner(party, store, dealer, link, config.limits().pauseTimeout(), config.timeout(),
                log::add);
        this.sessions = new Sessions(party, config.limits(), runner, log::add);
        link.onAbort(sessions::peerEnded);
        this.jetty = JettyNodes.newServer("sonic-server-" + party, config.host(), config.port(), identity.jettyServer(),
                config.limits());
        PathMappingsHandler api = new PathMappingsHandler();
        api.addMapping(PathSpec.from("/v1/health/*"), new GetHandler(this::health));
        api.addMapping(PathSpec.from("/v1/status/*"), new GetHandler(this::status));
        api.addMapping(PathSpec.from("/v1/ca/*"), new CaHandler(trust));
        api.addMapping(PathSpec.from("/v1/log/*"), new LogHandler(log));
        api.addMapping(PathSpec.from("/v1/models/*"), new ModelsHandler(this));
        api.addMapping(PathSpec.from("/v1/sessions/*"), new SessionsHandler(this));
        api.addMapping(PathSpec.from("/"), new NotFoundHandler());
        if (party == 0) {
            WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(jetty.server(), container -> {
                container.setMaxBinaryMessageSize(MAX_LINK_MESSAGE);
                container.setIdleTimeout(Duration.ofMinutes(30));
                linkBuffers(container);
                container.addMapping("/v1/link", (req, resp, cb) -> {
                    try {
                        Http.requireNode(req, trust, "sonic-party-1");
                    } catch (ApiException e) {
                        Http.sendError(resp, cb, e);
                        return null;
                    }
                    return link.endpoint(jetty.tls().get(req.getConnectionMetaData().getRemoteSocketAddress()));
                });
            });
            ws.setHandler(api);
            jetty.server().setHandler(ws);
        } else {
            jetty.server().setHandler(api);
        }
    }

    /** The credential that owners must present to upload, replace or delete models. */
    public static String uploadCredential(NodeConfig config, ClusterTrust trust) {
        return config.uploadCredential() != null ? config.uploadCredential() : trust.uploadCredential();
    }

    /**
     * The test hook {@code -Dsonic.store.haltAt=STEP}: the process halts (as kill -9 would end it) at that
     * step of the next model replace, so that tests can check what a restart finds.
     */
    private static ModelStore.Faults faultsFromProperty() {
        String at = System.getProperty("sonic.store.haltAt");
        if (at == null || at.isBlank()) {
            return ModelStore.Faults.NONE;
        }
        ModelStore.Step step = ModelStore.Step.valueOf(at.trim());
        return (s, id) -> {
            if (s == step) {
                Runtime.getRuntime().halt(137);
            }
        };
    }

    public CloudServer start() throws Exception {
        jetty.server().start();
        JettyNodes.warmUpFss();
        running = true;
        if (party == 1) {
            startDialer();
        }
        janitor = new Thread(this::janitor, "sonic-janitor-" + party);
        janitor.setDaemon(true);
        janitor.start();
        return this;
    }

    /** https://host:port of this server (with the actual port when 0 was asked for). */
    public URI url() {
        return config.url(jetty.connector().getLocalPort());
    }

    public String fingerprint() {
        return identity.fingerprint();
    }

    public String caFingerprint() {
        return trust.caFingerprint();
    }

    /** The upload credential this server accepts (printed by {@code sonic serve}). */
    public String uploadCredential() {
        return uploadCredential(config, trust);
    }

    public int party() {
        return party;
    }

    public PeerLink link() {
        return link;
    }

    /** What this node did, in words (sessions, the link, the dealer, models). */
    public NodeLog log() {
        return log;
    }

    ModelStore store() {
        return store;
    }

    Sessions sessions() {
        return sessions;
    }

    ServerLimits limits() {
        return config.limits();
    }

    Duration timeout() {
        return config.timeout();
    }

    /** The link simulated for sessions that do not ask for one. */
    io.sonic.engine.net.LinkProfile linkProfile() {
        return config.link();
    }

    byte[] credentialHash() {
        return credentialHash;
    }

    private void startDialer() throws Exception {
        SslContextFactory.Client ssl = identity.jettyClient(false);
        ssl.setHostnameVerifier((host, session) -> {
            try {
                return "sonic-party-0".equals(ClientTrust.commonName(
                        (java.security.cert.X509Certificate) session.getPeerCertificates()[0]));
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                return false;
            }
        });
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        AtomicReference<SslConnection> tls = new AtomicReference<>();
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        // connection listeners registered on the client are added to each connection it opens
        http.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection c) {
                if (c instanceof SslConnection s) {
                    tls.set(s);
                }
            }
        });
        wsClient = new WebSocketClient(http);
        wsClient.setMaxBinaryMessageSize(MAX_LINK_MESSAGE);
        wsClient.setIdleTimeout(Duration.ofMinutes(30));
        linkBuffers(wsClient);
        wsClient.start();
        URI target = URI.create(config.peer().toString().replaceFirst("^https", "wss").replaceAll("/+$", "") + "/v1/link");
        dialer = new Thread(() -> {
            while (running) {
                if (!link.connected()) {
                    try {
                        wsClient.connect(link.endpoint(null), target, new ClientUpgradeRequest())
                                .get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
                        SslConnection c = tls.get();
                        if (c != null) {
                            link.useTls(c);
                        }
                    } catch (Exception e) {
                        link.failedToConnect(PeerLink.describe(e));
                    }
                }
                try {
                    Thread.sleep(link.connected() ? 2000 : 1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sonic-link-dialer");
        dialer.setDaemon(true);
        dialer.start();
    }

    /** Every second: expires sessions and inboxes; logs changes of the link's state and (every 5 s) the dealer's. */
    private void janitor() {
        String peer = "server " + (1 - party);
        String linkState = "disconnected";
        long tick = 0;
        while (running) {
            if (tick++ % 5 == 0 && dealer != null) {
                boolean reachable = dealer.health();
                if (reachable != dealerReachable || tick == 1) {
                    log.add(reachable ? "dealer " + config.dealer() + " is reachable"
                            : "dealer " + config.dealer() + " is NOT reachable");
                }
                dealerReachable = reachable;
            }
            String now = link.state();
            if (!now.equals(linkState)) {
                log.add(switch (now) {
                    case "connected" -> linkState.equals("unresponsive") ? "link to " + peer + " answers again"
                            : "link to " + peer + " is up";
                    case "unresponsive" -> "link to " + peer + " is unresponsive (nothing arrived for "
                            + link.silentMillis() / 1000 + " s)";
                    default -> "link to " + peer + " is down: " + link.lastError();
                });
                linkState = now;
            }
            sessions.expire();
            runner.pool().expire();
            link.expireUnclaimed(Duration.ofMinutes(2));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (dialer != null) {
            dialer.interrupt();
        }
        if (janitor != null) {
            janitor.interrupt();
        }
        link.close();
        sessions.close();
        runner.pool().close();
        try {
            if (wsClient != null) {
                wsClient.stop();
            }
            jetty.server().stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
    }

    // ---------------------------------------------------------------- answers

    /** Whether this server has a dealer (serve --dealer); without one only preprocessing=ot sessions run. */
    boolean hasDealer() {
        return dealer != null;
    }

    Health health() {
        return new Health("ok", party, link.state());
    }

    Status status() {
        return new Status("ok", party, link.state(), url().toString(), identity.fingerprint(), trust.caFingerprint(),
                link.lastError(), link.silentMillis(), config.peer() == null ? null : config.peer().toString(),
                config.dealer() == null ? null : config.dealer().toString(), dealerReachable, store.all().size(), store.usedBytes(), sessions.running(),
                sessions.paused(), sessions.size(), link.wireBytes(), sessions.activeWorkers(), busyThreads(),
                sessions.openStreams(), config.link().text(), runner.pool().ready(), config.limits().toApi());
    }

    private int busyThreads() {
        return jetty.server().getThreadPool() instanceof org.eclipse.jetty.util.thread.QueuedThreadPool q
                ? q.getBusyThreads() : -1;
    }

    /** For tests and the status page. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Session worker threads busy now (for tests: none stays parked once its session has ended). */
    public int busyWorkers() {
        return sessions.activeWorkers();
    }
}
