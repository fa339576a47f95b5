package io.sonic.cloud;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.CloudException;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.Plan;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.engine.ot.OtPreprocessing;
import io.sonic.engine.ot.OtSession;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster without any dealer process: the two servers, each its own JVM started with the real command line
 * and no --dealer, make every query's randomness themselves with oblivious transfer.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DealerlessClusterTest {
    @TempDir
    static Path dir;
    static NodeProcess s0;
    static NodeProcess s1;
    static CloudClient client;
    static String secret;

    @BeforeAll
    static void start() throws Exception {
        secret = ClusterTrust.newSecret();
        // without a dealer a server holds an item's OT corrections both ways: M2's largest is 106 MB each way
        s0 = NodeProcess.start(List.of("-Xmx1536m"), List.of("serve", "--party", "0", "--port", "0", "--data", dir.resolve("s0").toString(),
                "--secret", secret));
        s0.awaitLine("none: the servers make every query's randomness themselves");
        s1 = NodeProcess.start(List.of("-Xmx1536m"), List.of("serve", "--party", "1", "--port", "0", "--peer", s0.url().toString(), "--data",
                dir.resolve("s1").toString(), "--secret", secret));
        s1.awaitLine("link to server 0 is up");
        ClusterTrust trust = ClusterTrust.fromSecret(secret);
        client = CloudClient.connect(List.of(s0.url(), s1.url()), trust.caFingerprint(), Duration.ofSeconds(10), w -> { })
                .withUploadCredential(trust.uploadCredential());
        SampleModels m2 = new SampleModels("mnist-m2");
        client.upload(m2.graph(), "m2", "owner-token-1", SecureConfig.DEFAULT.fixedPoint(), m2.inputRange());
    }

    @AfterAll
    static void stop() {
        for (NodeProcess n : new NodeProcess[] {s1, s0}) {
            if (n != null) {
                n.stop();
            }
        }
    }

    @Test
    @Order(1)
    void queriesWithoutADealerGiveTheInProcessResultsAndTheDocumentedTraffic() {
        SampleModels m2 = new SampleModels("mnist-m2");
        ModelGraph g = m2.graph();
        FloatEvaluator f = new FloatEvaluator(g);
        SecureConfig ot = SecureConfig.DEFAULT.withPreprocessing(SecureConfig.Preprocessing.OT);
        List<io.sonic.engine.dealer.Need<?>> plan = Plan.of(g, ot);
        long from0 = OtPreprocessing.bytesSent(plan, 0);
        long from1 = OtPreprocessing.bytesSent(plan, 1);
        try (SecureInference local = new SecureInference(g, SecureConfig.DEFAULT)) {
            for (int k = 0; k < 3; k++) {
                float[] x = m2.inputs().get(k);
                InferenceResult remote = client.infer("m2", x, ot, e -> { });
                InferenceResult dealt = local.infer(x);
                assertEquals(f.run(x).argmax(), remote.predictedLabel(), "sample " + k);
                for (int i = 0; i < remote.output().length; i++) {
                    assertEquals(dealt.output()[i], remote.output()[i], 1e-3);
                }
                // the online phase is the dealer run's, byte for byte and round for round
                assertEquals(dealt.online().bytes(), remote.online().bytes());
                assertEquals(dealt.online().rounds(), remote.online().rounds());
                assertEquals(0, remote.offlineBytes(), "nothing from a dealer");
                // the offline phase between the servers: the formula, plus the base OTs on the link's first query
                long setup = k == 0 ? OtSession.SETUP_BYTES_EACH_WAY : 0;
                assertEquals(from0 + setup, remote.preprocessing().bytesSent(), "sample " + k + " from server 0");
                assertEquals(from1 + setup, remote.preprocessing().bytesReceived(), "sample " + k + " from server 1");
                assertEquals(OtPreprocessing.rounds(plan) + (k == 0 ? OtSession.SETUP_ROUNDS : 0),
                        remote.preprocessing().rounds());
                for (int i = 0; i < remote.layers().size(); i++) {
                    assertEquals(OtPreprocessing.bytesPerLayer(plan, g.layers().size())[i],
                            remote.layers().get(i).offlineBytes(), "layer " + i);
                }
            }
        }
        // mask reuse: each server's own mask seed, E opened once
        InferenceResult reuse = client.infer("m2", m2.inputs().get(3), ot.withLinear(SecureConfig.LinearMode.MASK_REUSE),
                e -> { });
        assertEquals(f.run(m2.inputs().get(3)).argmax(), reuse.predictedLabel());
        List<String> lines = client.log(0, 0).entries().stream().map(io.sonic.cloud.api.LogEntry::text).toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("session [0-9a-f]{8} done: 1,861,440 bytes in 64 rounds,"
                + " [0-9.]+ ms online, randomness made by the servers: [0-9,]+ bytes in 38 rounds, [0-9.]+ ms")),
                lines.toString());
    }

    @Test
    @Order(3)
    void concurrentQueriesTakeTurnsAtTheOfflinePhaseAndAllSucceedInABoundedHeap() throws Exception {
        // each M2 query holds hundreds of MB while its randomness is made; servers with 1.5 GiB of heap ran out
        // of memory when four made theirs at once
        SampleModels m2 = new SampleModels("mnist-m2");
        FloatEvaluator f = new FloatEvaluator(m2.graph());
        SecureConfig ot = SecureConfig.DEFAULT.withPreprocessing(SecureConfig.Preprocessing.OT);
        List<io.sonic.engine.dealer.Need<?>> plan = Plan.of(m2.graph(), ot);
        int n = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<InferenceResult>> runs = new java.util.ArrayList<>();
            for (int k = 0; k < n; k++) {
                float[] x = m2.inputs().get(10 + k);
                runs.add(pool.submit(() -> client.infer("m2", x, ot, e -> { })));
            }
            for (int k = 0; k < n; k++) {
                InferenceResult r;
                try {
                    r = runs.get(k).get(3, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("query " + k + " failed; server 0's log: " + client.log(0, 0).entries()
                            .stream().map(io.sonic.cloud.api.LogEntry::text).toList() + "; server 1's log: "
                            + client.log(1, 0).entries().stream().map(io.sonic.cloud.api.LogEntry::text).toList(), e);
                }
                assertEquals(f.run(m2.inputs().get(10 + k)).argmax(), r.predictedLabel(), "query " + k);
                assertEquals(OtPreprocessing.bytesSent(plan, 0), r.preprocessing().bytesSent(), "query " + k);
                assertEquals(OtPreprocessing.bytesSent(plan, 1), r.preprocessing().bytesReceived(), "query " + k);
            }
        } finally {
            pool.shutdownNow();
        }
        // nothing ran out of memory (with four offline phases at once server 1 did, in a 1.5 GiB heap)
        List<String> lines = client.log(0, 0).entries().stream().map(io.sonic.cloud.api.LogEntry::text).toList();
        assertTrue(lines.stream().noneMatch(l -> l.contains("out of memory")), lines.toString());
        assertEquals(0, client.status(0).sessionsRunning());
    }

    @Test
    @Order(4)
    void aPeerKilledDuringTheOfflinePhaseFailsTheQueryAtOnceAndTheNextQueryRunsAfterItsRestart() throws Exception {
        SampleModels m2 = new SampleModels("mnist-m2");
        SecureConfig ot = SecureConfig.DEFAULT.withPreprocessing(SecureConfig.Preprocessing.OT);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var run = pool.submit(() -> client.infer("m2", m2.inputs().get(20), ot, e -> { }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (client.status(0).sessionsRunning() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(400); // well inside the 1–2 s of oblivious transfers
            long killed = System.nanoTime();
            s1.signal("KILL");
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> run.get(60, TimeUnit.SECONDS));
            long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertTrue(e.getCause() instanceof CloudException && e.getCause().getMessage().contains("server 1"),
                    String.valueOf(e.getCause()));
            System.out.printf("server 1 killed during the offline phase: the query failed after %d ms: %s%n",
                    failedAfter, e.getCause().getMessage());
        } finally {
            pool.shutdownNow();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.status(0).sessionsRunning() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, client.status(0).sessionsRunning(), "server 0 let the session go");
        // server 1 back on its port: the next query sets a new OT session up (server 1 lost its base OTs) and runs,
        // so server 0 released the offline phase's turn
        s1.process().waitFor(10, TimeUnit.SECONDS);
        s1 = NodeProcess.start(List.of("-Xmx1536m"), List.of("serve", "--party", "1", "--port",
                Integer.toString(s1.url().getPort()), "--peer", s0.url().toString(), "--data",
                dir.resolve("s1").toString(), "--secret", secret));
        s1.awaitLine("link to server 0 is up");
        InferenceResult r = client.infer("m2", m2.inputs().get(21), ot, e -> { });
        assertEquals(new FloatEvaluator(m2.graph()).run(m2.inputs().get(21)).argmax(), r.predictedLabel());
        List<io.sonic.engine.dealer.Need<?>> plan = Plan.of(m2.graph(), ot);
        assertEquals(OtPreprocessing.bytesSent(plan, 0) + OtSession.SETUP_BYTES_EACH_WAY, r.preprocessing().bytesSent());
    }

    @Test
    @Order(2)
    void aQueryThatAsksForTheDealerIsRefusedNamingWhatToDo() {
        CloudException e = assertThrows(CloudException.class,
                () -> client.infer("m2", new SampleModels("mnist-m2").inputs().get(0), SecureConfig.DEFAULT, ev -> { }));
        assertTrue(e.getMessage().contains("this cluster runs without a dealer (its servers were started without"
                + " --dealer): ask for preprocessing=ot"), e.getMessage());
        assertNull(client.status(0).dealer());
    }
}
