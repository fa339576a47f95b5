package io.sonic.cloud;

import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.api.ModelMeta;
import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.api.Status;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.server.ModelStore;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.cloud.wire.UploadCodec;
import io.sonic.engine.InputRange;
import io.sonic.engine.ModelShare;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.ring.SharedTensor;
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
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What strangers can do to a cluster (dealer and both servers as three processes on loopback): slow and
 * partial requests, floods of sessions, step-mode sessions, event streams and uploads, a frozen peer, and
 * kill -9 at every step of an upload and a replace. Attackers come from other loopback addresses
 * (127.0.0.2 and up) than the legitimate user (127.0.0.1), as they would from other hosts. Each test
 * asserts that health answers within a second during the attack, that a normal query still succeeds, and
 * that nothing stays parked or half-written afterwards; it prints the figures it measured.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RobustnessTest {
    private static final long HEALTH_LIMIT_MILLIS = 1000;

    @TempDir
    static Path dir;
    static String secret;
    static NodeProcess dealer;
    static NodeProcess s0;
    static NodeProcess s1;
    static CloudClient client;
    static SSLContext tls;
    static SampleModels bc = new SampleModels("breast-cancer");

    @BeforeAll
    static void startCluster() throws Exception {
        secret = ClusterTrust.newSecret();
        NodeProcess.Cluster c = NodeProcess.Cluster.start(dir, secret, List.of("--input-wait-seconds", "8",
                "--max-models", "4"));
        dealer = c.dealer();
        s0 = c.s0();
        s1 = c.s1();
        ClusterTrust trust = ClusterTrust.fromSecret(secret);
        tls = ClientTrust.trusting(trust.caCertificate());
        client = CloudClient.connect(List.of(s0.url(), s1.url()), trust.caFingerprint(), Duration.ofSeconds(10),
                w -> { }).withUploadCredential(trust.uploadCredential());
        client.upload(bc.graph(), "bc", "owner", SecureConfig.DEFAULT.fixedPoint(), bc.inputRange());
    }

    @AfterAll
    static void stopCluster() {
        for (NodeProcess n : new NodeProcess[] {s1, s0, dealer}) {
            if (n != null) {
                n.stop();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** /v1/health over a fresh TLS connection; returns the milliseconds it took. */
    static long healthMillis(URI server) throws Exception {
        HttpClient once = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long t = System.nanoTime();
        HttpResponse<String> r = once.send(HttpRequest.newBuilder(server.resolve("/v1/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return (System.nanoTime() - t) / 1_000_000;
    }

    /** Health of both servers {@code times} times; asserts each answer within the limit, returns the worst. */
    static long healthUnder(String attack, int times) throws Exception {
        long worst = 0;
        for (int i = 0; i < times; i++) {
            for (NodeProcess s : new NodeProcess[] {s0, s1}) {
                long ms = healthMillis(s.url());
                assertTrue(ms < HEALTH_LIMIT_MILLIS, "health took " + ms + " ms under " + attack);
                worst = Math.max(worst, ms);
            }
        }
        return worst;
    }

    /**
     * A normal query of the legitimate user, with the command line a user runs
     * ({@code sonic infer --servers … --ca …}), gives the float model's label.
     */
    static void normalQuerySucceeds(String during) throws IOException {
        Path csv = dir.resolve("query.csv");
        Files.writeString(csv, Files.readAllLines(bc.dir().resolve("inputs.csv")).get(7) + "\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = io.sonic.cli.SonicCli.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "infer",
                "--model", bc.dir().resolve("breast-cancer.onnx").toString(), "--input", csv.toString(), "--model-id",
                "bc", "--servers", s0.url() + "," + s1.url(), "--ca", ClusterTrust.fromSecret(secret).caFingerprint());
        assertEquals(0, code, "sonic infer during " + during + ": " + err);
        assertTrue(out.toString().contains("labels agree with the float model on 1 of 1 samples"),
                "during " + during + ": " + out);
    }

    static Status status(int party) {
        return client.status(party);
    }

    /** Waits until nothing is left running or parked on either server. */
    static void nothingParked(String after) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Status a = status(0);
            Status b = status(1);
            boolean clean = a.workersBusy() == 0 && b.workersBusy() == 0 && a.sessionsRunning() == 0
                    && b.sessionsRunning() == 0 && a.streamsOpen() == 0 && b.streamsOpen() == 0
                    && a.threadsBusy() <= 12 && b.threadsBusy() <= 12;
            if (clean) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "left behind after " + after + ": workers " + a.workersBusy()
                    + "/" + b.workersBusy() + ", running " + a.sessionsRunning() + "/" + b.sessionsRunning()
                    + ", streams " + a.streamsOpen() + "/" + b.streamsOpen() + ", HTTP threads busy "
                    + a.threadsBusy() + "/" + b.threadsBusy());
            Thread.sleep(200);
        }
    }

    /** POST /v1/sessions with these headers and body, token t, on a connection of its own. */
    static RawHttp.Answer raw(URI server, Map<String, String> headers, byte[] body) throws IOException {
        try (RawHttp r = new RawHttp(tls, "127.0.0.6", server)) {
            return r.call("POST", "/v1/sessions", "t", headers, body);
        }
    }

    static byte[] sessionRequest(UUID id, boolean step) {
        return ("{\"sessionId\":\"" + id + "\",\"modelId\":\"bc\",\"step\":" + step + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ attacks

    @Test
    @Order(1)
    void slowAndPartialRequestsLeaveHealthFastAndNothingParked() throws Exception {
        List<Socket> held = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Socket>> opening = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int kind = i % 4;
                opening.add(pool.submit(() -> {
                    if (kind == 0) {  // TCP only, no TLS handshake
                        Socket s = new Socket();
                        s.bind(new InetSocketAddress("127.0.0.2", 0));
                        s.connect(new InetSocketAddress("127.0.0.1", s0.url().getPort()), 5000);
                        return s;
                    }
                    RawHttp r = new RawHttp(tls, "127.0.0.2", kind == 3 ? s1.url() : s0.url());
                    if (kind == 1) {  // half the request headers
                        r.out.write("POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor".getBytes(
                                StandardCharsets.US_ASCII));
                    } else {  // whole headers, a few body bytes of many announced
                        r.head("POST", "/v1/sessions", Map.of("Authorization", "Bearer t", "Content-Length", "60000"));
                        r.out.write("{\"sess".getBytes(StandardCharsets.US_ASCII));
                    }
                    r.out.flush();
                    return r.socket;
                }));
            }
            for (Future<Socket> f : opening) {
                held.add(f.get(60, TimeUnit.SECONDS));
            }
            long worst = healthUnder("300 slow or partial connections", 5);
            normalQuerySucceeds("300 slow or partial connections");
            Status st = status(0);
            System.out.printf("slow/partial flood: 300 connections held, health worst %d ms, HTTP threads busy %d,"
                    + " workers busy %d%n", worst, st.threadsBusy(), st.workersBusy());
            assertTrue(st.threadsBusy() <= 12, "slow bodies hold no thread: " + st.threadsBusy() + " busy");
        } finally {
            for (Socket s : held) {
                s.close();
            }
            pool.shutdownNow();
        }
        nothingParked("the slow-request flood");
    }

    @Test
    @Order(2)
    void aSessionFloodIsBoundedPerClientWhileOthersGoOn() throws Exception {
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger retryAfter = new AtomicInteger();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> flooders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            flooders.add(pool.submit(() -> {
                try (RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url())) {
                    for (int i = 0; i < 20_000 && System.nanoTime() < until; i++) {
                        RawHttp.Answer a = r.call("POST", "/v1/sessions", "t", sessionRequest(UUID.randomUUID(), false));
                        if (a.status() == 201) {
                            created.incrementAndGet();
                        } else {
                            assertEquals(503, a.status(), a.body());
                            refused.incrementAndGet();
                            retryAfter.addAndGet(a.headers().containsKey("retry-after") ? 1 : 0);
                        }
                    }
                }
                return null;
            }));
        }
        long worst = healthUnder("a session flood", 3);
        normalQuerySucceeds("a session flood");
        for (Future<?> f : flooders) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        System.out.printf("session flood: %d requests in 4 s, %d created, %d refused with 503, health worst %d ms%n",
                created.get() + refused.get(), created.get(), refused.get(), worst);
        assertEquals(64, created.get(), "at most the per-client limit is open at once");
        assertTrue(refused.get() > 100, "the flood was refused: " + refused.get());
        assertEquals(refused.get(), retryAfter.get(), "every refusal says when to retry");
        // the flood's sessions never got input and are dropped after the input wait (8 s here)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url())) {
                if (r.call("POST", "/v1/sessions", "t", sessionRequest(UUID.randomUUID(), false)).status() == 201) {
                    break;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the flood's sessions were never dropped");
            Thread.sleep(500);
        }
        nothingParked("the session flood");
    }

    @Test
    @Order(3)
    void stepModeSessionsAreCappedAndDeletingOneFreesItsWorkerAtOnce() throws Exception {
        byte[] input = ShareCodec.encodeTensor(new SharedTensor(0, bc.graph().inputShape(),
                new long[bc.graph().inputSize()]));
        byte[] input1 = ShareCodec.encodeTensor(new SharedTensor(1, bc.graph().inputShape(),
                new long[bc.graph().inputSize()]));
        List<UUID> paused = new ArrayList<>();
        int refusedPerClient = 0;
        int refusedInAll = 0;
        // addresses of their own: the session flood's (127.0.0.2) may still hold open sessions for a second or two
        for (String from : new String[] {"127.0.0.7", "127.0.0.8", "127.0.0.9"}) {
            for (int i = 0; i < 5; i++) {
                UUID id = UUID.randomUUID();
                try (RawHttp r = new RawHttp(tls, from, s0.url())) {
                    RawHttp.Answer open = r.call("POST", "/v1/sessions", "t", sessionRequest(id, true));
                    if (open.status() == 503) {
                        assertTrue(open.headers().containsKey("retry-after"));
                        if (open.body().contains("per client")) {
                            refusedPerClient++;
                        } else {
                            refusedInAll++;
                        }
                        continue;
                    }
                    assertEquals(201, open.status(), open.body());
                    assertEquals(202, r.call("PUT", "/v1/sessions/" + id + "/input", "t", input).status());
                    paused.add(id);
                }
                // server 1 gets the session too, as from a client that steps through a real query: the two
                // servers check they hold the same upload before the first layer, then both pause
                try (RawHttp r = new RawHttp(tls, from, s1.url())) {
                    assertEquals(201, r.call("POST", "/v1/sessions", "t", sessionRequest(id, true)).status());
                    assertEquals(202, r.call("PUT", "/v1/sessions/" + id + "/input", "t", input1).status());
                }
            }
        }
        assertEquals(8, paused.size(), "the step-mode limit of the server");
        assertEquals(2, refusedPerClient, "4 per client");
        assertEquals(5, refusedInAll, "8 in all");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (status(0).sessionsPaused() < 8) {
            assertTrue(System.nanoTime() < deadline, "sessions did not pause: " + status(0));
            Thread.sleep(100);
        }
        long worst = healthUnder("8 paused step-mode sessions", 3);
        normalQuerySucceeds("8 paused step-mode sessions");
        int before = status(0).workersBusy();
        try (RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url())) {
            long t = System.nanoTime();
            assertEquals(200, r.call("DELETE", "/v1/sessions/" + paused.get(0), "t", new byte[0]).status());
            while (status(0).workersBusy() != before - 1) {
                assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(2), "the deleted session's worker is"
                        + " still parked");
                Thread.sleep(20);
            }
            System.out.printf("step-mode flood: 8 paused, %d refused per client, %d refused in all, health worst %d ms,"
                    + " a deleted session's worker freed in %d ms%n", refusedPerClient, refusedInAll, worst,
                    (System.nanoTime() - t) / 1_000_000);
        }
        for (UUID id : paused.subList(1, paused.size())) {
            try (RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url())) {
                assertEquals(200, r.call("DELETE", "/v1/sessions/" + id, "t", new byte[0]).status());
            }
        }
        for (UUID id : paused) {
            try (RawHttp r = new RawHttp(tls, "127.0.0.2", s1.url())) {
                int st = r.call("DELETE", "/v1/sessions/" + id, "t", new byte[0]).status();
                assertTrue(st == 200 || st == 404, "server 1 ends or has ended its half: " + st);
            }
        }
        nothingParked("deleting the step-mode sessions");
    }

    @Test
    @Order(3)
    void aPausedStepModeSessionWhosePeerGaveUpFreesItsWorkerAtOnce() throws Exception {
        // a client that steps one server only: server 0 runs the first layer and waits for server 1, which stays
        // paused before it; when server 0 gives up, server 1's paused worker must end with it, not an hour later
        UUID id = UUID.randomUUID();
        int[] shape = bc.graph().inputShape();
        for (int p = 0; p < 2; p++) {
            try (RawHttp r = new RawHttp(tls, "127.0.0.5", (p == 0 ? s0 : s1).url())) {
                assertEquals(201, r.call("POST", "/v1/sessions", "t", sessionRequest(id, true)).status());
                assertEquals(202, r.call("PUT", "/v1/sessions/" + id + "/input", "t", ShareCodec.encodeTensor(
                        new SharedTensor(p, shape, new long[bc.graph().inputSize()]))).status());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (status(0).sessionsPaused() < 1 || status(1).sessionsPaused() < 1) {
            assertTrue(System.nanoTime() < deadline, "the session did not pause on both servers");
            Thread.sleep(50);
        }
        try (RawHttp r = new RawHttp(tls, "127.0.0.5", s0.url())) {
            assertEquals(200, r.call("POST", "/v1/sessions/" + id + "/continue", "t", new byte[0]).status());
        }
        // server 0 waits its 10 s for server 1's first message, then fails and tells server 1
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        String failed0 = null;
        while (failed0 == null) {
            assertTrue(System.nanoTime() < deadline, "server 0 did not give up");
            try (RawHttp r = new RawHttp(tls, "127.0.0.5", s0.url())) {
                RawHttp.Answer a = r.call("GET", "/v1/sessions/" + id, "t", new byte[0]);
                failed0 = a.body().contains("\"state\":\"failed\"") ? a.body() : null;
            }
            Thread.sleep(200);
        }
        long t = System.nanoTime();
        while (status(1).sessionsPaused() != 0 || status(1).workersBusy() != 0) {
            assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(3), "server 1's paused worker is still held"
                    + " after server 0 failed: " + status(1));
            Thread.sleep(50);
        }
        try (RawHttp r = new RawHttp(tls, "127.0.0.5", s1.url())) {
            RawHttp.Answer a = r.call("GET", "/v1/sessions/" + id, "t", new byte[0]);
            assertTrue(a.body().contains("\"state\":\"failed\"") && a.body().contains("server 1: server 0 ended the"
                    + " session: server 0: server 1 did not answer within"), a.body());
        }
        // a session opened with other settings on each server fails at once on both, saying so
        UUID mixed = UUID.randomUUID();
        String[] linear = {"faithful", "mask-reuse"};
        for (int p = 0; p < 2; p++) {
            try (RawHttp r = new RawHttp(tls, "127.0.0.5", (p == 0 ? s0 : s1).url())) {
                assertEquals(201, r.call("POST", "/v1/sessions", "t", ("{\"sessionId\":\"" + mixed + "\",\"modelId\":"
                        + "\"bc\",\"linear\":\"" + linear[p] + "\"}").getBytes(StandardCharsets.UTF_8)).status());
                assertEquals(202, r.call("PUT", "/v1/sessions/" + mixed + "/input", "t", ShareCodec.encodeTensor(
                        new SharedTensor(p, shape, new long[bc.graph().inputSize()]))).status());
            }
        }
        long t0 = System.nanoTime();
        for (int p = 0; p < 2; p++) {
            String body = null;
            while (body == null) {
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "the mixed session did not fail at once");
                try (RawHttp r = new RawHttp(tls, "127.0.0.5", (p == 0 ? s0 : s1).url())) {
                    RawHttp.Answer a = r.call("GET", "/v1/sessions/" + mixed, "t", new byte[0]);
                    body = a.body().contains("\"state\":\"failed\"") ? a.body() : null;
                }
                Thread.sleep(50);
            }
            assertTrue(body.contains("server 0 and server 1 were asked for different settings for this session")
                    && body.contains("linear=faithful") && body.contains("linear=mask-reuse"), body);
        }
        // a continue for a session that is not in step mode is refused, not silently accepted
        UUID plain = UUID.randomUUID();
        try (RawHttp r = new RawHttp(tls, "127.0.0.5", s0.url())) {
            assertEquals(201, r.call("POST", "/v1/sessions", "t", sessionRequest(plain, false)).status());
            RawHttp.Answer a = r.call("POST", "/v1/sessions/" + plain + "/continue", "t", new byte[0]);
            assertEquals(409, a.status(), a.body());
            assertTrue(a.body().contains("is not a step-mode session"), a.body());
            assertEquals(200, r.call("DELETE", "/v1/sessions/" + plain, "t", new byte[0]).status());
        }
        nothingParked("a step-mode session whose peer gave up");
    }

    @Test
    @Order(4)
    void aSessionOpenedWithItsInputRunsAtOnceAndARefusedOneLeavesNothingBehind() throws Exception {
        UUID id = UUID.randomUUID();
        int[] shape = bc.graph().inputShape();
        Map<String, String> opening = Map.of("Sonic-Session", new String(sessionRequest(id, false),
                StandardCharsets.US_ASCII), "Content-Type", "application/octet-stream");
        float[] x = bc.inputs().get(3);
        io.sonic.model.eval.FixedPoint fp = SecureConfig.DEFAULT.fixedPoint();  // as the model was uploaded
        SharedTensor[] in = SharedTensor.split(new io.sonic.engine.ring.RingTensor(shape, fp.encode(x)), Prg.fresh());
        // refused for its share, its header or its length (each on a connection of its own): each time the id stays free
        RawHttp.Answer a = raw(s0.url(), opening, ShareCodec.encodeTensor(in[1]));
        assertEquals(400, a.status(), a.body());
        assertTrue(a.body().contains("is server 1's share, but server 0's is expected"), a.body());
        a = raw(s0.url(), Map.of("Sonic-Session", "{\"sessionId\":"), ShareCodec.encodeTensor(in[0]));
        assertEquals(400, a.status(), a.body());
        assertTrue(a.body().contains("not valid JSON"), a.body());
        a = raw(s0.url(), opening, new byte[ShareCodec.encodeTensor(in[0]).length + 8]);
        assertEquals(413, a.status(), a.body());
        // opened on server 0 only, its worker waits for server 1 at the set-up; deleting the session frees it at once
        UUID alone = UUID.randomUUID();
        a = raw(s0.url(), Map.of("Sonic-Session", new String(sessionRequest(alone, false), StandardCharsets.US_ASCII)),
                ShareCodec.encodeTensor(in[0]));
        assertEquals(201, a.status(), a.body());
        long waitFrom = System.nanoTime();
        while (status(0).workersBusy() == 0) {
            assertTrue(System.nanoTime() - waitFrom < TimeUnit.SECONDS.toNanos(5), "the session never reached a worker");
            Thread.sleep(20);
        }
        try (RawHttp r = new RawHttp(tls, "127.0.0.6", s0.url())) {
            assertEquals(200, r.call("DELETE", "/v1/sessions/" + alone, "t", new byte[0]).status());
        }
        long deleted = System.nanoTime();
        while (status(0).workersBusy() != 0) {
            assertTrue(System.nanoTime() - deleted < TimeUnit.SECONDS.toNanos(2), "the deleted session's worker still"
                    + " waits for server 1");
            Thread.sleep(20);
        }
        List<long[]> out = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            a = raw((p == 0 ? s0 : s1).url(), opening, ShareCodec.encodeTensor(in[p]));
            assertEquals(201, a.status(), a.body());
            assertTrue(a.body().contains("\"state\":\"running\""), a.body());
        }
        for (int p = 0; p < 2; p++) {
            HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder((p == 0 ? s0 : s1).url().resolve("/v1/sessions/"
                    + id + "/output?waitMillis=10000")).header("Authorization", "Bearer t").timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            out.add(ShareCodec.decodeTensor(r.body(), p, bc.graph().outputSize()).values());
        }
        int[] outShape = {bc.graph().outputSize()};
        double[] y = fp.decode(SharedTensor.reconstruct(new SharedTensor(0, outShape, out.get(0)),
                new SharedTensor(1, outShape, out.get(1))).values());
        int label = 0;
        for (int i = 1; i < y.length; i++) {
            label = y[i] > y[label] ? i : label;
        }
        assertEquals(new FloatEvaluator(bc.graph()).run(x).argmax(), label);
        nothingParked("sessions opened with their input");
    }

    @Test
    @Order(5)
    void eventStreamsAreBoundedPerSessionAndClientAndOthersStillFollowTheirs() throws Exception {
        List<RawHttp> streams = new ArrayList<>();
        int perSession = 0;
        int perClient = 0;
        try {
            for (int k = 0; k < 10; k++) {
                UUID id = UUID.randomUUID();
                try (RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url())) {
                    assertEquals(201, r.call("POST", "/v1/sessions", "t", sessionRequest(id, false)).status());
                }
                for (int j = 0; j < 3; j++) {
                    RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url());
                    r.head("GET", "/v1/sessions/" + id + "/events", Map.of("Authorization", "Bearer t"));
                    RawHttp.Answer answer = r.read();  // headers only for a stream: its body is chunked and goes on
                    if (answer.status() == 200) {
                        assertEquals("text/event-stream", answer.headers().get("content-type"));
                        streams.add(r);
                    } else {
                        assertEquals(503, answer.status(), answer.body());
                        assertTrue(answer.headers().containsKey("retry-after"));
                        if (answer.body().contains("per session")) {
                            perSession++;
                        } else {
                            perClient++;
                        }
                        r.close();
                    }
                }
            }
            assertEquals(16, streams.size(), "16 streams per client");
            List<SessionEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            float[] x = bc.inputs().get(3);
            assertEquals(new FloatEvaluator(bc.graph()).run(x).argmax(),
                    client.infer("bc", x, SecureConfig.DEFAULT, seen::add).predictedLabel());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen.stream().noneMatch(SessionEvent::terminal)) {
                assertTrue(System.nanoTime() < deadline, "the user's own event stream got " + seen);
                Thread.sleep(50);
            }
            assertTrue(seen.stream().filter(e -> SessionEvent.LAYER_END.equals(e.type())).count()
                    == bc.graph().layers().size(), "every layer's event reached the user: " + seen);
            long worst = healthUnder("16 held event streams", 3);
            System.out.printf("event-stream flood: 16 held, %d refused per session, %d refused per client, health"
                    + " worst %d ms%n", perSession, perClient, worst);
            // sessions 1 to 8 get two streams each and refuse a third; sessions 9 and 10 find the client's 16 taken
            assertEquals(8, perSession, "a third stream on one session is refused");
            assertEquals(6, perClient, "streams beyond 16 per client are refused");
        } finally {
            streams.forEach(RawHttp::close);
        }
        // a client that went away frees its streams' slots at the next keep-alives (every 2 s), not later
        long closed = System.nanoTime();
        while (status(0).streamsOpen() != 0) {
            assertTrue(System.nanoTime() - closed < TimeUnit.SECONDS.toNanos(8), "streams still counted after their"
                    + " clients left: " + status(0).streamsOpen());
            Thread.sleep(100);
        }
        System.out.printf("event streams of clients gone freed after %d ms%n", (System.nanoTime() - closed) / 1_000_000);
        nothingParked("closing the event streams");
    }

    @Test
    @Order(6)
    void uploadsNeedTheCredentialAreRefusedBeforeTheirBodyAndRespectTheQuota() throws Exception {
        // a stranger announcing 262 MB gets 401 at once, before sending any of it
        try (RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url())) {
            long t = System.nanoTime();
            r.head("PUT", "/v1/models/big", Map.of("Authorization", "Bearer me", "Content-Length",
                    Long.toString(262L * 1024 * 1024)));
            RawHttp.Answer a = r.read();
            assertEquals(401, a.status(), a.body());
            assertTrue(a.body().contains("upload credential"), a.body());
            System.out.printf("upload without credential: refused in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        }
        String credential = ClusterTrust.fromSecret(secret).uploadCredential();
        try (RawHttp r = new RawHttp(tls, "127.0.0.2", s0.url())) {
            r.head("PUT", "/v1/models/big", Map.of("Authorization", "Bearer me", "Sonic-Upload-Credential", credential,
                    "Content-Length", Long.toString(300L * 1024 * 1024)));
            RawHttp.Answer a = r.read();
            assertEquals(413, a.status(), a.body());
        }
        // the store holds at most 4 models here: bc, then three more, then 507
        ModelGraph g = bc.graph();
        for (int i = 1; i <= 3; i++) {
            client.upload(g, "q" + i, "owner", SecureConfig.DEFAULT.fixedPoint(), bc.inputRange());
        }
        io.sonic.cloud.client.CloudException full = org.junit.jupiter.api.Assertions.assertThrows(
                io.sonic.cloud.client.CloudException.class,
                () -> client.upload(g, "q4", "owner", SecureConfig.DEFAULT.fixedPoint(), bc.inputRange()));
        assertTrue(full.getMessage().contains("HTTP 507") && full.getMessage().contains("--max-models"),
                full.getMessage());
        healthUnder("a full store", 2);
        for (int i = 1; i <= 3; i++) {
            client.delete("q" + i, "owner");
        }
        normalQuerySucceeds("after the store was full");
        nothingParked("the upload attempts");
    }

    @Test
    @Order(7)
    void aFrozenPeerShowsAsUnresponsiveWithinSecondsAndRejoinsWhenItThaws() throws Exception {
        s1.signal("STOP");
        long t = System.nanoTime();
        try {
            while (!client.health(0).peer().equals("unresponsive")) {
                assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(8), "server 0 still sees its frozen"
                        + " peer as " + client.health(0).peer());
                Thread.sleep(100);
            }
            long frozen = (System.nanoTime() - t) / 1_000_000;
            long worst = 0;
            for (int i = 0; i < 3; i++) {
                worst = Math.max(worst, healthMillis(s0.url()));
            }
            assertTrue(worst < HEALTH_LIMIT_MILLIS, "server 0's health took " + worst + " ms with a frozen peer");
            System.out.printf("frozen peer: server 0 reports it unresponsive after %d ms, its own health worst %d ms%n",
                    frozen, worst);
        } finally {
            s1.signal("CONT");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!client.health(0).peer().equals("connected") || !client.health(1).peer().equals("connected")) {
            assertTrue(System.nanoTime() < deadline, "the link did not come back");
            Thread.sleep(100);
        }
        normalQuerySucceeds("after the peer thawed");
        nothingParked("the frozen peer");
    }

    // ------------------------------------------------------------------ kill -9 during a store operation

    static byte[] uploadBody(InputRange range) {
        ModelGraph g = bc.graph();
        ModelShare[] shares = ModelShare.split(g, SecureConfig.DEFAULT.fixedPoint(), Prg.fresh());
        return UploadCodec.encode(GraphCodec.structure(g), new ModelMeta(range), ShareCodec.encode(shares[0]));
    }

    static NodeProcess lone(Path data, ModelStore.Step haltAt) throws Exception {
        List<String> jvm = haltAt == null ? List.of() : List.of("-Dsonic.store.haltAt=" + haltAt);
        return NodeProcess.start(jvm, List.of("serve", "--party", "0", "--port", "0", "--dealer",
                "https://127.0.0.1:9", "--data", data.toString(), "--secret", secret));
    }

    /** PUT one server's upload body; returns the status, or -1 when the server died before answering. */
    static int put(NodeProcess server, byte[] body) {
        try (RawHttp r = new RawHttp(tls, "127.0.0.1", server.url())) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Authorization", "Bearer owner");
            h.put("Sonic-Upload-Credential", ClusterTrust.fromSecret(secret).uploadCredential());
            h.put("Content-Length", Integer.toString(body.length));
            r.head("PUT", "/v1/models/bc", h);
            r.out.write(body);
            r.out.flush();
            return r.read().status();
        } catch (IOException e) {
            return -1;
        }
    }

    static InputRange storedRange(NodeProcess server) throws Exception {
        try (RawHttp r = new RawHttp(tls, "127.0.0.1", server.url())) {
            RawHttp.Answer a = r.call("GET", "/v1/models/bc", null, new byte[0]);
            return a.status() == 404 ? null
                    : ApiJson.answer(a.body().getBytes(StandardCharsets.UTF_8), io.sonic.cloud.api.ModelInfo.class)
                    .inputRange();
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }

    @Test
    @Order(8)
    void killMinusNineAtEveryStepOfAnUploadAndAReplaceNeverLosesTheModel() throws Exception {
        InputRange v1 = new InputRange(-5, 15);
        InputRange v2 = new InputRange(-4, 14);
        Path prepared = dir.resolve("kill-prepared");
        NodeProcess first = lone(prepared, null);
        assertEquals(201, put(first, uploadBody(v1)));
        first.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        int runs = 0;
        for (ModelStore.Step step : ModelStore.Step.values()) {
            boolean published = step.compareTo(ModelStore.Step.POINTER_RENAMED) >= 0;
            // a replace of v1 by v2, killed at this step
            Path data = dir.resolve("kill-replace-" + step);
            copy(prepared, data);
            NodeProcess dying = lone(data, step);
            assertEquals(-1, put(dying, uploadBody(v2)), "the server halts at " + step);
            assertTrue(dying.process().waitFor(10, TimeUnit.SECONDS));
            NodeProcess restarted = lone(data, null);
            try {
                assertEquals(published ? v2 : v1, storedRange(restarted), "after a kill at " + step + " of a replace");
                try (Stream<Path> left = Files.list(data.resolve("models").resolve("bc"))) {
                    assertEquals(2, left.count(), "the pointer and one version folder, nothing half-written");
                }
            } finally {
                restarted.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            runs++;
            if (step == ModelStore.Step.OLD_REMOVED) {
                continue;
            }
            // a first upload killed at this step: no model, or the whole model
            Path fresh = dir.resolve("kill-first-" + step);
            NodeProcess dyingFirst = lone(fresh, step);
            assertEquals(-1, put(dyingFirst, uploadBody(v1)));
            assertTrue(dyingFirst.process().waitFor(10, TimeUnit.SECONDS));
            NodeProcess again = lone(fresh, null);
            try {
                assertEquals(published ? v1 : null, storedRange(again), "after a kill at " + step + " of a first upload");
                try (Stream<Path> left = Files.list(fresh.resolve("models"))) {
                    assertEquals(published ? 1 : 0, left.count(), "nothing half-written is left");
                }
                // the owner's retry succeeds
                int retry = put(again, uploadBody(v1));
                assertEquals(published ? 200 : 201, retry);
            } finally {
                again.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            runs++;
        }
        System.out.printf("kill -9 during store operations: %d runs (every step of a replace and of a first upload),"
                + " no model lost%n", runs);
    }

    @Test
    @Order(9)
    void aDealerThatLostItsMaskSeedsCostsAtMostOneQueryAndTheServersOpenTheMasksAgain() throws Exception {
        SecureConfig reuse = SecureConfig.DEFAULT.withLinear(SecureConfig.LinearMode.MASK_REUSE);
        List<float[]> inputs = bc.inputs();
        FloatEvaluator plain = new FloatEvaluator(bc.graph());
        for (int i = 0; i < 3; i++) {
            // the servers open W − A once and then hold it, with deals fetched ahead for it
            assertEquals(plain.run(inputs.get(i)).argmax(), client.infer("bc", inputs.get(i), reuse, e -> { })
                    .predictedLabel());
        }
        // the dealer comes back on its address with an empty data folder: the mask generation the servers hold is gone
        long[] logFrom = {client.log(0, 0).next(), client.log(1, 0).next()};
        int port = dealer.url().getPort();
        dealer.stop();
        dealer = NodeProcess.start(List.of("dealer", "--port", Integer.toString(port), "--data",
                dir.resolve("dealer-new").toString(), "--secret", secret));
        int failed = 0;
        List<String> why = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] x = inputs.get(10 + i);
            try {
                assertEquals(plain.run(x).argmax(), client.infer("bc", x, reuse, e -> { }).predictedLabel());
            } catch (io.sonic.cloud.client.CloudException e) {
                failed++;
                why.add(e.getMessage());
                assertTrue(e.getMessage().contains("mask generation") && e.getMessage().contains("next query"),
                        e.getMessage());
            }
        }
        assertTrue(failed <= 1, failed + " of 8 queries failed after the dealer lost its seeds: " + why);
        for (int p = 0; p < 2; p++) {
            List<String> lines = client.log(p, logFrom[p]).entries().stream().map(io.sonic.cloud.api.LogEntry::text)
                    .toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("no longer keeps mask generation")), lines.toString());
            assertEquals(1, lines.stream().filter(l -> l.contains("opening the weight masks of model 'bc'")).count(),
                    "server " + p + " opened the masks again once: " + lines);
        }
        nothingParked("a dealer that lost its mask seeds");
    }
}
