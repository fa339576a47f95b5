package io.sonic.cloud.client;

import io.sonic.cloud.api.ApiError;
import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.api.Health;
import io.sonic.cloud.api.LogPage;
import io.sonic.cloud.api.ModelIds;
import io.sonic.cloud.api.ModelInfo;
import io.sonic.cloud.api.ModelList;
import io.sonic.cloud.api.ModelMeta;
import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.api.SessionRequest;
import io.sonic.cloud.api.SessionStatus;
import io.sonic.cloud.api.Status;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.cloud.wire.UploadCodec;
import io.sonic.engine.BatchResult;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.InputRange;
import io.sonic.engine.ModelShare;
import io.sonic.engine.RangeAnalysis;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.net.LinkProfile;
import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.RingTensor;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.eval.FixedPoint;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The model owner's and the user's side of the cloud: splits models and inputs locally (plaintext
 * never leaves this process), talks HTTPS to both servers trusting only the cluster CA, and
 * reconstructs results. Used by the command line and the desktop app. An input is checked against the
 * model's public input range before it is shared.
 */
public final class CloudClient implements AutoCloseable {
    /** The header carrying the upload credential. */
    public static final String CREDENTIAL_HEADER = "Sonic-Upload-Credential";
    private static final Duration BUSY_RETRY = Duration.ofSeconds(60);

    private final List<URI> servers;
    private final HttpClient http;
    private final X509Certificate ca;
    private final Duration timeout;
    private final String uploadCredential;

    private CloudClient(List<URI> servers, HttpClient http, X509Certificate ca, Duration timeout,
                        String uploadCredential) {
        this.servers = servers;
        this.http = http;
        this.ca = ca;
        this.timeout = timeout;
        this.uploadCredential = uploadCredential;
    }

    /**
     * Connects to two servers. With {@code caFingerprint} (in any common spelling) the cluster CA must have
     * that fingerprint; without one the CA that server 0 presents is trusted on first use and reported
     * through {@code warn}.
     */
    public static CloudClient connect(List<URI> servers, String caFingerprint, Duration timeout, Consumer<String> warn) {
        if (servers.size() != 2) {
            throw new CloudException("give the URLs of exactly two servers (server 0, then server 1)");
        }
        for (URI u : servers) {
            if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new CloudException("'" + u + "' is not an https:// URL of a Sonic server");
            }
        }
        String pinned = null;
        if (caFingerprint != null) {
            try {
                pinned = ClientTrust.normalizeFingerprint(caFingerprint);
            } catch (IllegalArgumentException e) {
                throw new CloudException(e.getMessage());
            }
        }
        X509Certificate ca = fetchCa(servers.get(0), timeout);
        String fp = ClientTrust.fingerprint(ca);
        if (pinned != null && !pinned.equals(fp)) {
            throw new CloudException("server 0 presents cluster CA " + fp + ", not the pinned " + pinned
                    + "; refusing to talk to it (is --ca the fingerprint `sonic serve` printed for this cluster?)");
        }
        if (pinned == null) {
            warn.accept("trusting the cluster CA " + fp + " that server 0 presented (pin it with --ca " + fp + ")");
        }
        SSLContext tls = ClientTrust.trusting(ca);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).sslParameters(aead())
                .connectTimeout(timeout).build();
        CloudClient c = new CloudClient(List.copyOf(servers), http, ca, timeout, null);
        for (int p = 0; p < 2; p++) {
            Health h = c.health(p);
            if (h.party() != p) {
                throw new CloudException(servers.get(p) + " is server " + h.party() + ", expected server "
                        + p + " at this position");
            }
        }
        return c;
    }

    /** This client with the cluster's upload credential (needed to upload, replace and delete models). */
    public CloudClient withUploadCredential(String credential) {
        return new CloudClient(servers, http, ca, timeout, credential == null || credential.isBlank() ? null
                : credential.trim());
    }

    private static SSLParameters aead() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        p.setCipherSuites(io.sonic.cloud.tls.NodeIdentity.CIPHER_SUITES);
        return p;
    }

    private static X509Certificate fetchCa(URI server, Duration timeout) {
        try {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {
                }

                public void checkServerTrusted(X509Certificate[] c, String a) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            HttpClient once = HttpClient.newBuilder().sslContext(any).connectTimeout(timeout).build();
            HttpResponse<String> r = once.send(HttpRequest.newBuilder(server.resolve("/v1/ca")).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new CloudException(server + " did not hand out its cluster CA (HTTP " + r.statusCode() + ")");
            }
            return ClientTrust.fromPem(r.body());
        } catch (IOException e) {
            throw new CloudException("cannot reach " + server + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException("interrupted");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IllegalArgumentException e) {
            throw new CloudException(server + " did not hand out a cluster CA certificate (" + e.getMessage() + ")");
        }
    }

    public String caFingerprint() {
        return ClientTrust.fingerprint(ca);
    }

    /** A fresh random token (24 bytes from SecureRandom), for an owner token or a session token. */
    public static String newToken() {
        return io.sonic.cloud.server.Tokens.newToken();
    }

    public List<URI> servers() {
        return servers;
    }

    // ----------------------------------------------------------------- HTTP

    /** How long one GET of an output share waits at the server for the session to end. */
    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(5);

    /**
     * Sends one request. A GET or a model upload (PUT /v1/models/…) that fails before any answer is sent once
     * more: the server may have closed the kept-alive connection it went out on just then (a GET changes
     * nothing, an upload replaces the model as a whole, so a second one is safe; an input share is not sent
     * twice, since a second would meet a session that already has its input).
     */
    private HttpResponse<byte[]> send(int party, HttpRequest.Builder b) {
        HttpRequest req = b.timeout(timeout).build();
        try {
            try {
                return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                boolean idempotent = req.method().equals("GET")
                        || req.method().equals("PUT") && req.uri().getPath().startsWith("/v1/models/");
                if (!idempotent || e instanceof java.net.http.HttpTimeoutException) {
                    throw e;
                }
                return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            }
        } catch (IOException e) {
            throw new CloudException("server " + party + " (" + servers.get(party) + ") is unreachable ("
                    + req.method() + " " + req.uri().getPath().replaceAll("/v1/sessions/[^/]+", "/v1/sessions/…")
                    + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException("interrupted");
        }
    }

    /** Sends, and while the server answers 503 with Retry-After, waits and sends again (for at most a minute). */
    private HttpResponse<byte[]> sendRetrying(int party, HttpRequest.Builder b) {
        long deadline = System.nanoTime() + BUSY_RETRY.toNanos();
        while (true) {
            HttpResponse<byte[]> r = send(party, b);
            long wait = r.headers().firstValueAsLong("Retry-After").orElse(-1);
            if (r.statusCode() != 503 || wait < 0 || System.nanoTime() + wait * 1_000_000_000L > deadline) {
                return r;
            }
            sleep(Math.max(200, wait * 1000));
        }
    }

    /** Threads that send server 1's half of a request pair while the caller sends server 0's. */
    private static final java.util.concurrent.ExecutorService SECOND = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sonic-client-server-1");
        t.setDaemon(true);
        return t;
    });

    /**
     * Calls {@code call} for server 0 on this thread and for server 1 at the same time on another, and returns
     * both answers once both have come back; the first failure (server 0's before server 1's) is thrown after
     * both calls have ended, so that no request is left running.
     */
    private static <T> List<T> onBoth(java.util.function.IntFunction<T> call) {
        java.util.concurrent.Future<T> second = SECOND.submit(() -> call.apply(1));
        T first;
        try {
            first = call.apply(0);
        } catch (RuntimeException e) {
            try {
                second.get();
            } catch (Exception ignored) {
                // server 0's failure is the one reported
            }
            throw e;
        }
        try {
            return java.util.Arrays.asList(first, second.get());
        } catch (InterruptedException e) {
            second.cancel(true);
            Thread.currentThread().interrupt();
            throw new CloudException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CloudException("server 1: " + e.getCause());
        }
    }

    private HttpRequest.Builder request(int party, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(servers.get(party).resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static String errorOf(HttpResponse<byte[]> r) {
        try {
            ApiError e = ApiJson.answer(r.body(), ApiError.class);
            return e.error() != null ? e.error() : "no details";
        } catch (RuntimeException e) {
            return "no details";
        }
    }

    private <T> T check(int party, HttpResponse<byte[]> r, String what, Class<T> type) {
        if (r.statusCode() / 100 != 2) {
            throw new CloudException(what + " failed on server " + party + " (HTTP " + r.statusCode() + "): "
                    + errorOf(r), r.statusCode());
        }
        if (type == null) {
            return null;
        }
        try {
            return ApiJson.answer(r.body(), type);
        } catch (ApiJson.MalformedJsonException e) {
            throw new CloudException(what + ": server " + party + " answered something else than expected ("
                    + e.getMessage() + ")");
        }
    }

    private <T> T get(int party, String path, Class<T> type) {
        return check(party, send(party, request(party, path, null).GET()), "GET " + path, type);
    }

    public Health health(int party) {
        Health h = get(party, "/v1/health", Health.class);
        if (h.status() == null) {
            throw new CloudException(servers.get(party) + " is not a Sonic server");
        }
        return h;
    }

    public Status status(int party) {
        return get(party, "/v1/status", Status.class);
    }

    /** Server {@code party}'s log entries after sequence number {@code after}. */
    public LogPage log(int party, long after) {
        return get(party, "/v1/log?after=" + after, LogPage.class);
    }

    public ModelList models(int party) {
        return get(party, "/v1/models", ModelList.class);
    }

    /** What server {@code party} says about a model. */
    public ModelInfo model(int party, String modelId) {
        if (!ModelIds.valid(modelId)) {
            throw new CloudException(ModelIds.RULE + ", not '" + ApiJson.printable(modelId) + "'");
        }
        return get(party, "/v1/models/" + modelId, ModelInfo.class);
    }

    /** A model as both servers hold it; refuses when their copies disagree (structure, range or f). */
    public ModelInfo model(String modelId) {
        List<ModelInfo> both = onBoth(p -> model(p, modelId));
        ModelInfo a = both.get(0);
        ModelInfo b = both.get(1);
        if (!a.structureHash().equals(b.structureHash()) || !a.inputRange().equals(b.inputRange())
                || a.fractionBits() != b.fractionBits()) {
            throw new CloudException("the two servers hold different versions of model '" + modelId + "' (upload it"
                    + " to both again)");
        }
        return a;
    }

    // ----------------------------------------------------------------- model owner

    /** What an upload produced: the model id and the owner token that guards it. */
    public record Upload(String modelId, String ownerToken, long[] bytesPerServer, InputRange inputRange) {
    }

    /**
     * The model owner's split and upload: the plaintext model stays here; server p receives the public
     * structure, the input range, a mask key drawn afresh for this upload and share p only. The range must
     * be safe for the model at {@code fp} ({@link RangeAnalysis}).
     */
    public Upload upload(ModelGraph g, String modelId, String ownerToken, FixedPoint fp, InputRange range) {
        RangeAnalysis.requireSafe(g, fp, range);
        return upload(g, modelId, ownerToken, split(g, fp), range);
    }

    /** The owner's split with a cryptographic PRG; weights that do not encode are refused with the layer named. */
    public static ModelShare[] split(ModelGraph g, FixedPoint fp) {
        RangeAnalysis.requireEncodable(g, fp);
        return ModelShare.split(g, fp, Prg.fresh());
    }

    /**
     * Uploads shares the owner already made (for instance to show them first), with a mask key drawn
     * afresh for this call and sent to both servers (each call is a new upload with new masks).
     */
    public Upload upload(ModelGraph g, String modelId, String ownerToken, ModelShare[] shares, InputRange range) {
        RangeAnalysis.requireSafe(g, new FixedPoint(shares[0].fractionBits()), range);
        return put(g, modelId, ownerToken, shares, range);
    }

    /**
     * An upload whose input range the worst-case analysis ({@link RangeAnalysis}) cannot prove safe: for
     * measurements that check every result against a reference of their own ({@code bench --scale}, deep
     * networks with random weights whose real values stay far inside the ring while the bound does not). A
     * user's upload always goes through {@link #upload}.
     */
    public Upload uploadUnproven(ModelGraph g, String modelId, String ownerToken, FixedPoint fp, InputRange range) {
        return put(g, modelId, ownerToken, split(g, fp), range);
    }

    private Upload put(ModelGraph g, String modelId, String ownerToken, ModelShare[] shares, InputRange range) {
        if (!ModelIds.valid(modelId)) {
            throw new CloudException(ModelIds.RULE + ", not '" + ApiJson.printable(modelId) + "'");
        }
        if (uploadCredential == null) {
            throw new CloudException("uploading needs the cluster's upload credential (sonic serve prints it; pass it"
                    + " with --credential)");
        }
        byte[] structure = GraphCodec.structure(g);
        // one fresh mask key per upload, the same for both servers: it ties the mask-reuse masks to this upload
        ModelMeta meta = ModelMeta.withFreshMaskKey(range);
        long[] sizes = new long[2];
        for (int p = 0; p < 2; p++) {
            byte[] body = UploadCodec.encode(structure, meta, ShareCodec.encode(shares[p]));
            sizes[p] = body.length;
            check(p, sendRetrying(p, request(p, "/v1/models/" + modelId, ownerToken)
                    .header("Content-Type", "application/octet-stream").header(CREDENTIAL_HEADER, uploadCredential)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))), "uploading model '" + modelId + "'", null);
        }
        return new Upload(modelId, ownerToken, sizes, range);
    }

    public void delete(String modelId, String ownerToken) {
        for (int p = 0; p < 2; p++) {
            HttpRequest.Builder b = request(p, "/v1/models/" + modelId, ownerToken).DELETE();
            if (uploadCredential != null) {
                b.header(CREDENTIAL_HEADER, uploadCredential);
            }
            check(p, send(p, b), "deleting model '" + modelId + "'", null);
        }
    }

    // ----------------------------------------------------------------- user

    /**
     * Lets a caller steer a running query: cancel it, or (step mode) have both servers pause before each
     * layer until {@link #proceed} is called.
     */
    public static final class Control {
        private final boolean stepping;
        private volatile Runnable cancel;
        private volatile Runnable proceed;
        private volatile Runnable runToEnd;
        private volatile boolean cancelled;

        public Control() {
            this(false);
        }

        public Control(boolean stepping) {
            this.stepping = stepping;
        }

        public boolean stepping() {
            return stepping;
        }

        /** Ends the query on both servers. */
        public void cancel() {
            cancelled = true;
            Runnable c = cancel;
            if (c != null) {
                c.run();
            }
        }

        /** In step mode: lets both servers run the layer they paused before. */
        public void proceed() {
            Runnable p = proceed;
            if (p != null) {
                p.run();
            }
        }

        /** In step mode: lets both servers run every remaining layer without pausing. */
        public void runToEnd() {
            Runnable p = runToEnd;
            if (p != null) {
                p.run();
            }
        }

        public boolean cancelled() {
            return cancelled;
        }
    }

    /** Thrown when the user cancelled the query (not a failure). */
    public static final class CancelledException extends CloudException {
        public CancelledException() {
            super("cancelled by the user");
        }
    }

    /**
     * One secure query: opens a session on both servers, sends one input share to each, follows the
     * layer events of server 0 (passed to {@code events}), collects both output shares and
     * reconstructs. Throws a {@link CloudException} naming the server and the reason when either fails,
     * and a {@link ModelException} naming the column when a value lies outside the model's input range.
     */
    public InferenceResult infer(String modelId, float[] input, SecureConfig cfg, Consumer<SessionEvent> events) {
        return infer(modelId, input, cfg, events, shares -> { }, new Control());
    }

    /** The full form: events, the input shares sent, and a control for cancelling or stepping. */
    public InferenceResult infer(String modelId, float[] input, SecureConfig cfg, Consumer<SessionEvent> events,
                                 Consumer<SharedTensor[]> sharesSent, Control control) {
        return run(modelId, List.of(input), cfg, events, sharesSent, control).samples().get(0);
    }

    /**
     * A batch of queries in one session on each server: every round carries all of them, so the batch costs
     * one query's rounds; each query has its own shares and correlated randomness. Each sample's result has
     * its own output and the per-layer traffic of one query (the servers report the first query's layers;
     * every query's are the same, as the engine's tests check); the batch's own figures are the link's.
     */
    public BatchResult inferBatch(String modelId, List<float[]> inputs, SecureConfig cfg) {
        if (inputs.isEmpty() || inputs.size() > SessionRequest.MAX_BATCH) {
            throw new IllegalArgumentException("a batch has 1 to " + SessionRequest.MAX_BATCH + " inputs, not "
                    + inputs.size());
        }
        return run(modelId, inputs, cfg, null, shares -> { }, new Control());
    }

    private BatchResult run(String modelId, List<float[]> inputs, SecureConfig cfg, Consumer<SessionEvent> events,
                            Consumer<SharedTensor[]> sharesSent, Control control) {
        ModelInfo info = model(modelId);
        int[] inShape = info.inputShape();
        int[] outShape = info.outputShape();
        FixedPoint fp = new FixedPoint(info.fractionBits());
        int n = inputs.size();
        for (int k = 0; k < n; k++) {
            float[] input = inputs.get(k);
            if (input.length != Shapes.size(inShape)) {
                throw new ModelException((n == 1 ? "input" : "input " + (k + 1) + " of the batch") + " has "
                        + input.length + " values, but model '" + modelId + "' of input shape "
                        + Shapes.format(inShape) + " needs " + Shapes.size(inShape));
            }
            info.inputRange().check(input, n == 1 ? 0 : k + 1);
        }
        long start = System.nanoTime();
        UUID id = UUID.randomUUID();
        String token = io.sonic.cloud.server.Tokens.newToken();
        String opening = asciiJson(SessionRequest.of(id.toString(), modelId, cfg, control.stepping(), n));
        control.cancel = () -> onBoth(p -> {
            try {
                send(p, request(p, "/v1/sessions/" + id, token).DELETE());
            } catch (CloudException ignored) {
                // the other server still gets its cancel
            }
            return null;
        });
        control.proceed = () -> proceedBoth(id, token, false);
        control.runToEnd = () -> proceedBoth(id, token, true);
        List<List<SharedTensor>> shares = List.of(new ArrayList<>(), new ArrayList<>());
        for (float[] input : inputs) {
            SharedTensor[] in = SharedTensor.split(new RingTensor(inShape, fp.encode(input)), Prg.fresh());
            sharesSent.accept(in);
            shares.get(0).add(in[0]);
            shares.get(1).add(in[1]);
        }
        if (control.cancelled()) {
            throw new CancelledException();
        }
        // one request per server opens the session and hands it the input share (the session request in a header)
        try {
            onBoth(p -> check(p, sendRetrying(p, request(p, "/v1/sessions", token)
                            .header(SessionRequest.HEADER, opening)
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(ShareCodec.encodeTensor(
                                    SharedTensor.stack(shares.get(p)))))),
                    "opening a session with the input share" + (n == 1 ? "" : "s"), null));
        } catch (CloudException e) {
            control.cancel.run();
            throw control.cancelled() ? new CancelledException() : e;
        }
        if (control.cancelled()) {
            // cancelled while the session opened: a cancel sent before it existed found nothing to end
            control.cancel.run();
            throw new CancelledException();
        }
        Thread follower = events == null ? null : follow(id, token, events);
        int outSize = cfg.output() == SecureConfig.OutputMode.LABEL ? 1 : Shapes.size(outShape);
        SharedTensor[] out = new SharedTensor[2];
        long deadline = System.nanoTime() + (control.stepping() ? Duration.ofHours(3) : Duration.ofMinutes(10)).toNanos();
        long pause = 2;
        // each GET waits at the server until the session ends (a long poll), at most half the request timeout
        long waitMillis = Math.max(0, Math.min(OUTPUT_WAIT.toMillis(), timeout.toMillis() / 2));
        while (out[0] == null || out[1] == null) {
            boolean waited = false;
            long asked = System.nanoTime();
            // both servers' shares are asked for at once (a server whose share is in hand is not asked again)
            List<HttpResponse<byte[]>> answers = onBoth(p -> out[p] != null ? null : send(p, request(p,
                    "/v1/sessions/" + id + "/output?waitMillis=" + waitMillis, token).GET()));
            waited |= System.nanoTime() - asked >= waitMillis * 500_000;
            for (int p = 0; p < 2; p++) {
                HttpResponse<byte[]> r = answers.get(p);
                if (r == null) {
                    continue;
                }
                if (r.statusCode() == 200) {
                    try {
                        out[p] = ShareCodec.decodeTensor(r.body(), p, n * outSize);
                    } catch (io.sonic.cloud.wire.BadPayloadException e) {
                        control.cancel.run();
                        throw new CloudException("server " + p + " returned an output share that does not fit "
                                + (n == 1 ? "the model's output" : "the batch's " + n + " outputs") + ": "
                                + e.getMessage());
                    }
                } else if (r.statusCode() != 202) {
                    if (control.cancelled()) {
                        throw new CancelledException();
                    }
                    control.cancel.run();
                    throw new CloudException(errorOf(r));
                }
            }
            if (out[0] == null || out[1] == null) {
                if (System.nanoTime() > deadline) {
                    control.cancel.run();
                    throw new CloudException("secure inference did not finish in time");
                }
                if (!waited) {
                    // a server that answered at once (it does not wait): poll with a backoff
                    sleep(pause);
                    pause = Math.min(20, pause * 2);
                }
            }
        }
        long[] all = SharedTensor.reconstruct(new SharedTensor(0, new int[] {n * outSize}, out[0].values()),
                new SharedTensor(1, new int[] {n * outSize}, out[1].values())).values();
        long nanos = System.nanoTime() - start;
        if (follower != null) {
            try {
                follower.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<SessionStatus> both = onBoth(p -> check(p, send(p, request(p, "/v1/sessions/" + id, token).GET()),
                "reading the session status", SessionStatus.class));
        SessionStatus st = both.get(0);
        SessionStatus st1 = both.get(1);
        control.cancel.run();
        List<InferenceResult.LayerStat> layers = new ArrayList<>();
        Traffic perQuery = Traffic.ZERO;
        for (int i = 0; i < st.layers().size(); i++) {
            SessionEvent l = st.layers().get(i);
            long wire = n > 1 ? -1 : i < st1.layers().size() ? wire(l.wireBytesSent(), st1.layers().get(i).wireBytesSent())
                    : -1;
            InferenceResult.LayerStat stat = layerStat(l, wire);
            layers.add(stat);
            perQuery = perQuery.plus(stat.online());
        }
        long totalWire = wire(st.online().wireBytesSent(), st1.online().wireBytesSent());
        Traffic online = new Traffic(st.online().bytesSent(), st.online().bytesReceived(), st.online().messagesSent(),
                st.online().messagesReceived(), st.online().rounds());
        long onlineNanos = (long) (st.online().millis() * 1e6);
        long offline = st.offline().bytes();
        // without a dealer: what the servers sent each other to make the randomness (server 0's count)
        io.sonic.cloud.api.OnlineTraffic b = st.offline().betweenServers();
        Traffic made = b == null ? Traffic.ZERO : new Traffic(b.bytesSent(), b.bytesReceived(), b.messagesSent(),
                b.messagesReceived(), b.rounds());
        long madeNanos = b == null ? 0 : (long) (b.millis() * 1e6);
        // a batch's samples each show an equal share of the batch's (its items are the same for every sample)
        Traffic madeEach = n == 1 ? made : new Traffic(made.bytesSent() / n, made.bytesReceived() / n,
                made.messagesSent() / n, made.messagesReceived() / n, made.rounds() / n);
        long pausedNanos = (long) (st.online().pausedMillis() * 1e6);
        // the network the servers simulated: the session's, or the server's own (serve --link) when it asked none
        LinkProfile link = linkOf(st);
        List<InferenceResult> results = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            long[] y = java.util.Arrays.copyOfRange(all, k * outSize, (k + 1) * outSize);
            Traffic t = n == 1 ? online : perQuery;
            long wire = n == 1 ? totalWire : -1;
            long off = offline / n;
            results.add(cfg.output() == SecureConfig.OutputMode.LABEL
                    ? new InferenceResult(new double[0], (int) y[0], y, layers, t, wire, off, onlineNanos, madeNanos,
                    nanos, pausedNanos, link, madeEach)
                    : new InferenceResult(fp.decode(y), null, y, layers, t, wire, off, onlineNanos, madeNanos, nanos,
                    pausedNanos, link, madeEach));
        }
        return new BatchResult(results, online, onlineNanos, offline, madeNanos, nanos);
    }

    /** A value as JSON in ASCII (other characters escaped), as an HTTP header carries it. */
    static String asciiJson(Object value) {
        String json = ApiJson.writeString(value);
        StringBuilder b = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static LinkProfile linkOf(SessionStatus st) {
        try {
            return st.link() == null ? LinkProfile.LOOPBACK : LinkProfile.parse(st.link());
        } catch (IllegalArgumentException e) {
            throw new CloudException("server 0 reported a link this client does not know (" + e.getMessage()
                    + "); run the same Sonic version on every node");
        }
    }

    private void proceedBoth(UUID id, String token, boolean all) {
        for (int p = 0; p < 2; p++) {
            send(p, request(p, "/v1/sessions/" + id + "/continue" + (all ? "?all=true" : ""), token)
                    .POST(HttpRequest.BodyPublishers.noBody()));
        }
    }

    /** Bytes on the wire both ways: what each server wrote to its socket (-1 if either is unknown). */
    private static long wire(Long a, Long b) {
        return a == null || b == null || a < 0 || b < 0 ? -1 : a + b;
    }

    /**
     * A {@code layer-end} event as the engine's figures for that layer; {@code wire} is the bytes on the wire
     * both ways (-1 when unknown, as when only server 0's events are at hand).
     */
    public static InferenceResult.LayerStat layerStat(SessionEvent l, long wire) {
        return new InferenceResult.LayerStat(l.index(), l.name(), l.op(), protocolOf(l), traffic(l), wire,
                l.offlineBytes() == null ? 0 : l.offlineBytes(), (long) (l.millis() * 1e6), l.exchanges() == null
                ? List.of() : l.exchanges().stream().map(r -> new Round(r.what(), r.bytesSent(), r.bytesReceived()))
                .toList());
    }

    private static io.sonic.engine.protocol.ProtocolId protocolOf(SessionEvent e) {
        try {
            return io.sonic.engine.protocol.ProtocolId.parse(e.protocolId());
        } catch (IllegalArgumentException ex) {
            throw new CloudException("the server reported layer " + e.index() + " with " + ex.getMessage()
                    + "; run the same Sonic version on every node");
        }
    }

    private static Traffic traffic(SessionEvent e) {
        return new Traffic(e.bytesSent(), e.bytesReceived(), e.messagesSent(), e.messagesReceived(), e.rounds());
    }

    private Thread follow(UUID id, String token, Consumer<SessionEvent> events) {
        Thread t = new Thread(() -> {
            try {
                HttpResponse<InputStream> r = http.send(request(0, "/v1/sessions/" + id + "/events", token)
                        .timeout(Duration.ofHours(3)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    return;
                }
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("data: ")) {
                            SessionEvent e;
                            try {
                                e = ApiJson.answer(line.substring(6).getBytes(StandardCharsets.UTF_8),
                                        SessionEvent.class);
                            } catch (ApiJson.MalformedJsonException bad) {
                                continue;
                            }
                            events.accept(e);
                            if (e.terminal()) {
                                return;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // the event stream is informative only; the result comes from the output endpoints
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sonic-events");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException("interrupted");
        }
    }

    @Override
    public void close() {
        // java.net.http.HttpClient on Java 17 has no close; its threads are daemons
    }

    @Override
    public String toString() {
        return "CloudClient" + Arrays.asList(servers.get(0), servers.get(1));
    }
}
