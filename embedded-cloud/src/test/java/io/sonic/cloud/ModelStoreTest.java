package io.sonic.cloud;

import io.sonic.cloud.api.ModelMeta;
import io.sonic.cloud.server.ApiException;
import io.sonic.cloud.server.ModelStore;
import io.sonic.cloud.server.ServerLimits;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.cloud.wire.UploadCodec;
import io.sonic.engine.InputRange;
import io.sonic.engine.ModelShare;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.model.ModelGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {
    /** What a crash does to the store object: nothing after it runs. */
    static final class Crash extends Error {
        Crash(ModelStore.Step step) {
            super("simulated crash at " + step);
        }
    }

    static UploadCodec.Upload upload(String model, InputRange range) {
        ModelGraph g = new SampleModels(model).graph();
        ModelShare[] shares = ModelShare.split(g, SecureConfig.DEFAULT.fixedPoint(), Prg.fresh());
        byte[] body = UploadCodec.encode(GraphCodec.structure(g), new ModelMeta(range), ShareCodec.encode(shares[0]));
        return UploadCodec.decode(body, 0);
    }

    @Test
    void sharesPersistAcrossARestartAreLoadedOnDemandAndAHalfWrittenModelNeverAppears(@TempDir Path dir)
            throws Exception {
        UploadCodec.Upload up = upload("breast-cancer", new InputRange(-5, 15));
        ModelStore store = new ModelStore(dir, 0);
        store.put("bc", "owner", up);
        // a crash in the middle of another upload leaves only a temporary folder behind
        Path tmp = dir.resolve("models").resolve("other").resolve(".tmp-123");
        Files.createDirectories(tmp);
        Files.write(tmp.resolve("structure.json"), up.structureJson());
        ModelStore reopened = new ModelStore(dir, 0);
        assertEquals(1, reopened.all().size());
        assertNull(reopened.get("other"));
        assertFalse(Files.exists(tmp.getParent()), "an upload that never completed is cleared at start");
        ModelStore.Stored bc = reopened.get("bc");
        assertEquals(new InputRange(-5, 15), bc.info().inputRange());
        assertEquals(up.shareBytes().length, bc.info().shareBytes());
        assertTrue(reopened.cached().isEmpty(), "nothing is loaded before a session needs it");
        ModelStore.Loaded a = reopened.acquire("bc");
        ModelStore.Loaded b = reopened.acquire("bc");
        assertSame(a, b, "concurrent sessions share one loaded copy");
        assertArrayEquals(up.share().layer(0)[0].values(), a.share.layer(0)[0].values());
        reopened.release(a);
        reopened.release(b);
        assertEquals(1, reopened.cached().size(), "the current version stays cached once released");
        ApiException e = assertThrows(ApiException.class, () -> reopened.put("bc", "intruder", up));
        assertEquals(403, e.status());
        reopened.delete("bc", "owner");
        assertTrue(reopened.cached().isEmpty());
        assertTrue(new ModelStore(dir, 0).all().isEmpty());
        assertEquals(404, assertThrows(ApiException.class, () -> reopened.acquire("bc")).status());
    }

    @Test
    void quotasRefuseWithTheLimitNamedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        UploadCodec.Upload up = upload("breast-cancer", new InputRange(-5, 15));
        long size = up.structureJson().length + up.shareBytes().length;
        ServerLimits twoModels = ServerLimits.DEFAULT.withStore(2, size, 3 * size);
        ModelStore store = new ModelStore(dir, 0, twoModels, ModelStore.Faults.NONE);
        store.put("a", "o", up);
        store.put("b", "o", up);
        ApiException count = assertThrows(ApiException.class, () -> store.put("c", "o", up));
        assertEquals(507, count.status());
        assertTrue(count.getMessage().contains("--max-models"), count.getMessage());
        store.put("a", "o", up);  // replacing does not count twice
        ServerLimits small = ServerLimits.DEFAULT.withStore(10, size, size + size / 2);
        ModelStore tight = new ModelStore(dir.resolve("other"), 0, small, ModelStore.Faults.NONE);
        tight.put("a", "o", up);
        ApiException bytes = assertThrows(ApiException.class, () -> tight.checkQuota("b", size));
        assertEquals(507, bytes.status());
        assertTrue(bytes.getMessage().contains("--max-store-mb"), bytes.getMessage());
        try (var files = Files.list(dir.resolve("other").resolve("models"))) {
            assertEquals(1, files.count(), "a refused upload writes nothing");
        }
    }

    @Test
    void aLegacyModelWithoutAnInputRangeIsSkippedNotDeleted(@TempDir Path dir) throws Exception {
        Path legacy = dir.resolve("models").resolve("old");
        Files.createDirectories(legacy);
        Files.write(legacy.resolve("share.bin"), new byte[] {1, 2, 3});
        ModelStore store = new ModelStore(dir, 0);
        assertNull(store.get("old"));
        assertTrue(Files.exists(legacy.resolve("share.bin")));
    }

    /**
     * A crash at each step of a replace, then a restart: the store finds one complete version, the old
     * one before the pointer moved, the new one after, and no leftover files.
     */
    @ParameterizedTest
    @EnumSource(ModelStore.Step.class)
    void aCrashAtAnyStepOfAReplaceLeavesACompleteVersion(ModelStore.Step step, @TempDir Path dir) throws Exception {
        UploadCodec.Upload first = upload("breast-cancer", new InputRange(-5, 15));
        UploadCodec.Upload second = upload("breast-cancer", new InputRange(-4, 14));
        new ModelStore(dir, 0).put("bc", "owner", first);
        ModelStore crashing = new ModelStore(dir, 0, ServerLimits.DEFAULT, (s, id) -> {
            if (s == step) {
                throw new Crash(s);
            }
        });
        assertThrows(Crash.class, () -> crashing.put("bc", "owner", second));
        ModelStore restarted = new ModelStore(dir, 0);
        ModelStore.Stored found = restarted.get("bc");
        assertNotNull(found, "the model is never lost");
        boolean moved = step.compareTo(ModelStore.Step.POINTER_RENAMED) >= 0;
        UploadCodec.Upload expected = moved ? second : first;
        assertEquals(expected.meta().inputRange(), found.info().inputRange(), "at " + step);
        ModelStore.Loaded l = restarted.acquire("bc");
        assertArrayEquals(expected.share().layer(0)[0].values(), l.share.layer(0)[0].values(), "at " + step);
        restarted.release(l);
        try (var files = Files.list(dir.resolve("models").resolve("bc"))) {
            assertEquals(2, files.count(), "only the pointer and one version remain: "
                    + Arrays.toString(dir.resolve("models").resolve("bc").toFile().list()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ModelStore.Step.class, names = "OLD_REMOVED", mode = EnumSource.Mode.EXCLUDE)
    void aCrashDuringAFirstUploadLeavesNoModelOrTheWholeModel(ModelStore.Step step, @TempDir Path dir) {
        UploadCodec.Upload up = upload("breast-cancer", new InputRange(-5, 15));
        ModelStore crashing = new ModelStore(dir, 0, ServerLimits.DEFAULT, (s, id) -> {
            if (s == step) {
                throw new Crash(s);
            }
        });
        assertThrows(Crash.class, () -> crashing.put("bc", "owner", up));
        ModelStore restarted = new ModelStore(dir, 0);
        if (step == ModelStore.Step.POINTER_RENAMED) {
            ModelStore.Loaded l = restarted.acquire("bc");
            assertArrayEquals(up.share().layer(0)[0].values(), l.share.layer(0)[0].values());
        } else {
            assertNull(restarted.get("bc"), "at " + step);
            assertFalse(Files.exists(dir.resolve("models").resolve("bc")), "at " + step);
        }
    }
}
