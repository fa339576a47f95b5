package io.sonic.cloud.server;

import io.sonic.cloud.dealer.DealRequest;
import io.sonic.cloud.dealer.DealerService;
import io.sonic.cloud.link.LinkChannel;
import io.sonic.cloud.link.PeerLink;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.cloud.tls.NodeIdentity;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureLayerListener;
import io.sonic.engine.SecureParty;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.layer.Layer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One cloud server (party 0 or 1) on embedded Jetty 12: the HTTPS API for the model owner and the
 * user, the persistent WebSocket link to the other server (party 1 dials party 0, both present
 * cluster certificates), and secure inference sessions run on a worker pool, never on a Jetty
 * request thread. The server holds shares only; it logs no values.
 */
public final class CloudServer implements AutoCloseable {
    public static final int MAX_UPLOAD = 256 * 1024 * 1024;
    public static final int MAX_INPUT = 64 * 1024 * 1024;
    private static final int MAX_SESSIONS_RUNNING = 48;
    private static final Duration KEEP_FINISHED = Duration.ofMinutes(10);

    private final NodeConfig config;
    private final int party;
    private final ClusterTrust trust;
    private final NodeIdentity identity;
    private final ModelStore store;
    private final PeerLink link;
    private final DealerClient dealer;
    private final Map<UUID, ServerSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Object> modelLocks = new ConcurrentHashMap<>();
    /** Open event streams hold a request thread each; at most this many at once. */
    private final java.util.concurrent.Semaphore streams = new java.util.concurrent.Semaphore(16);
    private final ExecutorService workers;
    private final JettyNodes.Built jetty;
    private WebSocketClient wsClient;
    private Thread dialer;
    private volatile boolean running;

    public CloudServer(NodeConfig config) {
        if (config.party() != 0 && config.party() != 1) {
            throw new IllegalArgumentException("a server is party 0 or 1");
        }
        if (config.dealer() == null) {
            throw new IllegalArgumentException("a server needs the dealer's URL (--dealer)");
        }
        if (config.party() == 1 && config.peer() == null) {
            throw new IllegalArgumentException("server 1 needs server 0's URL (--peer)");
        }
        this.config = config;
        this.party = config.party();
        this.trust = ClusterTrust.fromSecret(config.secret());
        this.identity = NodeIdentity.loadOrCreate(config.dataDir(), trust, config.commonName(), config.dnsNames(),
                config.ipAddresses());
        this.store = new ModelStore(config.dataDir(), party);
        this.link = new PeerLink("server " + (1 - party));
        this.dealer = new DealerClient(config.dealer(), identity.mutualContext(), config.timeout());
        this.workers = new ThreadPoolExecutor(0, MAX_SESSIONS_RUNNING, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "sonic-session-" + party);
                    t.setDaemon(true);
                    return t;
                });
        this.jetty = JettyNodes.newServer("sonic-server-" + party, config.host(), config.port(), identity.jettyServer());
        Handler api = new Api();
        if (party == 0) {
            WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(jetty.server(), container -> {
                container.setMaxBinaryMessageSize(MAX_UPLOAD);
                container.setIdleTimeout(Duration.ofMinutes(30));
                container.addMapping("/v1/link", (req, resp, cb) -> {
                    try {
                        Http.requireNode(req, trust, "sonic-party-1");
                    } catch (ApiException e) {
                        Http.sendError(resp, cb, e.status(), e.getMessage());
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

    public CloudServer start() throws Exception {
        jetty.server().start();
        running = true;
        if (party == 1) {
            startDialer();
        }
        Thread janitor = new Thread(this::janitor, "sonic-janitor-" + party);
        janitor.setDaemon(true);
        janitor.start();
        return this;
    }

    /** https://host:port of this server (with the actual port when 0 was asked for). */
    public URI url() {
        boolean wildcard = config.host().equals("0.0.0.0") || config.host().equals("::");
        String host = wildcard ? (config.names().isEmpty() ? "127.0.0.1" : config.names().get(0)) : config.host();
        return URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + jetty.connector().getLocalPort());
    }

    public String fingerprint() {
        return identity.fingerprint();
    }

    public String caFingerprint() {
        return trust.caFingerprint();
    }

    public int party() {
        return party;
    }

    public PeerLink link() {
        return link;
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
        wsClient.setMaxBinaryMessageSize(MAX_UPLOAD);
        wsClient.setIdleTimeout(Duration.ofMinutes(30));
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

    private void janitor() {
        while (running) {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                return;
            }
            long limit = System.nanoTime() - KEEP_FINISHED.toNanos();
            sessions.values().removeIf(s -> s.created < limit && s.state() != ServerSession.State.RUNNING);
            link.expireUnclaimed(Duration.ofMinutes(2));
        }
    }

    @Override
    public void close() {
        running = false;
        if (dialer != null) {
            dialer.interrupt();
        }
        link.close();
        for (ServerSession s : sessions.values()) {
            s.fail("server " + party + " is shutting down");
        }
        try {
            if (wsClient != null) {
                wsClient.stop();
            }
            jetty.server().stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
        workers.shutdownNow();
    }

    // ---------------------------------------------------------------- sessions

    private void run(ServerSession s) {
        long start = System.nanoTime();
        LinkChannel ch = null;
        try {
            ModelStore.Stored m = store.get(s.modelId);
            if (m == null) {
                throw new ApiException(404, "model '" + s.modelId + "' was deleted");
            }
            SecureConfig cfg = s.config;
            List<Need> plan = Plan.of(m.graph, cfg);
            byte[] deal = dealer.deal(s.id, DealRequest.of(party, m.structureHash, cfg), m.structureJson);
            DealerService.Part part = DealerService.decode(deal, plan.size(), party);
            long offline = 2L * 16;
            for (Need n : plan) {
                offline += n.correctionLongs() * 8;
            }
            SecureParty p = new SecureParty(party, m.graph, m.share, cfg);
            byte[] maskSeed = null;
            if (cfg.linear() == SecureConfig.LinearMode.MASK_REUSE) {
                maskSeed = masks(m, p, s.id, cfg.timeout());
            }
            Randomness r = new Randomness(party, plan, part.seed(), party == 1 ? part.corrections() : null, maskSeed);
            ch = link.open(s.id, cfg.timeout());
            s.channel(ch);
            MeteredChannel metered = new MeteredChannel(ch);
            long wireBefore = link.wireBytesOut();
            long[] wireAtStart = {wireBefore};
            long onlineStart = System.nanoTime();
            SharedTensor out = p.run(s.input(), metered, r, new SecureLayerListener() {
                @Override
                public void started(int index, Layer layer, String protocol) {
                    if (s.stepping) {
                        s.event(layerEvent("paused", index, layer, protocol));
                        try {
                            if (!s.awaitStep(STEP_WAIT)) {
                                throw new ApiException(408, "step mode: nobody continued the session for "
                                        + STEP_WAIT.toMinutes() + " minutes");
                            }
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                            throw new ApiException(503, "interrupted");
                        }
                    }
                    Map<String, Object> e = layerEvent("layer-start", index, layer, protocol);
                    s.event(e);
                    wireAtStart[0] = link.wireBytesOut();
                }

                @Override
                public void finished(int index, Layer layer, String protocol, Traffic t, long nanos) {
                    Map<String, Object> e = layerEvent("layer-end", index, layer, protocol);
                    e.put("bytes", t.bytes());
                    e.put("bytesSent", t.bytesSent());
                    e.put("bytesReceived", t.bytesReceived());
                    e.put("rounds", t.rounds());
                    e.put("messagesSent", t.messagesSent());
                    e.put("messagesReceived", t.messagesReceived());
                    long wire = link.wireBytesOut();
                    e.put("wireBytesSent", wire < 0 || wireAtStart[0] < 0 ? -1 : wire - wireAtStart[0]);
                    e.put("offlineBytes", offlineOf(plan, index));
                    e.put("millis", nanos / 1e6);
                    s.event(e);
                }
            });
            long wireAfter = link.wireBytesOut();
            s.finish(ShareCodec.encodeTensor(out), metered.total(), wireBefore < 0 ? -1 : wireAfter - wireBefore,
                    offline, System.nanoTime() - onlineStart);
        } catch (RuntimeException e) {
            String msg = e instanceof ApiException || e instanceof io.sonic.engine.net.ChannelException
                    || e instanceof IllegalStateException ? e.getMessage() : e.getClass().getSimpleName();
            String reason = "server " + party + ": " + msg;
            if (ch != null) {
                ch.abort(reason);
            }
            s.fail(reason);
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    private static long offlineOf(List<Need> plan, int layer) {
        long b = 0;
        for (Need n : plan) {
            if (n.layer() == layer) {
                b += n.correctionLongs() * 8;
            }
        }
        return b;
    }

    private static Map<String, Object> layerEvent(String type, int index, Layer layer, String protocol) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("index", index);
        e.put("name", layer == null ? "output" : layer.name());
        e.put("op", layer == null ? "ArgMax" : layer.sourceOp());
        e.put("protocol", protocol);
        if (layer != null) {
            e.put("outputShape", layer.outputShape());
        }
        return e;
    }

    /**
     * Mask-reuse mode: makes sure both servers hold E = W − A for the model's current mask seeds. The
     * two servers first tell each other (on a control session, not metered) whether they already have
     * it; if either lacks it, both open it again on a setup session.
     */
    private byte[] masks(ModelStore.Stored m, SecureParty p, UUID session, Duration timeout) {
        DealerClient.MaskSeed mask = dealer.masks(m.structureHash, party, m.structureJson);
        String generation = mask.generation();
        byte[] seed = mask.seed();
        synchronized (modelLocks.computeIfAbsent(m.id, k -> new Object())) {
            ModelStore.MaskState have = m.masks;
            boolean mine = have != null && have.generation().equals(generation);
            UUID control = UUID.nameUUIDFromBytes(("sync:" + session).getBytes(StandardCharsets.UTF_8));
            boolean theirs;
            try (LinkChannel c = link.open(control, timeout)) {
                theirs = c.exchange(new byte[] {(byte) (mine ? 1 : 0)})[0] == 1;
            }
            if (mine && theirs) {
                p.useOpenedMasks(have.opened());
                return seed;
            }
            UUID setup = UUID.nameUUIDFromBytes(("setup:" + session).getBytes(StandardCharsets.UTF_8));
            try (LinkChannel c = link.open(setup, timeout)) {
                p.openMasks(new MeteredChannel(c), seed);
            }
            m.masks = new ModelStore.MaskState(generation, p.openedMasks());
            return seed;
        }
    }

    // ---------------------------------------------------------------- HTTP API

    private Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("status", "ok");
        h.put("party", party);
        h.put("peer", link.connected() ? "connected" : "disconnected");
        return h;
    }

    private Map<String, Object> status() {
        Map<String, Object> h = health();
        h.put("url", url().toString());
        h.put("fingerprint", identity.fingerprint());
        h.put("clusterCa", trust.caFingerprint());
        h.put("peerDetail", link.lastError());
        h.put("peerUrl", config.peer() == null ? null : config.peer().toString());
        h.put("dealer", config.dealer().toString());
        h.put("dealerReachable", dealer.health());
        h.put("models", store.all().size());
        long running = sessions.values().stream().filter(s -> s.state() == ServerSession.State.RUNNING).count();
        h.put("sessionsRunning", running);
        h.put("sessions", sessions.size());
        h.put("linkWireBytes", link.wireBytes());
        return h;
    }

    private static Map<String, Object> modelInfo(ModelStore.Stored m) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("id", m.id);
        i.put("name", m.graph.name());
        i.put("inputName", m.graph.inputName());
        i.put("inputShape", m.graph.inputShape());
        i.put("outputShape", m.graph.outputShape());
        i.put("layers", m.graph.layers().size());
        i.put("fractionBits", m.share.fractionBits());
        i.put("structureHash", m.structureHash);
        i.put("uploadedAt", m.uploadedAt.toString());
        return i;
    }

    /** JSON body of POST /v1/sessions. */
    public record SessionRequest(String sessionId, String modelId, String linear, String truncation, String output,
                                 Boolean step) {
    }

    /** How long a session in step mode waits for the user before giving up. */
    private static final Duration STEP_WAIT = Duration.ofMinutes(10);

    private ServerSession session(Request request, String id) {
        UUID uuid = parseUuid(id);
        ServerSession s = sessions.get(uuid);
        if (s == null) {
            throw new ApiException(404, "no session " + id + " on server " + party);
        }
        String token = Http.bearer(request);
        if (token == null) {
            throw new ApiException(401, "this session needs its token (Authorization: Bearer …)");
        }
        if (!Tokens.matches(token, s.tokenHash)) {
            throw new ApiException(403, "wrong token for session " + id);
        }
        return s;
    }

    /** A session id in the canonical 8-4-4-4-12 hexadecimal form; 400 otherwise. */
    static UUID parseUuid(String s) {
        try {
            UUID u = UUID.fromString(s);
            if (u.toString().equalsIgnoreCase(s)) {
                return u;
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw new ApiException(400, "'" + s + "' is not a session id (a UUID such as "
                + "3f0c8a52-8e7b-4c53-9d0e-2b6f1f7d9a11)");
    }

    private static String ownerToken(Request request) {
        String token = Http.bearer(request);
        if (token == null) {
            throw new ApiException(401, "model operations need the owner's token (Authorization: Bearer …)");
        }
        return token;
    }

    private final class Api extends JsonHandler {
        @Override
        protected void route(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            String[] p = path.replaceAll("^/+|/+$", "").split("/");
            if (p.length < 2 || !p[0].equals("v1")) {
                throw new ApiException(404, "no such endpoint: " + method + " " + path + " (see docs/api.md)");
            }
            switch (p[1]) {
                case "health" -> {
                    expect(method, "GET", p.length == 2);
                    Http.sendJson(response, callback, 200, health());
                }
                case "status" -> {
                    expect(method, "GET", p.length == 2);
                    Http.sendJson(response, callback, 200, status());
                }
                case "ca" -> {
                    expect(method, "GET", p.length == 2);
                    Http.sendText(response, callback, 200, "application/x-pem-file", ClientTrust.toPem(trust.caCertificate()));
                }
                case "models" -> models(request, response, callback, method, p);
                case "sessions" -> sessions(request, response, callback, method, p);
                default -> throw new ApiException(404, "no such endpoint: " + method + " " + path + " (see docs/api.md)");
            }
        }

        private void expect(String method, String wanted, boolean shape) {
            if (!shape) {
                throw new ApiException(404, "no such endpoint");
            }
            if (!method.equals(wanted)) {
                throw new ApiException(405, "use " + wanted + " here");
            }
        }

        private void models(Request request, Response response, Callback callback, String method, String[] p) {
            if (p.length == 2) {
                expect(method, "GET", true);
                List<Object> list = new ArrayList<>();
                for (ModelStore.Stored m : store.all()) {
                    list.add(modelInfo(m));
                }
                Http.sendJson(response, callback, 200, Map.of("models", list));
                return;
            }
            if (p.length != 3) {
                throw new ApiException(404, "no such endpoint");
            }
            String id = p[2];
            if (!ModelStore.ID.matcher(id).matches()) {
                throw new ApiException(400, "a model id has 1 to 64 letters, digits, '.', '_' or '-'");
            }
            switch (method) {
                case "GET" -> {
                    ModelStore.Stored m = store.get(id);
                    if (m == null) {
                        throw new ApiException(404, "no model '" + id + "' on server " + party);
                    }
                    Http.sendJson(response, callback, 200, modelInfo(m));
                }
                case "PUT" -> {
                    String token = ownerToken(request);
                    byte[] body = Http.body(request, MAX_UPLOAD);
                    ModelStore.Upload up = ModelStore.parseUpload(body, party);
                    ModelStore.Stored existing = store.get(id);
                    ModelStore.Stored m = store.put(id, token, up.structureJson(), up.graph(), up.shareBytes(),
                            up.share());
                    Http.sendJson(response, callback, existing == null ? 201 : 200, modelInfo(m));
                }
                case "DELETE" -> {
                    store.delete(id, ownerToken(request));
                    Http.sendJson(response, callback, 200, Map.of("deleted", id));
                }
                default -> throw new ApiException(405, "use GET, PUT or DELETE on a model");
            }
        }

        private void sessions(Request request, Response response, Callback callback, String method, String[] p) {
            if (p.length == 2) {
                expect(method, "POST", true);
                String token = Http.bearer(request);
                if (token == null) {
                    throw new ApiException(401, "a session needs a token of the user's choice (Authorization: Bearer …)");
                }
                SessionRequest req = Http.json(Http.body(request, 64 * 1024), SessionRequest.class);
                UUID id = parseUuid(req.sessionId());
                if (req.modelId() == null || req.modelId().isBlank()) {
                    throw new ApiException(400, "modelId is required");
                }
                ModelStore.Stored m = store.get(req.modelId());
                if (m == null) {
                    throw new ApiException(404, "no model '" + req.modelId() + "' on server " + party);
                }
                SecureConfig cfg = config(req, m);
                ServerSession s = new ServerSession(id, m.id, Tokens.hash(token), cfg,
                        Boolean.TRUE.equals(req.step()));
                if (sessions.putIfAbsent(id, s) != null) {
                    throw new ApiException(409, "session " + id + " exists already");
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("sessionId", id.toString());
                r.put("inputShape", m.graph.inputShape());
                r.put("state", "created");
                Http.sendJson(response, callback, 201, r);
                return;
            }
            ServerSession s = session(request, p[2]);
            if (p.length == 3) {
                if (method.equals("DELETE")) {
                    LinkChannel running = s.channel();
                    if (running != null && s.state() == ServerSession.State.RUNNING) {
                        running.cancel("the user cancelled the session");
                    }
                    s.fail("deleted by the user");
                    sessions.remove(s.id);
                    Http.sendJson(response, callback, 200, Map.of("deleted", s.id.toString()));
                } else {
                    if (!method.equals("GET")) {
                        throw new ApiException(405, "use GET or DELETE on a session");
                    }
                    Http.sendJson(response, callback, 200, s.status());
                }
                return;
            }
            switch (p[3]) {
                case "input" -> {
                    expect(method, "PUT", p.length == 4);
                    ModelStore.Stored m = store.get(s.modelId);
                    if (m == null) {
                        throw new ApiException(404, "model '" + s.modelId + "' was deleted");
                    }
                    byte[] body = Http.body(request, MAX_INPUT);
                    SharedTensor in = ShareCodec.decodeTensor(body, party, m.graph.inputShape());
                    if (!s.start(in)) {
                        throw new ApiException(409, "session " + s.id + " already has its input");
                    }
                    try {
                        workers.execute(() -> run(s));
                    } catch (RejectedExecutionException e) {
                        s.fail("server " + party + " is busy: too many sessions running");
                        throw new ApiException(503, "server " + party + " is busy: too many sessions running; retry later");
                    }
                    Http.sendJson(response, callback, 202, Map.of("sessionId", s.id.toString(), "state", "running"));
                }
                case "output" -> {
                    expect(method, "GET", p.length == 4);
                    switch (s.state()) {
                        case DONE -> Http.sendBytes(response, callback, s.output());
                        case FAILED -> Http.sendError(response, callback, 502, s.error());
                        default -> Http.sendJson(response, callback, 202, Map.of("state", s.state().name().toLowerCase()));
                    }
                }
                case "events" -> {
                    expect(method, "GET", p.length == 4);
                    events(s, response, callback);
                }
                case "continue" -> {
                    expect(method, "POST", p.length == 4);
                    String q = request.getHttpURI().getQuery();
                    s.proceed(q != null && q.contains("all=true"));
                    Http.sendJson(response, callback, 200, Map.of("sessionId", s.id.toString(),
                            "state", s.state().name().toLowerCase()));
                }
                default -> throw new ApiException(404, "no such endpoint");
            }
        }

        private SecureConfig config(SessionRequest req, ModelStore.Stored m) {
            try {
                SecureConfig.LinearMode l = req.linear() == null ? SecureConfig.LinearMode.FAITHFUL
                        : SecureConfig.LinearMode.valueOf(req.linear().toUpperCase().replace('-', '_'));
                SecureConfig.TruncationMode t = req.truncation() == null ? SecureConfig.TruncationMode.EXACT
                        : SecureConfig.TruncationMode.valueOf(req.truncation().toUpperCase());
                SecureConfig.OutputMode o = req.output() == null ? SecureConfig.OutputMode.LOGITS
                        : SecureConfig.OutputMode.valueOf(req.output().toUpperCase());
                return new SecureConfig(m.share.fractionBits(), l, t, o, config.timeout());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "linear must be faithful or mask-reuse, truncation exact or local, output"
                        + " logits or label");
            }
        }

        /** Server-sent events: every event of the session so far, then new ones until it ends. */
        private void events(ServerSession s, Response response, Callback callback) {
            if (!streams.tryAcquire()) {
                throw new ApiException(503, "too many open event streams on server " + party + "; retry later");
            }
            try {
                stream(s, response, callback);
            } finally {
                streams.release();
            }
        }

        private void stream(ServerSession s, Response response, Callback callback) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            int next = 0;
            long until = System.nanoTime() + KEEP_FINISHED.toNanos();
            try {
                while (System.nanoTime() < until && sessions.containsKey(s.id)) {
                    List<Map<String, Object>> batch = s.eventsFrom(next, 15000);
                    StringBuilder b = new StringBuilder();
                    boolean end = false;
                    for (Map<String, Object> e : batch) {
                        b.append("event: ").append(e.get("type")).append('\n').append("data: ")
                                .append(Http.JSON.writeValueAsString(e)).append("\n\n");
                        end |= "done".equals(e.get("type")) || "failed".equals(e.get("type"));
                    }
                    next += batch.size();
                    if (b.length() == 0) {
                        b.append(": keep-alive\n\n");
                    }
                    try (Blocker.Callback cb = Blocker.callback()) {
                        response.write(false, ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)), cb);
                        cb.block();
                    }
                    if (end) {
                        break;
                    }
                }
                response.write(true, null, callback);
            } catch (Exception e) {
                callback.failed(e);
            }
        }
    }

    /** For tests and the status page. */
    public int sessionCount() {
        return sessions.size();
    }
}
