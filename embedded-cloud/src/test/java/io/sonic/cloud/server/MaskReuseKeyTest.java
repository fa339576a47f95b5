package io.sonic.cloud.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.cloud.api.LogEntry;
import io.sonic.cloud.api.ModelMeta;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.CloudException;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.cloud.wire.BadPayloadException;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.cloud.wire.UploadCodec;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.InputRange;
import io.sonic.engine.ModelShare;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.LayerListener;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.ReluLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mask reuse through the real servers: the weight mask A that a server sees W − A of is tied to one
 * upload of one weight tensor. Two uploads of the same structure with different weights, a model
 * replaced under its id, and a model deleted and uploaded again each get fresh, independent masks, so
 * that no server learns W − W′ from E − E′; servers holding different uploads refuse the query.
 */
class MaskReuseKeyTest {
    private static final SecureConfig REUSE = SecureConfig.DEFAULT.withLinear(SecureConfig.LinearMode.MASK_REUSE);
    private static final FixedPoint FP = SecureConfig.DEFAULT.fixedPoint();
    private static final InputRange RANGE = new InputRange(-1, 1);
    private static final int IN = 32;
    private static final int HIDDEN = 48;
    private static final int OUT = 10;
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

    /** A two-layer network whose structure is the same for every seed; only the weights differ. */
    static ModelGraph twin(long seed) {
        Random r = new Random(seed);
        MatMulLayer fc1 = new MatMulLayer("fc1", "Gemm", "x", new int[] {1, IN}, "h", tensor(r, IN, HIDDEN), false,
                false, tensor(r, 1, HIDDEN));
        ReluLayer relu = new ReluLayer("relu", "Relu", "h", new int[] {1, HIDDEN}, "r");
        MatMulLayer fc2 = new MatMulLayer("fc2", "Gemm", "r", new int[] {1, HIDDEN}, "y", tensor(r, HIDDEN, OUT), false,
                false, tensor(r, 1, OUT));
        return new ModelGraph("twin", "mask tests", 13, "x", new int[] {1, IN}, "y", new int[] {1, OUT},
                List.of(fc1, relu, fc2));
    }

    private static FloatTensor tensor(Random r, int... shape) {
        float[] v = new float[shape[0] * shape[1]];
        for (int i = 0; i < v.length; i++) {
            v[i] = (r.nextFloat() * 2 - 1) * 0.5f;
        }
        return new FloatTensor(shape, v);
    }

    private static float[] input(long seed) {
        Random r = new Random(seed);
        float[] x = new float[IN];
        for (int i = 0; i < IN; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** A mask-reuse query whose result must equal the fixed-point reference (up to the truncation error). */
    private static void queryMatchesTheReference(String id, ModelGraph g, long seed) {
        float[] x = input(seed);
        InferenceResult r = client.infer(id, x, REUSE, e -> { });
        FixedPointEvaluator ideal = new FixedPointEvaluator(g, FP);
        long[] want = ideal.run(ideal.encodeInput(x), LayerListener.NONE);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - r.outputRing()[i]) <= 64, id + ": output " + i + " is " + r.outputRing()[i]
                    + ", the reference " + want[i]);
        }
        assertEquals(new io.sonic.model.eval.FloatEvaluator(g).run(x).argmax(), r.predictedLabel(), id);
    }

    /** Server {@code party}'s mask-reuse state of the current version of model {@code id}. */
    private static ModelStore.MaskState state(int party, String id) {
        ModelStore store = cloud.server(party).store();
        ModelStore.Loaded l = store.acquire(id);
        try {
            ModelStore.MaskState s = l.masks();
            assertNotNull(s, "server " + party + " holds no opened masks of '" + id + "'");
            return s;
        } finally {
            store.release(l);
        }
    }

    /** Both servers' states of a model: they agree on key, generation and every opened E. */
    private static ModelStore.MaskState agreed(String id) {
        ModelStore.MaskState s0 = state(0, id);
        ModelStore.MaskState s1 = state(1, id);
        assertEquals(s0.key(), s1.key(), "the servers' joint mask key of '" + id + "'");
        assertEquals(s0.generation(), s1.generation());
        assertEquals(s0.opened().keySet(), s1.opened().keySet());
        s0.opened().forEach((layer, e) -> assertArrayEquals(e, s1.opened().get(layer), "E of layer " + layer));
        return s0;
    }

    /** encode(W) of every layer with secret weights, by layer index. */
    private static Map<Integer, long[]> encodedWeights(ModelGraph g) {
        Map<Integer, long[]> w = new java.util.HashMap<>();
        List<Layer> layers = g.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof MatMulLayer m) {
                w.put(i, FP.encode(m.weight().values()));
            }
        }
        return w;
    }

    /**
     * What each server saw of two uploads reveals nothing of W − W′: their keys and generations differ
     * (on both servers), E − E′ is nowhere equal to encode(W) − encode(W′), and E − E′ looks uniform in
     * the ring rather than concentrated near zero, as W − W′ is.
     */
    private static void independent(ModelStore.MaskState a, ModelGraph ga, ModelStore.MaskState b, ModelGraph gb) {
        assertNotEquals(a.key(), b.key(), "the two uploads share a mask key");
        assertNotEquals(a.generation(), b.generation(), "the two uploads share a mask generation");
        Map<Integer, long[]> wa = encodedWeights(ga);
        Map<Integer, long[]> wb = encodedWeights(gb);
        assertEquals(wa.keySet(), a.opened().keySet());
        long[] diff = new long[0];
        for (int layer : wa.keySet()) {
            long[] ea = a.opened().get(layer);
            long[] eb = b.opened().get(layer);
            int equal = 0;
            long[] d = new long[ea.length];
            for (int j = 0; j < ea.length; j++) {
                d[j] = ea[j] - eb[j];
                equal += d[j] == wa.get(layer)[j] - wb.get(layer)[j] ? 1 : 0;
            }
            assertEquals(0, equal, "layer " + layer + ": E − E′ equals encode(W − W′) in " + equal + " of "
                    + ea.length + " elements, so the two uploads were masked with the same A");
            long[] all = java.util.Arrays.copyOf(diff, diff.length + d.length);
            System.arraycopy(d, 0, all, diff.length, d.length);
            diff = all;
        }
        uniform(diff);
    }

    /** A difference of independent masks is uniform in Z_2^64; a difference of weights is below 2^17. */
    private static void uniform(long[] d) {
        int n = d.length;
        int small = 0;
        int[] bins = new int[16];
        int[] ones = new int[64];
        for (long v : d) {
            small += Math.abs(v) < (1L << 32) ? 1 : 0;
            bins[(int) (v >>> 60)]++;
            for (int k = 0; k < 64; k++) {
                ones[k] += (int) ((v >>> k) & 1);
            }
        }
        // each element is below 2^32 in magnitude with probability 2^-31 when uniform
        assertEquals(0, small, small + " of " + n + " differences E − E′ are below 2^32 in magnitude");
        double expected = n / 16.0;
        double chi = 0;
        for (int c : bins) {
            chi += (c - expected) * (c - expected) / expected;
        }
        // 15 degrees of freedom: P(chi-square > 60) is about 1e-7
        assertTrue(chi < 60, "the top 4 bits of E − E′ are not uniform: chi-square " + chi + " over " + n);
        for (int k = 0; k < 64; k++) {
            double f = ones[k] / (double) n;
            assertTrue(Math.abs(f - 0.5) < 0.08, "bit " + k + " of E − E′ is 1 in " + f + " of " + n);
        }
        System.out.printf("E − E′ over %d elements: none below 2^32, top-4-bit chi-square %.1f (15 dof)%n", n, chi);
    }

    @Test
    void twoUploadsOfOneStructureWithDifferentWeightsGetIndependentMasks() {
        ModelGraph a = twin(1);
        ModelGraph b = twin(2);
        assertEquals(GraphCodec.structureHash(a), GraphCodec.structureHash(b), "the same structure");
        client.upload(a, "twin-a", "owner", FP, RANGE);
        client.upload(b, "twin-b", "owner", FP, RANGE);
        for (String id : List.of("twin-a", "twin-b")) {
            ModelStore.Stored s0 = cloud.server(0).store().get(id);
            ModelStore.Stored s1 = cloud.server(1).store().get(id);
            assertTrue(ModelMeta.validMaskKey(s0.maskKey()), s0.maskKey());
            assertEquals(s0.maskKey(), s1.maskKey(), "both servers got the upload's mask key");
            assertNotEquals(s0.maskNonce(), s1.maskNonce(), "each server draws its own nonce");
        }
        ModelStore store0 = cloud.server(0).store();
        assertNotEquals(store0.get("twin-a").maskKey(), store0.get("twin-b").maskKey());
        queryMatchesTheReference("twin-a", a, 10);
        queryMatchesTheReference("twin-b", b, 11);
        ModelStore.MaskState sa = agreed("twin-a");
        ModelStore.MaskState sb = agreed("twin-b");
        independent(sa, a, sb, b);
        // a later query reuses what was opened, and still computes the right thing
        queryMatchesTheReference("twin-a", a, 12);
        assertSame(sa, agreed("twin-a"));
    }

    @Test
    void aReplacedModelAndAModelDeletedAndUploadedAgainGetFreshMasks() {
        ModelGraph first = twin(21);
        ModelGraph retrained = twin(22);
        ModelGraph again = twin(23);
        client.upload(first, "twin", "owner-r", FP, RANGE);
        queryMatchesTheReference("twin", first, 30);
        ModelStore.MaskState s1 = agreed("twin");

        client.upload(retrained, "twin", "owner-r", FP, RANGE);
        queryMatchesTheReference("twin", retrained, 31);
        ModelStore.MaskState s2 = agreed("twin");
        independent(s1, first, s2, retrained);

        client.delete("twin", "owner-r");
        client.upload(again, "twin", "owner-r", FP, RANGE);
        queryMatchesTheReference("twin", again, 32);
        ModelStore.MaskState s3 = agreed("twin");
        independent(s2, retrained, s3, again);
        independent(s1, first, s3, again);

        // even the same weights uploaded once more get new masks: E − E′ = A′ − A, uniform
        client.upload(again, "twin", "owner-r", FP, RANGE);
        queryMatchesTheReference("twin", again, 33);
        ModelStore.MaskState s4 = agreed("twin");
        assertNotEquals(s3.key(), s4.key());
        assertNotEquals(s3.generation(), s4.generation());
        long[] d = new long[s3.opened().get(0).length];
        for (int j = 0; j < d.length; j++) {
            d[j] = s3.opened().get(0)[j] - s4.opened().get(0)[j];
        }
        uniform(d);

        // a client that sends the same mask key again (a copied upload body) still gets fresh masks: each
        // server draws its own nonce for every version it stores
        ModelGraph copied = twin(24);
        String reused = cloud.server(0).store().get("twin").maskKey();
        ModelShare[] shares = ModelShare.split(copied, FP, Prg.fresh());
        for (int p = 0; p < 2; p++) {
            byte[] body = UploadCodec.encode(GraphCodec.structure(copied), new ModelMeta(RANGE, reused),
                    ShareCodec.encode(shares[p]));
            cloud.server(p).store().put("twin", "owner-r", UploadCodec.decode(body, p));
            assertEquals(reused, cloud.server(p).store().get("twin").maskKey());
        }
        queryMatchesTheReference("twin", copied, 34);
        independent(s4, again, agreed("twin"), copied);
    }

    @Test
    void aVersionStoredBeforeMaskKeysStillLoads(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir, 0);
        ModelGraph g = twin(81);
        ModelShare[] shares = ModelShare.split(g, FP, Prg.fresh());
        byte[] body = UploadCodec.encode(GraphCodec.structure(g), ModelMeta.withFreshMaskKey(RANGE),
                ShareCodec.encode(shares[0]));
        String nonce = store.put("old", "o", UploadCodec.decode(body, 0)).maskNonce();
        assertNotEquals(nonce, store.put("old", "o", UploadCodec.decode(body, 0)).maskNonce(),
                "a new version gets a new nonce, even from the same body");
        Path meta = dir.resolve("models").resolve("old").resolve(store.get("old").version()).resolve("meta.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode n = (ObjectNode) json.readTree(meta.toFile());
        assertTrue(n.has("maskKey") && n.has("maskNonce"), n.toString());
        n.remove("maskKey");
        n.remove("maskNonce");
        Files.write(meta, json.writeValueAsBytes(n));
        ModelStore again = new ModelStore(dir, 0);
        assertEquals(store.get("old").info().structureHash(), again.get("old").info().structureHash());
        assertNull(again.get("old").maskKey());
        assertNull(again.get("old").maskNonce());
    }

    @Test
    void serversHoldingDifferentUploadsRefuseAQueryInEitherModeWithAClearMessage() {
        ModelGraph a = twin(41);
        client.upload(a, "mixed", "owner-m", FP, RANGE);
        queryMatchesTheReference("mixed", a, 50);
        // server 1 alone gets another upload of the same structure (as when an upload to server 0 failed)
        ModelGraph b = twin(42);
        ModelShare[] shares = ModelShare.split(b, FP, Prg.fresh());
        byte[] body = UploadCodec.encode(GraphCodec.structure(b), ModelMeta.withFreshMaskKey(RANGE),
                ShareCodec.encode(shares[1]));
        cloud.server(1).store().put("mixed", "owner-m", UploadCodec.decode(body, 1));
        long before0 = cloud.server(0).log().after(0, 1000).next();
        long before1 = cloud.server(1).log().after(0, 1000).next();
        CloudException e = assertThrows(CloudException.class, () -> client.infer("mixed", input(51), REUSE, ev -> { }));
        String why = "server 0 and server 1 hold different uploads of model 'mixed' (their mask keys differ); upload it"
                + " again to both servers";
        assertTrue(e.getMessage().contains(why), e.getMessage());
        java.util.function.Predicate<String> failedWhy = l -> l.contains(" failed: ") && l.contains(why);
        for (int p = 0; p < 2; p++) {
            // the client's answer may come from one server before the other has logged its own failure
            long deadline = System.nanoTime() + 10_000_000_000L;
            List<String> lines;
            do {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                lines = cloud.server(p).log().after(p == 0 ? before0 : before1, 1000).entries().stream()
                        .map(LogEntry::text).toList();
            } while (lines.stream().noneMatch(failedWhy) && System.nanoTime() < deadline);
            assertTrue(lines.stream().anyMatch(failedWhy), "server " + p + " logs the reason within 10 s: " + lines);
        }
        // faithful mode uses no mask, but two different shares would still give a silently wrong result
        CloudException f = assertThrows(CloudException.class, () -> client.infer("mixed", input(52),
                io.sonic.engine.SecureConfig.DEFAULT, ev -> { }));
        assertTrue(f.getMessage().contains("server 0 and server 1 hold different uploads of model 'mixed'; upload it"
                + " again to both servers"), f.getMessage());
    }

    @Test
    void aDealerThatIgnoresTheMaskKeyIsRefusedBeforeAnythingIsOpened() throws Exception {
        // an older dealer answered GET /v1/masks/{hash} with seeds kept per structure and no key
        com.sun.net.httpserver.HttpServer old = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        old.createContext("/v1/masks/", x -> {
            byte[] b = "{\"generation\":\"g\",\"seed\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}".getBytes();
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        old.start();
        try {
            DealerClient d = new DealerClient(java.net.URI.create("http://127.0.0.1:" + old.getAddress().getPort()),
                    javax.net.ssl.SSLContext.getDefault(), java.time.Duration.ofSeconds(5));
            ApiException e = assertThrows(ApiException.class, () -> d.masks("00".repeat(32), "ab".repeat(32),
                    new byte[0]));
            assertTrue(e.getMessage().contains("does not keep mask seeds per upload (an older Sonic)"), e.getMessage());
        } finally {
            old.stop(0);
        }
    }

    @Test
    void aModelStoredWithoutAMaskKeyRunsInFaithfulModeOnly() {
        ModelGraph g = twin(61);
        ModelShare[] shares = ModelShare.split(g, FP, Prg.fresh());
        byte[] structure = GraphCodec.structure(g);
        for (int p = 0; p < 2; p++) {
            byte[] body = UploadCodec.encode(structure, new ModelMeta(RANGE), ShareCodec.encode(shares[p]));
            String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("{\"inputRange\":{\"min\":-1.0,\"max\":1.0}}"),
                    "a meta without a key is written as older clients wrote it");
            cloud.server(p).store().put("keyless", "owner-k", UploadCodec.decode(body, p));
            assertNull(cloud.server(p).store().get("keyless").maskKey());
        }
        float[] x = input(70);
        InferenceResult r = client.infer("keyless", x, SecureConfig.DEFAULT, ev -> { });
        assertEquals(new io.sonic.model.eval.FloatEvaluator(g).run(x).argmax(), r.predictedLabel());
        CloudException e = assertThrows(CloudException.class, () -> client.infer("keyless", x, REUSE, ev -> { }));
        assertTrue(e.getMessage().contains("model 'keyless' on both servers was stored without a mask key (uploaded by"
                + " an older client), so it cannot run in mask-reuse mode; upload it again"), e.getMessage());

        byte[] bad = UploadCodec.encode(structure, new ModelMeta(RANGE, "not-a-key"), ShareCodec.encode(shares[0]));
        BadPayloadException b = assertThrows(BadPayloadException.class, () -> UploadCodec.decode(bad, 0));
        assertTrue(b.getMessage().contains("mask key (meta field maskKey) must be 32 lowercase hexadecimal digits"),
                b.getMessage());
    }
}
