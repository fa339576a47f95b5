package io.sonic.cloud.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonic.cloud.server.ModelStore;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.ModelShare;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.RingTensor;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.eval.FixedPoint;

import javax.net.ssl.SSLContext;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The model owner's and the user's side of the cloud: splits models and inputs locally (plaintext
 * never leaves this process), talks HTTPS to both servers trusting only the cluster CA, and
 * reconstructs results. Used by the command line and the desktop app.
 */
public final class CloudClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> servers;
    private final HttpClient http;
    private final X509Certificate ca;
    private final Duration timeout;

    private CloudClient(List<URI> servers, HttpClient http, X509Certificate ca, Duration timeout) {
        this.servers = servers;
        this.http = http;
        this.ca = ca;
        this.timeout = timeout;
    }

    /**
     * Connects to two servers. With {@code caFingerprint} the cluster CA must have that fingerprint;
     * without one the CA that server 0 presents is trusted on first use and reported through
     * {@code warn}.
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
        X509Certificate ca = fetchCa(servers.get(0), timeout);
        String fp = ClientTrust.fingerprint(ca);
        if (caFingerprint != null && !caFingerprint.equalsIgnoreCase(fp)) {
            throw new CloudException("server 0 presents cluster CA " + fp + ", not the pinned " + caFingerprint
                    + "; refusing to talk to it");
        }
        if (caFingerprint == null) {
            warn.accept("trusting the cluster CA " + fp + " that server 0 presented (pin it with --ca " + fp + ")");
        }
        SSLContext tls = ClientTrust.trusting(ca);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout).build();
        CloudClient c = new CloudClient(List.copyOf(servers), http, ca, timeout);
        for (int p = 0; p < 2; p++) {
            JsonNode h = c.getJson(p, "/v1/health");
            if (!h.has("party")) {
                throw new CloudException(servers.get(p) + " is not a Sonic server" + (h.has("role") ? " (it is the "
                        + h.get("role").asText() + ")" : ""));
            }
            if (h.get("party").asInt() != p) {
                throw new CloudException(servers.get(p) + " is server " + h.get("party").asInt() + ", expected server "
                        + p + " at this position");
            }
        }
        return c;
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
        }
    }

    public String caFingerprint() {
        return ClientTrust.fingerprint(ca);
    }

    public List<URI> servers() {
        return servers;
    }

    // ----------------------------------------------------------------- HTTP

    private HttpResponse<byte[]> send(int party, HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CloudException("server " + party + " (" + servers.get(party) + ") is unreachable ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException("interrupted");
        }
    }

    private HttpRequest.Builder request(int party, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(servers.get(party).resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private JsonNode check(int party, HttpResponse<byte[]> r, String what) {
        if (r.statusCode() / 100 != 2) {
            JsonNode n = parse(r.body());
            throw new CloudException(what + " failed on server " + party + " (HTTP " + r.statusCode() + "): "
                    + (n.has("error") ? n.get("error").asText() : "no details"));
        }
        return parse(r.body());
    }

    private JsonNode getJson(int party, String path) {
        return check(party, send(party, request(party, path, null).GET()), "GET " + path);
    }

    public JsonNode status(int party) {
        return getJson(party, "/v1/status");
    }

    public JsonNode models(int party) {
        return getJson(party, "/v1/models");
    }

    // ----------------------------------------------------------------- model owner

    /** What an upload produced: the model id and the owner token that guards it. */
    public record Upload(String modelId, String ownerToken, long[] bytesPerServer) {
    }

    /**
     * The model owner's split and upload: the plaintext model stays here; server p receives the public
     * structure and share p only.
     */
    public Upload upload(ModelGraph g, String modelId, String ownerToken, FixedPoint fp) {
        return upload(g, modelId, ownerToken, ModelShare.split(g, fp, Prg.fresh()));
    }

    /** Uploads shares the owner already made (for instance to show them first). */
    public Upload upload(ModelGraph g, String modelId, String ownerToken, ModelShare[] shares) {
        if (!ModelStore.ID.matcher(modelId).matches()) {
            throw new CloudException("a model id has 1 to 64 letters, digits, '.', '_' or '-'");
        }
        byte[] structure = GraphCodec.structure(g);
        long[] sizes = new long[2];
        for (int p = 0; p < 2; p++) {
            byte[] body = ModelStore.uploadBody(structure, ShareCodec.encode(shares[p]));
            sizes[p] = body.length;
            check(p, send(p, request(p, "/v1/models/" + modelId, ownerToken)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))), "uploading model '" + modelId + "'");
        }
        return new Upload(modelId, ownerToken, sizes);
    }

    public void delete(String modelId, String ownerToken) {
        for (int p = 0; p < 2; p++) {
            check(p, send(p, request(p, "/v1/models/" + modelId, ownerToken).DELETE()), "deleting model '" + modelId + "'");
        }
    }

    // ----------------------------------------------------------------- user

    /**
     * One secure query: opens a session on both servers, sends one input share to each, follows the
     * layer events of server 0 (passed to {@code events}), collects both output shares and
     * reconstructs. Throws a {@link CloudException} naming the server and the reason when either fails.
     */
    public InferenceResult infer(String modelId, float[] input, SecureConfig cfg, Consumer<JsonNode> events) {
        return infer(modelId, input, cfg, events, shares -> { });
    }

    /** As {@link #infer(String, float[], SecureConfig, Consumer)}, also handing out the two input shares sent. */
    public InferenceResult infer(String modelId, float[] input, SecureConfig cfg, Consumer<JsonNode> events,
                                 Consumer<SharedTensor[]> sharesSent) {
        return infer(modelId, input, cfg, events, sharesSent, new Control());
    }

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

    /** The full form: events, the input shares sent, and a control for cancelling or stepping. */
    public InferenceResult infer(String modelId, float[] input, SecureConfig cfg, Consumer<JsonNode> events,
                                 Consumer<SharedTensor[]> sharesSent, Control control) {
        JsonNode info = getJson(0, "/v1/models/" + modelId);
        int[] inShape = ints(info.get("inputShape"));
        int[] outShape = ints(info.get("outputShape"));
        FixedPoint fp = new FixedPoint(info.get("fractionBits").asInt());
        if (input.length != Shapes.size(inShape)) {
            throw new ModelException("input has " + input.length + " values, but model '" + modelId + "' of input shape "
                    + Shapes.format(inShape) + " needs " + Shapes.size(inShape));
        }
        long start = System.nanoTime();
        UUID id = UUID.randomUUID();
        String token = io.sonic.cloud.server.Tokens.newToken();
        Map<String, Object> open = new LinkedHashMap<>();
        open.put("sessionId", id.toString());
        open.put("modelId", modelId);
        open.put("linear", cfg.linear().cliName());
        open.put("truncation", cfg.truncation().name().toLowerCase());
        open.put("output", cfg.output().name().toLowerCase());
        open.put("step", control.stepping());
        byte[] openBody;
        try {
            openBody = JSON.writeValueAsBytes(open);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (int p = 0; p < 2; p++) {
            check(p, send(p, request(p, "/v1/sessions", token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(openBody))), "opening a session");
        }
        control.cancel = () -> {
            for (int p = 0; p < 2; p++) {
                try {
                    send(p, request(p, "/v1/sessions/" + id, token).DELETE());
                } catch (CloudException ignored) {
                    // the other server still gets its cancel
                }
            }
        };
        control.proceed = () -> proceedBoth(id, token, false);
        control.runToEnd = () -> proceedBoth(id, token, true);
        if (control.cancelled()) {
            control.cancel();
            throw new CloudException("cancelled by the user");
        }
        Thread follower = events == null ? null : follow(id, token, events);
        SharedTensor[] in = SharedTensor.split(new RingTensor(inShape, fp.encode(input)), Prg.fresh());
        sharesSent.accept(in);
        for (int p = 0; p < 2; p++) {
            check(p, send(p, request(p, "/v1/sessions/" + id + "/input", token)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(ShareCodec.encodeTensor(in[p])))), "sending the input share");
        }
        SharedTensor[] out = new SharedTensor[2];
        long deadline = System.nanoTime() + (control.stepping() ? Duration.ofHours(3) : Duration.ofMinutes(10)).toNanos();
        long pause = 2;
        while (out[0] == null || out[1] == null) {
            for (int p = 0; p < 2; p++) {
                if (out[p] != null) {
                    continue;
                }
                HttpResponse<byte[]> r = send(p, request(p, "/v1/sessions/" + id + "/output", token).GET());
                if (r.statusCode() == 200) {
                    out[p] = ShareCodec.decodeTensor(r.body(), p, null);
                } else if (r.statusCode() != 202) {
                    if (control.cancelled()) {
                        throw new CloudException("cancelled by the user");
                    }
                    JsonNode n = parse(r.body());
                    throw new CloudException("secure inference failed: " + (n.has("error") ? n.get("error").asText()
                            : "server " + p + " answered HTTP " + r.statusCode()));
                }
            }
            if (out[0] == null || out[1] == null) {
                if (System.nanoTime() > deadline) {
                    throw new CloudException("secure inference did not finish in time");
                }
                sleep(pause);
                pause = Math.min(20, pause * 2);
            }
        }
        long[] y = SharedTensor.reconstruct(out[0], out[1]).values();
        long nanos = System.nanoTime() - start;
        if (follower != null) {
            try {
                follower.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        JsonNode st = check(0, send(0, request(0, "/v1/sessions/" + id, token).GET()), "reading the session status");
        JsonNode st1 = check(1, send(1, request(1, "/v1/sessions/" + id, token).GET()), "reading the session status");
        send(0, request(0, "/v1/sessions/" + id, token).DELETE());
        send(1, request(1, "/v1/sessions/" + id, token).DELETE());
        List<InferenceResult.LayerStat> layers = new ArrayList<>();
        JsonNode layers1 = st1.get("layers");
        for (int i = 0; i < st.get("layers").size(); i++) {
            JsonNode l = st.get("layers").get(i);
            long wire = i < layers1.size() ? wire(l, layers1.get(i)) : -1;
            layers.add(new InferenceResult.LayerStat(l.get("index").asInt(), l.get("name").asText(), l.get("op").asText(),
                    l.get("protocol").asText(), traffic(l), wire, l.get("offlineBytes").asLong(),
                    (long) (l.get("millis").asDouble() * 1e6)));
        }
        long totalWire = wire(st.get("online"), st1.get("online"));
        JsonNode on = st.get("online");
        Traffic online = traffic(on);
        long onlineNanos = (long) (on.get("millis").asDouble() * 1e6);
        long offline = st.get("offline").get("bytes").asLong();
        if (cfg.output() == SecureConfig.OutputMode.LABEL) {
            return new InferenceResult(new double[0], (int) y[0], y, layers, online, totalWire, offline,
                    onlineNanos, 0, nanos);
        }
        if (y.length != Shapes.size(outShape)) {
            throw new CloudException("the servers returned " + y.length + " values for an output of shape "
                    + Shapes.format(outShape));
        }
        return new InferenceResult(fp.decode(y), null, y, layers, online, totalWire, offline,
                onlineNanos, 0, nanos);
    }

    private void proceedBoth(UUID id, String token, boolean all) {
        for (int p = 0; p < 2; p++) {
            send(p, request(p, "/v1/sessions/" + id + "/continue" + (all ? "?all=true" : ""), token)
                    .POST(HttpRequest.BodyPublishers.noBody()));
        }
    }

    /** Bytes on the wire both ways: what each server wrote to its socket (-1 if either is unknown). */
    private static long wire(JsonNode s0, JsonNode s1) {
        long a = s0.path("wireBytesSent").asLong(-1);
        long b = s1.path("wireBytesSent").asLong(-1);
        return a < 0 || b < 0 ? -1 : a + b;
    }

    private static Traffic traffic(JsonNode n) {
        return new Traffic(n.get("bytesSent").asLong(), n.get("bytesReceived").asLong(), n.get("messagesSent").asLong(),
                n.get("messagesReceived").asLong(), n.get("rounds").asLong(), (long) (n.get("millis").asDouble() * 1e6));
    }

    private Thread follow(UUID id, String token, Consumer<JsonNode> events) {
        Thread t = new Thread(() -> {
            try {
                HttpResponse<InputStream> r = http.send(request(0, "/v1/sessions/" + id + "/events", token)
                        .timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    return;
                }
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("data: ")) {
                            JsonNode e = parse(line.substring(6).getBytes(StandardCharsets.UTF_8));
                            events.accept(e);
                            String type = e.path("type").asText();
                            if (type.equals("done") || type.equals("failed")) {
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

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
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
}
