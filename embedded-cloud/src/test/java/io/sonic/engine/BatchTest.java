package io.sonic.engine;

import io.sonic.engine.net.BatchChannel;
import io.sonic.engine.net.Channel;
import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.ForwardingChannel;
import io.sonic.engine.net.InMemoryChannel;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.eval.LayerListener;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batched queries: every round carries all samples, so a batch costs one query's rounds and n queries'
 * bytes; each sample's result and per-layer traffic are those it has alone, and no sample shares another's
 * correlated randomness.
 */
class BatchTest {
    @Test
    void aBatchCostsOneQuerysRoundsAndEverySampleItsOwnResult() {
        SampleModels m2 = new SampleModels("mnist-m2");
        ModelGraph g = m2.graph();
        List<float[]> inputs = m2.inputs().subList(0, 7);
        FloatEvaluator plain = new FloatEvaluator(g);
        for (SecureConfig cfg : List.of(SecureConfig.DEFAULT, SecureConfig.DEFAULT.withOutput(SecureConfig.OutputMode.LABEL),
                SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS).withLinear(SecureConfig.LinearMode.MASK_REUSE))) {
            CostModel.Cost query = CostModel.total(g, cfg);
            FixedPointEvaluator ideal = new FixedPointEvaluator(g, cfg.fixedPoint());
            long bound = ErrorBound.units(g, cfg);
            BatchResult b;
            try (SecureInference s = new SecureInference(g, cfg)) {
                b = s.inferBatch(inputs);
            }
            assertEquals(inputs.size(), b.size());
            assertEquals(query.rounds(), b.online().rounds(), cfg.text() + ": a batch has one query's rounds");
            assertEquals(query.onlineBytes() * inputs.size(), b.online().bytes(), cfg.text() + ": and n queries' bytes");
            assertEquals(2 * query.rounds(), b.online().messages(), "one message each way per round");
            for (int k = 0; k < inputs.size(); k++) {
                InferenceResult r = b.samples().get(k);
                assertEquals(query.onlineBytes(), r.online().bytes(), "sample " + k + ": its own traffic");
                assertEquals(query.rounds(), r.online().rounds());
                List<CostModel.Cost> layers = CostModel.of(g, cfg);
                for (int i = 0; i < layers.size(); i++) {
                    assertEquals(layers.get(i).onlineBytes(), r.layers().get(i).online().bytes(), "sample " + k
                            + " layer " + i);
                }
                float[] x = inputs.get(k);
                assertEquals(plain.run(x).argmax(), r.predictedLabel(), cfg.text() + " sample " + k);
                if (cfg.output() == SecureConfig.OutputMode.LOGITS) {
                    long[] want = ideal.run(ideal.encodeInput(x), LayerListener.NONE);
                    for (int i = 0; i < want.length; i++) {
                        assertTrue(Math.abs(r.outputRing()[i] - want[i]) <= bound, cfg.text() + " sample " + k
                                + " output " + i);
                    }
                }
            }
        }
    }

    /** A batched round is one message of every sample's part; each sample gets the peer's part of its own. */
    @Test
    void aBatchedRoundJoinsEverySamplesPartAndHandsEachItsOwnBack() throws Exception {
        int n = 4;
        List<byte[]> sent = new ArrayList<>();
        InMemoryChannel[] pair = InMemoryChannel.pair(Duration.ofSeconds(20));
        Channel recorded = new ForwardingChannel(pair[0]) {
            @Override
            public byte[] exchange(String what, byte[] message) {
                synchronized (sent) {
                    sent.add(message.clone());
                }
                return inner.exchange(what, message);
            }
        };
        // the same check on the channel itself: a round of four parts from four samples
        BatchChannel[] batch = {new BatchChannel(recorded, n, Duration.ofSeconds(20)),
                new BatchChannel(pair[1], n, Duration.ofSeconds(20))};
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            for (int k = 0; k < n; k++) {
                int party = p;
                int sample = k;
                replies.add(CompletableFuture.supplyAsync(() -> batch[party].member(sample)
                        .exchange("r", new byte[] {(byte) party, (byte) sample})));
            }
        }
        for (int i = 0; i < replies.size(); i++) {
            byte[] r = replies.get(i).get(20, TimeUnit.SECONDS);
            int party = i / n;
            int sample = i % n;
            assertEquals(1 - party, r[0], "each sample gets the peer's part of its own sample");
            assertEquals(sample, r[1]);
        }
        assertEquals(1, sent.size(), "one message for the whole round");
        assertEquals(2 * n, sent.get(0).length);
        batch[0].close();
        batch[1].close();
    }

    @Test
    void roundsOfEqualAndOfUnequalPartsEachReachTheirOwnSample() throws Exception {
        int n = 5;
        int rounds = 40;
        List<byte[]> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        InMemoryChannel[] pair = InMemoryChannel.pair(Duration.ofSeconds(20));
        Channel recorded = new ForwardingChannel(pair[0]) {
            @Override
            public byte[] exchange(String what, byte[] message) {
                sent.add(message.clone());
                return inner.exchange(what, message);
            }
        };
        BatchChannel[] batch = {new BatchChannel(recorded, n, Duration.ofSeconds(20)),
                new BatchChannel(pair[1], n, Duration.ofSeconds(20))};
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2 * n);
        try {
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                for (int k = 0; k < n; k++) {
                    int party = p;
                    int sample = k;
                    runs.add(threads.submit(() -> {
                        Channel c = batch[party].member(sample);
                        for (int r = 0; r < rounds; r++) {
                            // odd rounds: sample k sends k + 2 bytes (unequal parts); even rounds: 3 bytes each
                            byte[] m = new byte[r % 2 == 1 ? sample + 2 : 3];
                            java.util.Arrays.fill(m, (byte) (party * 100 + sample * 10 + r % 10));
                            byte[] got = c.exchange("r" + r, m);
                            assertEquals(m.length, got.length, "round " + r + ", sample " + sample);
                            for (byte b : got) {
                                assertEquals((byte) ((1 - party) * 100 + sample * 10 + r % 10), b,
                                        "round " + r + ", sample " + sample + " gets the peer's part of its own sample");
                            }
                        }
                        return null;
                    }));
                }
            }
            for (java.util.concurrent.Future<?> f : runs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            batch[0].close();
            batch[1].close();
        }
        assertEquals(rounds, sent.size(), "one message per round");
        for (int r = 0; r < rounds; r++) {
            byte[] joined = sent.get(r);
            int at = 0;
            for (int k = 0; k < n; k++) {
                int len = r % 2 == 1 ? k + 2 : 3;
                for (int i = 0; i < len; i++) {
                    assertEquals((byte) (k * 10 + r % 10), joined[at + i], "round " + r + ": parts in sample order");
                }
                at += len;
            }
            assertEquals(at, joined.length);
        }
    }

    @Test
    void theFirstRoundOfABatchOpensDifferentMasksForEqualInputs() {
        SampleModels m1 = new SampleModels("mnist-m1");
        ModelGraph g = m1.graph();
        float[] same = m1.inputs().get(0);
        int n = 3;
        List<byte[]> first = new ArrayList<>();
        SecureConfig cfg = SecureConfig.DEFAULT;
        try (SecureInference s = new SecureInference(g, cfg)) {
            s.wrapLinks(c -> new ForwardingChannel(c) {
                @Override
                public byte[] exchange(String what, byte[] message) {
                    synchronized (first) {
                        if (first.isEmpty()) {
                            first.add(message.clone());
                        }
                    }
                    return inner.exchange(what, message);
                }
            });
            s.inferBatch(List.of(same, same, same));
        }
        byte[] joined = first.get(0);
        int part = joined.length / n;
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                assertFalse(Arrays.equals(joined, a * part, (a + 1) * part, joined, b * part, (b + 1) * part),
                        "samples " + a + " and " + b + " opened the same E = W − A, F = X − B: shared triples");
            }
        }
    }

    @Test
    void aBatchMemberAloneCannotSendOrReceiveAndAnAbortEndsEveryone() throws Exception {
        InMemoryChannel[] pair = InMemoryChannel.pair(Duration.ofSeconds(20));
        BatchChannel b = new BatchChannel(pair[0], 3, Duration.ofSeconds(20));
        assertThrows(IllegalStateException.class, () -> b.member(0).send(new byte[1]));
        assertThrows(IllegalStateException.class, () -> b.member(0).receive());
        CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                b.member(1).exchange("r", new byte[1]);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.sleep(100);
        b.abort("server 0: sample 2 failed");
        Throwable t = waiting.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof ChannelException && t.getMessage().contains("sample 2 failed"), String.valueOf(t));
        assertThrows(ChannelException.class, pair[1]::receive, "the peer's end is aborted too");
        b.close();
    }
}
