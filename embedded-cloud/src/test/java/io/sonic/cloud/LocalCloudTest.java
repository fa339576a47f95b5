package io.sonic.cloud;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.engine.CostModel;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.LayerListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three nodes in one JVM, over the real HTTPS and WebSocket path. */
class LocalCloudTest {
    static LocalCloud cloud;
    static CloudClient client;

    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(null);
        client = cloud.client();
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    @Test
    void uploadThenInferGivesTheReferenceAndTheFormulaTraffic() {
        SampleModels m2 = new SampleModels("mnist-m2");
        ModelGraph g = m2.graph();
        client.upload(g, "m2", "owner-secret-token", SecureConfig.DEFAULT.fixedPoint(), m2.inputRange());
        FixedPointEvaluator ideal = new FixedPointEvaluator(g, SecureConfig.DEFAULT.fixedPoint());
        List<float[]> inputs = m2.inputs().subList(0, 3);
        for (int k = 0; k < Integer.getInteger("sonic.warm", 0); k++) {
            InferenceResult r = client.infer("m2", m2.inputs().get(k % 100), SecureConfig.DEFAULT, e -> { });
            System.out.println("warm online ms " + r.onlineNanos() / 1e6 + " total " + r.nanos() / 1e6);
        }
        for (float[] x : inputs) {
            InferenceResult r = client.infer("m2", x, SecureConfig.DEFAULT, e -> { });
            r.layers().forEach(l -> System.out.println("layer " + l.index() + " rounds " + l.online().rounds() + " ms " + l.nanos() / 1e6));
            long[] want = ideal.run(ideal.encodeInput(x), LayerListener.NONE);
            for (int i = 0; i < want.length; i++) {
                assertTrue(Math.abs(want[i] - r.outputRing()[i]) <= 64, "output " + i);
            }
            assertEquals(CostModel.total(g, SecureConfig.DEFAULT).onlineBytes(), r.online().bytes());
            for (InferenceResult.LayerStat l : r.layers()) {
                assertEquals(l.online().rounds(), l.rounds().size(), "the servers name every round of layer " + l.index());
                assertEquals(l.online().bytesSent(), l.rounds().stream().mapToLong(io.sonic.engine.net.Round::bytesSent)
                        .sum());
            }
            assertEquals("E = W − A and F = X − B", r.layers().get(0).rounds().get(0).what());
            assertTrue(r.wireBytes() > r.online().bytes(), "TLS and framing add to the payload: " + r.wireBytes());
            System.out.println("online " + r.online().bytes() + " wire " + r.wireBytes() + " ms " + r.onlineNanos() / 1e6);
        }
    }

    /** A batch over the servers: one query's rounds for all, each query its own output and randomness. */
    @Test
    void aBatchRunsInOneSessionWithOneQuerysRoundsAndEveryQuerysOwnResult() {
        SampleModels m2 = new SampleModels("mnist-m2");
        ModelGraph g = m2.graph();
        client.upload(g, "m2-batch", "owner-secret-token", SecureConfig.DEFAULT.fixedPoint(), m2.inputRange());
        io.sonic.model.eval.FloatEvaluator plain = new io.sonic.model.eval.FloatEvaluator(g);
        for (SecureConfig cfg : List.of(SecureConfig.DEFAULT, SecureConfig.DEFAULT.withOutput(SecureConfig.OutputMode.LABEL),
                SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS).withLinear(SecureConfig.LinearMode.MASK_REUSE))) {
            List<float[]> inputs = m2.inputs().subList(10, 16);
            io.sonic.engine.BatchResult b = client.inferBatch("m2-batch", inputs, cfg);
            CostModel.Cost query = CostModel.total(g, cfg);
            assertEquals(inputs.size(), b.size());
            assertEquals(query.rounds(), b.online().rounds(), cfg.text() + ": a batch has one query's rounds");
            assertEquals(inputs.size() * query.onlineBytes(), b.online().bytes(), cfg.text() + ": n queries' bytes");
            FixedPointEvaluator ideal = new FixedPointEvaluator(g, cfg.fixedPoint());
            for (int k = 0; k < inputs.size(); k++) {
                InferenceResult r = b.samples().get(k);
                assertEquals(plain.run(inputs.get(k)).argmax(), r.predictedLabel(), cfg.text() + " query " + k);
                assertEquals(query.onlineBytes(), r.online().bytes());
                if (cfg.output() == SecureConfig.OutputMode.LOGITS) {
                    long[] want = ideal.run(ideal.encodeInput(inputs.get(k)), LayerListener.NONE);
                    for (int i = 0; i < want.length; i++) {
                        assertTrue(Math.abs(r.outputRing()[i] - want[i]) <= io.sonic.engine.ErrorBound.units(g, cfg),
                                cfg.text() + " query " + k + " output " + i);
                    }
                }
            }
        }
        IllegalArgumentException tooMany = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> client.inferBatch("m2-batch", java.util.Collections.nCopies(257, m2.inputs().get(0)),
                        SecureConfig.DEFAULT));
        assertTrue(tooMany.getMessage().contains("1 to 256"), tooMany.getMessage());
    }

    @Test
    void stepModePausesBeforeEveryLayerAndCancelEndsTheSessionOnBothServers() throws Exception {
        SampleModels bc = new SampleModels("breast-cancer");
        ModelGraph g = bc.graph();
        client.upload(g, "bc", "owner", SecureConfig.DEFAULT.fixedPoint(), bc.inputRange());
        float[] x = bc.inputs().get(0);
        CloudClient.Control step = new CloudClient.Control(true);
        java.util.List<Integer> paused = new java.util.concurrent.CopyOnWriteArrayList<>();
        InferenceResult r = client.infer("bc", x, SecureConfig.DEFAULT, e -> {
            if ("paused".equals(e.type())) {
                paused.add(e.index());
                new Thread(step::proceed).start();
            }
        }, s -> { }, step);
        assertEquals(java.util.stream.IntStream.range(0, g.layers().size()).boxed().toList(), paused);
        assertEquals(new io.sonic.model.eval.FloatEvaluator(g).run(x).argmax(), r.predictedLabel());

        CloudClient.Control cancel = new CloudClient.Control(true);
        io.sonic.cloud.client.CloudException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.sonic.cloud.client.CloudException.class, () -> client.infer("bc", x, SecureConfig.DEFAULT, ev -> {
                    if ("paused".equals(ev.type())) {
                        new Thread(cancel::cancel).start();
                    }
                }, s -> { }, cancel));
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (cloud.server(0).sessionCount() + cloud.server(1).sessionCount() > 0) {
            assertTrue(System.nanoTime() < deadline, "sessions left behind");
            Thread.sleep(50);
        }
    }
}
