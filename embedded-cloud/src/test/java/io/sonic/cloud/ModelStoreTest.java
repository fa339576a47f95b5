package io.sonic.cloud;

import io.sonic.cloud.server.ApiException;
import io.sonic.cloud.server.ModelStore;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.ModelShare;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.model.ModelGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {
    @Test
    void sharesPersistAcrossARestartAndAHalfWrittenModelNeverAppears(@TempDir Path dir) throws Exception {
        ModelGraph g = new SampleModels("breast-cancer").graph();
        ModelShare[] shares = ModelShare.split(g, SecureConfig.DEFAULT.fixedPoint(), Prg.fresh());
        byte[] structure = GraphCodec.structure(g);
        byte[] share0 = ShareCodec.encode(shares[0]);
        ModelGraph pub = GraphCodec.publicGraph(structure);
        ModelStore store = new ModelStore(dir, 0);
        store.put("bc", "owner", structure, pub, share0, ShareCodec.decode(share0, pub, 0));
        // a crash in the middle of a later upload leaves only a temporary folder behind
        Path tmp = dir.resolve("models").resolve(".tmp-other-123");
        Files.createDirectories(tmp);
        Files.write(tmp.resolve("structure.json"), structure);
        ModelStore reopened = new ModelStore(dir, 0);
        assertEquals(1, reopened.all().size());
        assertNull(reopened.get("other"));
        assertFalse(Files.exists(tmp), "temporary folders are cleared at start");
        ModelStore.Stored bc = reopened.get("bc");
        assertArrayEquals(shares[0].layer(0)[0].values(), bc.share.layer(0)[0].values());
        ApiException e = assertThrows(ApiException.class, () -> reopened.put("bc", "intruder", structure, pub, share0,
                ShareCodec.decode(share0, pub, 0)));
        assertEquals(403, e.status());
        reopened.delete("bc", "owner");
        assertTrue(new ModelStore(dir, 0).all().isEmpty());
    }
}
