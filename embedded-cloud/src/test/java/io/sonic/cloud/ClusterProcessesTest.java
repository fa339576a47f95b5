package io.sonic.cloud;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.CloudException;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.cloud.tls.NodeIdentity;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dealer and both servers as three separate JVM processes on loopback, started with the real
 * command line: upload, inference equal to the in-process run, tokens, foreign certificates,
 * malformed payloads, a peer killed mid-inference and restarted, and concurrent sessions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterProcessesTest {

    @TempDir
    static Path dir;
    static String secret;
    static NodeProcess dealer;
    static NodeProcess s0;
    static NodeProcess s1;
    static CloudClient client;
    static HttpClient user;

    static NodeProcess startServer1(int port) throws Exception {
        return NodeProcess.Cluster.startServer1(dir, secret, s0, dealer, port, List.of());
    }

    @BeforeAll
    static void startCluster() throws Exception {
        secret = ClusterTrust.newSecret();
        NodeProcess.Cluster c = NodeProcess.Cluster.start(dir, secret, List.of());
        dealer = c.dealer();
        s0 = c.s0();
        s1 = c.s1();
        String ca = ClusterTrust.fromSecret(secret).caFingerprint();
        client = CloudClient.connect(List.of(s0.url(), s1.url()), ca, Duration.ofSeconds(10), w -> { })
                .withUploadCredential(ClusterTrust.fromSecret(secret).uploadCredential());
        user = HttpClient.newBuilder().sslContext(ClientTrust.trusting(ClusterTrust.fromSecret(secret).caCertificate()))
                .build();
        client.upload(new SampleModels("mnist-m2").graph(), "m2", "owner-token-1", SecureConfig.DEFAULT.fixedPoint(),
                new SampleModels("mnist-m2").inputRange());
        client.upload(new SampleModels("breast-cancer").graph(), "bc", "owner-token-1", SecureConfig.DEFAULT.fixedPoint(),
                new SampleModels("breast-cancer").inputRange());
    }

    @AfterAll
    static void stopCluster() {
        for (NodeProcess n : new NodeProcess[] {s1, s0, dealer}) {
            if (n != null) {
                n.stop();
            }
        }
    }

    static HttpResponse<String> call(HttpRequest.Builder b) throws Exception {
        return user.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void resultsAndOnlineBytesEqualTheInProcessRun() {
        SampleModels m2 = new SampleModels("mnist-m2");
        ModelGraph g = m2.graph();
        FloatEvaluator f = new FloatEvaluator(g);
        for (SecureConfig cfg : new SecureConfig[] {SecureConfig.DEFAULT,
            SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS)}) {
            sameAsInProcess(m2, g, f, cfg);
        }
        // each node's own log says what happened, in words
        for (int p = 0; p < 2; p++) {
            List<String> lines = client.log(p, 0).entries().stream().map(io.sonic.cloud.api.LogEntry::text).toList();
            assertTrue(lines.contains("link to server " + (1 - p) + " is up"), lines.toString());
            // a query that used randomness fetched ahead names the deal
            String ahead = "(, randomness fetched ahead \\(deal [0-9a-f]{8}\\))?";
            assertTrue(lines.stream().anyMatch(l -> l.matches("session [0-9a-f]{8} done: 1,861,440 bytes in 64 rounds,"
                    + " [0-9.]+ ms online" + ahead)), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.matches("session [0-9a-f]{8} done: 797,664 bytes in 15 rounds,"
                    + " [0-9.]+ ms online" + ahead)), "the FSS suite's query: " + lines);
            assertTrue(lines.stream().noneMatch(l -> l.contains(" done: ") && !l.matches(
                    "session [0-9a-f]{8} done: ([0-9]+ queries, )?[0-9,]+ bytes in [0-9]+ rounds, [0-9.]+ ms online" + ahead)),
                    "every query's line has the documented form: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("model 'm2' stored")), lines.toString());
            long last = client.log(p, 0).next();
            assertTrue(client.log(p, last).entries().isEmpty(), "nothing after the last entry");
        }
    }

    /** Dealer and both servers as separate processes give what one process gives, for a configuration. */
    private static void sameAsInProcess(SampleModels m2, ModelGraph g, FloatEvaluator f, SecureConfig cfg) {
        try (SecureInference local = new SecureInference(g, cfg)) {
            for (float[] x : m2.inputs().subList(0, 3)) {
                InferenceResult remote = client.infer("m2", x, cfg, e -> { });
                InferenceResult inProcess = local.infer(x);
                assertEquals(inProcess.online().bytes(), remote.online().bytes());
                assertEquals(inProcess.online().rounds(), remote.online().rounds());
                assertEquals(inProcess.offlineBytes(), remote.offlineBytes());
                assertEquals(f.run(x).argmax(), remote.predictedLabel());
                for (int i = 0; i < remote.output().length; i++) {
                    assertEquals(inProcess.output()[i], remote.output()[i], 1e-3);
                }
                assertTrue(remote.wireBytes() > remote.online().bytes(), "wire bytes include TLS and framing");
                assertEquals(inProcess.layers().size(), remote.layers().size());
                for (int i = 0; i < remote.layers().size(); i++) {
                    assertEquals(inProcess.layers().get(i).protocol(), remote.layers().get(i).protocol());
                    assertEquals(inProcess.layers().get(i).offlineBytes(), remote.layers().get(i).offlineBytes());
                }
            }
        }
    }

    @Test
    @Order(2)
    void wrongOrMissingTokensAreRefused() throws Exception {
        String body = "{\"sessionId\":\"" + UUID.randomUUID() + "\",\"modelId\":\"bc\"}";
        URI sessions = s0.url().resolve("/v1/sessions");
        assertEquals(401, call(HttpRequest.newBuilder(sessions).POST(HttpRequest.BodyPublishers.ofString(body))).statusCode());
        HttpResponse<String> ok = call(HttpRequest.newBuilder(sessions).header("Authorization", "Bearer right")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(201, ok.statusCode(), ok.body());
        String id = body.substring(14, 50);
        URI session = s0.url().resolve("/v1/sessions/" + id);
        assertEquals(401, call(HttpRequest.newBuilder(session).GET()).statusCode());
        // a wrong token and an unknown session get the same answer: session ids cannot be probed
        HttpResponse<String> wrong = call(HttpRequest.newBuilder(session).header("Authorization", "Bearer wrong").GET());
        assertEquals(404, wrong.statusCode());
        assertTrue(wrong.body().contains("with this token"), wrong.body());
        String other = UUID.randomUUID().toString();
        HttpResponse<String> unknown = call(HttpRequest.newBuilder(s0.url().resolve("/v1/sessions/" + other))
                .header("Authorization", "Bearer wrong").GET());
        assertEquals(404, unknown.statusCode());
        assertEquals(wrong.body().replace(id, other), unknown.body());
        assertEquals(200, call(HttpRequest.newBuilder(session).header("Authorization", "Bearer right").GET()).statusCode());
        // the owner token guards the model
        ModelGraph g = new SampleModels("breast-cancer").graph();
        CloudException e = assertThrows(CloudException.class,
                () -> client.upload(g, "bc", "another-owner", SecureConfig.DEFAULT.fixedPoint(),
                        new SampleModels("breast-cancer").inputRange()));
        assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
        assertThrows(CloudException.class, () -> client.delete("bc", "another-owner"));
        assertEquals(401, call(HttpRequest.newBuilder(s0.url().resolve("/v1/models/bc")).DELETE()).statusCode());
    }

    @Test
    @Order(3)
    void malformedPayloadsGet4xxWithAMessage() throws Exception {
        String id = UUID.randomUUID().toString();
        call(HttpRequest.newBuilder(s1.url().resolve("/v1/sessions")).header("Authorization", "Bearer t")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"" + id + "\",\"modelId\":\"bc\"}")));
        URI input = s1.url().resolve("/v1/sessions/" + id + "/input");
        // a long poll of the output answers 202 once its wait is over (the session has no input yet)
        long asked = System.nanoTime();
        HttpResponse<String> notYet = call(HttpRequest.newBuilder(s1.url().resolve("/v1/sessions/" + id
                + "/output?waitMillis=300")).header("Authorization", "Bearer t").GET());
        assertEquals(202, notYet.statusCode(), notYet.body());
        assertTrue(System.nanoTime() - asked >= 290_000_000L, "the server waited before it answered 202");
        HttpResponse<String> badWait = call(HttpRequest.newBuilder(s1.url().resolve("/v1/sessions/" + id
                + "/output?waitMillis=99999")).header("Authorization", "Bearer t").GET());
        assertEquals(400, badWait.statusCode(), badWait.body());
        assertTrue(badWait.body().contains("waitMillis must be a whole number of milliseconds from 0 to 30000"),
                badWait.body());
        HttpResponse<String> garbage = call(HttpRequest.newBuilder(input).header("Authorization", "Bearer t")
                .PUT(HttpRequest.BodyPublishers.ofByteArray("not a share".getBytes(StandardCharsets.UTF_8))));
        assertEquals(400, garbage.statusCode());
        assertTrue(garbage.body().contains("error"), garbage.body());
        var wrongShape = io.sonic.cloud.wire.ShareCodec.encodeTensor(
                new io.sonic.engine.ring.SharedTensor(1, new int[] {1, 29}, new long[29]));
        HttpResponse<String> shape = call(HttpRequest.newBuilder(input).header("Authorization", "Bearer t")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(wrongShape)));
        assertEquals(400, shape.statusCode(), shape.body());
        byte[] right = io.sonic.cloud.wire.ShareCodec.encodeTensor(
                new io.sonic.engine.ring.SharedTensor(1, new int[] {1, 30}, new long[30]));
        HttpResponse<String> truncated = call(HttpRequest.newBuilder(input).header("Authorization", "Bearer t")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(right, right.length - 5))));
        assertEquals(400, truncated.statusCode(), truncated.body());
        // a body announced longer than an input share is refused before any of it is sent
        try (RawHttp raw = new RawHttp(ClientTrust.trusting(ClusterTrust.fromSecret(secret).caCertificate()),
                "127.0.0.1", s1.url())) {
            raw.head("PUT", input.getPath(), java.util.Map.of("Authorization", "Bearer t", "Content-Length",
                    Long.toString(65L * 1024 * 1024)));
            RawHttp.Answer big = raw.read();
            assertEquals(413, big.status(), big.body());
            assertEquals("close", big.headers().get("connection"));
        }
        assertEquals(404, call(HttpRequest.newBuilder(s1.url().resolve("/v1/sessions/" + UUID.randomUUID()))
                .header("Authorization", "Bearer t").GET()).statusCode());
        assertEquals(400, call(HttpRequest.newBuilder(s1.url().resolve("/v1/sessions"))
                .header("Authorization", "Bearer t").POST(HttpRequest.BodyPublishers.ofString("{oops"))).statusCode());
        assertEquals(400, call(HttpRequest.newBuilder(s1.url().resolve("/v1/sessions"))
                .header("Authorization", "Bearer t").POST(HttpRequest.BodyPublishers.ofString("null"))).statusCode());
        for (String[] c : new String[][] {{"\"batch\":0", "batch must be between 1 and 256, not 0"},
                {"\"batch\":257", "batch must be between 1 and 256, not 257"},
                {"\"batch\":2,\"step\":true", "step mode runs one query at a time"},
                {"\"link\":\"moon\"", "link must be loopback, lan, wan"},
                {"\"link\":\"latency=99s\"", "link latency must be at most 10 s"}}) {
            HttpResponse<String> refused = call(HttpRequest.newBuilder(s1.url().resolve("/v1/sessions"))
                    .header("Authorization", "Bearer t").POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\""
                            + UUID.randomUUID() + "\",\"modelId\":\"bc\"," + c[0] + "}")));
            assertEquals(400, refused.statusCode(), c[0] + ": " + refused.body());
            assertTrue(refused.body().contains(c[1]), refused.body());
        }
        byte[] badModel = io.sonic.cloud.wire.UploadCodec.encode("{}".getBytes(StandardCharsets.UTF_8),
                new io.sonic.cloud.api.ModelMeta(new io.sonic.engine.InputRange(0, 1)), new byte[10]);
        String credential = ClusterTrust.fromSecret(secret).uploadCredential();
        HttpResponse<String> noCredential = call(HttpRequest.newBuilder(s0.url().resolve("/v1/models/x1"))
                .header("Authorization", "Bearer o").PUT(HttpRequest.BodyPublishers.ofByteArray(badModel)));
        assertEquals(401, noCredential.statusCode(), noCredential.body());
        HttpResponse<String> wrongCredential = call(HttpRequest.newBuilder(s0.url().resolve("/v1/models/x1"))
                .header("Authorization", "Bearer o").header("Sonic-Upload-Credential", credential + "x")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(badModel)));
        assertEquals(403, wrongCredential.statusCode(), wrongCredential.body());
        HttpResponse<String> badUpload = call(HttpRequest.newBuilder(s0.url().resolve("/v1/models/x1"))
                .header("Authorization", "Bearer o").header("Sonic-Upload-Credential", credential)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(badModel)));
        assertEquals(400, badUpload.statusCode(), badUpload.body());
    }

    @Test
    @Order(4)
    void foreignCertificatesAndUsersAreKeptOffTheNodeEndpoints() throws Exception {
        // a user (no client certificate) may not use the dealer
        HttpResponse<String> dealerAsUser = call(HttpRequest.newBuilder(dealer.url().resolve("/v1/deals/"
                + UUID.randomUUID())).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(403, dealerAsUser.statusCode(), dealerAsUser.body());
        // a node of another cluster is refused during the TLS handshake
        ClusterTrust foreign = ClusterTrust.fromSecret(ClusterTrust.newSecret());
        NodeIdentity impostor = foreign.issue("sonic-party-1", List.of(), List.of());
        SSLContext ctx = io.sonic.cloud.tls.NodeIdentityTestAccess.contextTrusting(impostor,
                ClusterTrust.fromSecret(secret).caCertificate());
        HttpClient foreignClient = HttpClient.newBuilder().sslContext(ctx).build();
        assertThrows(IOException.class, () -> foreignClient.send(HttpRequest.newBuilder(s0.url().resolve("/v1/link"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        assertThrows(IOException.class, () -> foreignClient.send(HttpRequest.newBuilder(dealer.url().resolve(
                "/v1/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        // a user (trusting the cluster CA but without a node certificate) cannot open the peer link
        org.eclipse.jetty.util.ssl.SslContextFactory.Client ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
        ssl.setSslContext(ClientTrust.trusting(ClusterTrust.fromSecret(secret).caCertificate()));
        org.eclipse.jetty.io.ClientConnector connector = new org.eclipse.jetty.io.ClientConnector();
        connector.setSslContextFactory(ssl);
        org.eclipse.jetty.websocket.client.WebSocketClient ws = new org.eclipse.jetty.websocket.client.WebSocketClient(
                new org.eclipse.jetty.client.HttpClient(
                        new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector)));
        ws.start();
        try {
            java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> ws.connect(new org.eclipse.jetty.websocket.api.Session.Listener.AutoDemanding() { },
                            URI.create(s0.url().toString().replace("https", "wss") + "/v1/link"))
                            .get(10, TimeUnit.SECONDS));
            assertTrue(String.valueOf(refused.getCause()).contains("403"), String.valueOf(refused.getCause()));
        } finally {
            ws.stop();
        }
        assertTrue(GraphCodec.structureHash(new SampleModels("breast-cancer").graph()).length() == 64);
    }

    @Test
    @Order(5)
    void twentyConcurrentSessionsAllGiveTheFloatLabel() throws Exception {
        SampleModels m2 = new SampleModels("mnist-m2");
        FloatEvaluator f = new FloatEvaluator(m2.graph());
        List<float[]> inputs = m2.inputs();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                float[] x = inputs.get(10 + k);
                results.add(pool.submit(() -> new int[] {client.infer("m2", x, SecureConfig.DEFAULT, e -> { })
                        .predictedLabel(), f.run(x).argmax()}));
            }
            for (Future<int[]> r : results) {
                int[] labels = r.get(3, TimeUnit.MINUTES);
                assertEquals(labels[1], labels[0]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(6)
    void aPeerKilledMidInferenceEndsTheSessionClearlyAndARestartedPeerRejoins() throws Exception {
        client.upload(new SampleModels("cifar-c1").graph(), "c1", "owner-token-1", SecureConfig.DEFAULT.fixedPoint(),
                new SampleModels("cifar-c1").inputRange());
        float[] x = new SampleModels("cifar-c1").inputs().get(0);
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Future<InferenceResult> running = one.submit(() -> client.infer("c1", x, SecureConfig.DEFAULT, e -> { }));
            Thread.sleep(400);
            long killed = System.nanoTime();
            s1.process().destroyForcibly();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> running.get(30, TimeUnit.SECONDS));
            double seconds = (System.nanoTime() - killed) / 1e9;
            assertTrue(e.getCause() instanceof CloudException, String.valueOf(e.getCause()));
            String m = e.getCause().getMessage();
            assertTrue(m.contains("server 1") || m.contains("unreachable"), m);
            assertTrue(seconds < 10, "the failure took " + seconds + " s");
        } finally {
            one.shutdownNow();
        }
        s1.process().waitFor(10, TimeUnit.SECONDS);
        s1 = startServer1(s1.url().getPort());
        s1.awaitLine("link to server 0 is up");
        // the restarted server loaded its shares from its data folder
        SampleModels m2 = new SampleModels("mnist-m2");
        float[] y = m2.inputs().get(5);
        assertEquals(new FloatEvaluator(m2.graph()).run(y).argmax(),
                client.infer("m2", y, SecureConfig.DEFAULT, ev -> { }).predictedLabel());
    }

    @Test
    @Order(7)
    void aSecondLinkConnectionThatComesAndGoesDoesNotBreakTheLink() throws Exception {
        NodeIdentity s1Identity = NodeIdentity.loadOrCreate(dir.resolve("s1"), ClusterTrust.fromSecret(secret),
                "sonic-party-1", List.of(), List.of());
        org.eclipse.jetty.io.ClientConnector connector = new org.eclipse.jetty.io.ClientConnector();
        connector.setSslContextFactory(s1Identity.jettyClient(false));
        org.eclipse.jetty.websocket.client.WebSocketClient ws = new org.eclipse.jetty.websocket.client.WebSocketClient(
                new org.eclipse.jetty.client.HttpClient(
                        new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector)));
        ws.start();
        try {
            org.eclipse.jetty.websocket.api.Session extra = ws.connect(
                    new org.eclipse.jetty.websocket.api.Session.Listener.AutoDemanding() { },
                    URI.create(s0.url().toString().replace("https", "wss") + "/v1/link")).get(10, TimeUnit.SECONDS);
            // server 1 notices it was replaced and dials again, replacing this connection in turn; only then
            // does this (now old) connection close, which must not take the current link down
            Thread.sleep(3000);
            extra.close();
            Thread.sleep(1000);
        } finally {
            ws.stop();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(client.status(0).peer().equals("connected") && client.status(1).peer().equals("connected"))) {
            assertTrue(System.nanoTime() < deadline, "the link did not recover: " + client.status(0));
            Thread.sleep(200);
        }
        SampleModels bc = new SampleModels("breast-cancer");
        float[] x = bc.inputs().get(3);
        assertEquals(new FloatEvaluator(bc.graph()).run(x).argmax(),
                client.infer("bc", x, SecureConfig.DEFAULT, e -> { }).predictedLabel());
    }
}
