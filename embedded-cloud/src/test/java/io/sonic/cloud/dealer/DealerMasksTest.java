package io.sonic.cloud.dealer;

import io.sonic.cloud.server.ApiException;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.layer.MatMulLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dealer's mask seeds: kept per structure and upload key, bounded, and named by every mask-reuse deal. */
class DealerMasksTest {
    private static final SecureConfig REUSE = SecureConfig.DEFAULT.withLinear(SecureConfig.LinearMode.MASK_REUSE);

    private static ModelGraph graph() {
        FloatTensor w = new FloatTensor(new int[] {3, 2}, new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f});
        MatMulLayer fc = new MatMulLayer("fc", "Gemm", "x", new int[] {1, 3}, "y", w, false, false, null);
        return new ModelGraph("tiny", "dealer tests", 13, "x", new int[] {1, 3}, "y", new int[] {1, 2}, List.of(fc));
    }

    private static String key(int i) {
        byte[] b = new byte[32];
        b[0] = (byte) (i >>> 24);
        b[1] = (byte) (i >>> 16);
        b[2] = (byte) (i >>> 8);
        b[3] = (byte) i;
        return HexFormat.of().formatHex(b);
    }

    private static int status(Runnable r) {
        return assertThrows(ApiException.class, r::run).status();
    }

    @Test
    void seedsAreKeptPerStructureAndKeySurviveARestartAndOldPerStructureSeedsAreDropped(@TempDir Path dir)
            throws Exception {
        ModelGraph g = graph();
        String hash = GraphCodec.structureHash(g);
        Files.createDirectories(dir.resolve("masks"));
        Path old = dir.resolve("masks").resolve(hash + ".json");
        String zero = "AAAAAAAAAAAAAAAAAAAAAA==";
        Files.writeString(old, "{\"generation\":\"g\",\"seed0\":\"" + zero + "\",\"seed1\":\"" + zero + "\"}");
        DealerService d = new DealerService(dir);
        assertFalse(Files.exists(old), "seeds kept per structure alone are never used again");
        d.putStructure(hash, GraphCodec.structure(g));
        DealerService.Masks a = d.masks(hash, key(1));
        DealerService.Masks b = d.masks(hash, key(2));
        assertNotEquals(a.generation(), b.generation());
        for (int p = 0; p < 2; p++) {
            assertFalse(java.util.Arrays.equals(a.seeds().seed(p), b.seeds().seed(p)), "server " + p + "'s seed");
        }
        assertEquals(a, d.masks(hash, key(1)), "the same upload key gets the same seeds");
        DealerService again = new DealerService(dir);
        DealerService.Masks a2 = again.masks(hash, key(1));
        assertEquals(a.generation(), a2.generation(), "kept across a restart");
        assertArrayEquals(a.seeds().seed(0), a2.seeds().seed(0));
        assertArrayEquals(a.seeds().seed(1), a2.seeds().seed(1));
        assertEquals(2, again.maskSetCount());
        assertEquals(400, status(() -> d.masks(hash, "abc")));
        assertEquals(400, status(() -> d.masks(hash, key(0xabcdef).toUpperCase())));
        assertEquals(400, status(() -> d.masks(hash, "../" + key(1).substring(3))));
    }

    @Test
    void atMostMaxMaskSetsAreKeptTheLeastRecentlyUsedGoFirst(@TempDir Path dir) throws Exception {
        ModelGraph g = graph();
        String hash = GraphCodec.structureHash(g);
        DealerService d = new DealerService(dir);
        d.putStructure(hash, GraphCodec.structure(g));
        int max = DealerService.MAX_MASK_SETS;
        String first = d.masks(hash, key(0)).generation();
        String second = d.masks(hash, key(1)).generation();
        for (int i = 2; i < max + 5; i++) {
            d.masks(hash, key(i));
            if (i == max - 1) {
                d.masks(hash, key(0));  // used again: now the most recent
            }
        }
        assertEquals(max, d.maskSetCount());
        try (var files = Files.list(dir.resolve("masks"))) {
            assertEquals(max, files.count(), "one file per set kept, none left behind");
        }
        assertEquals(first, d.masks(hash, key(0)).generation(), "a set in use is kept");
        assertNotEquals(second, d.masks(hash, key(1)).generation(), "the least recently used set was forgotten");
        assertEquals(max, new DealerService(dir).maskSetCount());
    }

    @Test
    void aMaskReuseDealNamesTheUploadsSeedsAndTheirGeneration(@TempDir Path dir) {
        ModelGraph g = graph();
        String hash = GraphCodec.structureHash(g);
        DealerService d = new DealerService(dir);
        d.putStructure(hash, GraphCodec.structure(g));
        String k = key(7);
        DealerService.Masks m = d.masks(hash, k);
        assertEquals(400, status(() -> d.deal(UUID.randomUUID(), DealRequest.of(0, hash, REUSE))));
        assertEquals(409, status(() -> d.deal(UUID.randomUUID(), DealRequest.of(0, hash, REUSE, k, "other"))));
        assertEquals(409, status(() -> d.deal(UUID.randomUUID(), DealRequest.of(0, hash, REUSE, key(8),
                m.generation()))), "seeds never asked for are not made by a deal");
        UUID session = UUID.randomUUID();
        var items = Plan.of(g, REUSE);
        DealAnswer.decode(DealAnswer.bytes(d.deal(session, DealRequest.of(0, hash, REUSE, k, m.generation())), 0),
                items, 0);
        assertEquals(409, status(() -> d.deal(session, DealRequest.of(1, hash, REUSE, key(9), m.generation()))),
                "both servers must name the same seeds");
        DealAnswer.Part p1 = DealAnswer.decode(DealAnswer.bytes(d.deal(session, DealRequest.of(1, hash, REUSE, k,
                m.generation())), 1), items, 1);
        int n = 0;
        for (var it = p1.payloads(); it.hasNext(); it.next()) {
            n++;
        }
        assertEquals(items.size(), n);
        assertTrue(DealAnswer.bytes(d.deal(UUID.randomUUID(), DealRequest.of(0, hash, SecureConfig.DEFAULT)), 0).length > 0,
                "a faithful deal needs no mask seeds");
    }
}
