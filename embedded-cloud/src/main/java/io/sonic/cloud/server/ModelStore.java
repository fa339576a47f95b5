package io.sonic.cloud.server;

import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.api.ModelIds;
import io.sonic.cloud.api.ModelInfo;
import io.sonic.cloud.wire.BadPayloadException;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.cloud.wire.UploadCodec;
import io.sonic.engine.InputRange;
import io.sonic.engine.ModelShare;
import io.sonic.engine.crypto.Prg;
import io.sonic.model.ModelGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A server's model shares in its data folder, read from disk when a session needs them. Layout:
 * {@code models/ID/current} names the current version folder {@code models/ID/v-…/} (structure.json,
 * share.bin, meta.json). A replace writes the new version in a temporary folder, renames it into a
 * version folder, then replaces {@code current} by an atomic rename, and only then removes the old
 * version: at every instant a restart finds one complete version, the old or the new. Everything
 * written is forced to disk before the rename that publishes it. meta.json also holds the upload's mask
 * key and this server's mask nonce, drawn afresh for every version it stores: together they tie the
 * version's mask-reuse masks to this one upload.
 *
 * <p>Only public facts (meta.json) are kept in memory for every model; a model's share and public
 * graph are loaded for the sessions that run on it, shared by concurrent sessions and kept in a cache
 * bounded by {@link ServerLimits#shareCacheBytes()}. The store enforces the model count, per-model and
 * total byte quotas.
 */
public final class ModelStore implements SessionRunner.Models {
    /** The points of a replace at which a crash may happen (a fault-injection hook tests each). */
    public enum Step { FILES_WRITTEN, VERSION_RENAMED, POINTER_WRITTEN, POINTER_RENAMED, OLD_REMOVED }

    /** Called at each step of a store operation; tests make it crash there. */
    @FunctionalInterface
    public interface Faults {
        Faults NONE = (step, id) -> { };

        void at(Step step, String id);
    }

    private static final String CURRENT = "current";
    private static final String META_FORMAT = "sonic-model-meta/1";

    /**
     * A stored model's public facts and owner, as meta.json holds them, and what ties its mask-reuse masks
     * to this one version: the upload's mask key (the owner's, the same on both servers; null for an
     * upload of an older client) and this server's own random mask nonce, drawn when it stored the version.
     */
    public record Stored(String id, String version, ModelInfo info, long structureBytes, byte[] ownerTokenHash,
                         String maskKey, String maskNonce) {
        /** Bytes it takes on disk (structure and share). */
        public long bytes() {
            return info.shareBytes() + structureBytes;
        }
    }

    /** meta.json of a version folder; {@code maskKey} and {@code maskNonce} are absent in older versions. */
    record MetaFile(String format, String id, String name, String inputName, int[] inputShape, int[] outputShape,
                    int layers, int fractionBits, String structureHash, String uploadedAt, InputRange inputRange,
                    long shareBytes, long structureBytes, String ownerTokenHash, String maskKey, String maskNonce) {
    }

    /**
     * A model version loaded for running sessions: public graph, this server's share, and its mask-reuse
     * state. Shared by concurrent sessions; give it back with {@link #release}.
     */
    public static final class Loaded {
        public final Stored stored;
        public final ModelGraph graph;
        public final ModelShare share;
        public final byte[] structureJson;
        final long bytes;
        int references;
        /** Mask-reuse state: E = W − A per layer, for the mask key and generation it was opened with. */
        volatile MaskState masks;

        Loaded(Stored stored, ModelGraph graph, ModelShare share, byte[] structureJson, long bytes) {
            this.stored = stored;
            this.graph = graph;
            this.share = share;
            this.structureJson = structureJson;
            this.bytes = bytes;
        }

        MaskState masks() {
            return masks;
        }

        void masks(MaskState m) {
            masks = m;
        }
    }

    /**
     * E = W − A per layer as opened, with the servers' joint mask key of this version (what the dealer keys
     * the seeds of A by), the dealer's generation of those seeds and this server's seed of that generation
     * (its share of every A, which each query's linear layers use).
     */
    record MaskState(String key, String generation, Map<Integer, long[]> opened, byte[] seed) {
    }

    private final Path dir;
    private final int party;
    private final ServerLimits limits;
    private final Faults faults;
    private final Map<String, Stored> models = new ConcurrentHashMap<>();
    /** Loaded versions by version folder, least recently used first. */
    private final LinkedHashMap<String, Loaded> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;

    public ModelStore(Path dataDir, int party, ServerLimits limits, Faults faults) {
        this.dir = dataDir.resolve("models");
        this.party = party;
        this.limits = limits;
        this.faults = faults;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        load();
    }

    public ModelStore(Path dataDir, int party) {
        this(dataDir, party, ServerLimits.DEFAULT, Faults.NONE);
    }

    private void load() {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    deleteTree(p);
                    continue;
                }
                if (!Files.isDirectory(p)) {
                    continue;
                }
                try {
                    loadModel(name, p);
                } catch (IOException | RuntimeException e) {
                    System.err.println("sonic: skipping stored model '" + ApiJson.printable(name) + "': "
                            + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    private void loadModel(String id, Path folder) throws IOException {
        Path pointer = folder.resolve(CURRENT);
        if (!Files.exists(pointer)) {
            if (Files.exists(folder.resolve("share.bin"))) {
                System.err.println("sonic: stored model '" + ApiJson.printable(id) + "' was stored by an older Sonic"
                        + " without an input range; upload it again to use it");
            } else {
                deleteTree(folder);  // a first upload that never completed
            }
            return;
        }
        String version = Files.readString(pointer, StandardCharsets.UTF_8).trim();
        Path v = folder.resolve(version);
        if (!version.startsWith("v-") || !Files.isDirectory(v)) {
            throw new IOException("its current version '" + ApiJson.printable(version) + "' is missing");
        }
        MetaFile meta = ApiJson.answer(Files.readAllBytes(v.resolve("meta.json")), MetaFile.class);
        if (!META_FORMAT.equals(meta.format()) || !id.equals(meta.id())
                || Files.size(v.resolve("share.bin")) != meta.shareBytes()
                || Files.size(v.resolve("structure.json")) != meta.structureBytes()) {
            throw new IOException("its files do not match its meta.json");
        }
        try (Stream<Path> others = Files.list(folder)) {
            for (Path o : others.toList()) {
                String n = o.getFileName().toString();
                if (!n.equals(CURRENT) && !n.equals(version)) {
                    deleteTree(o);  // versions replaced or never published
                }
            }
        }
        Stored s = stored(meta, version);
        models.put(s.id(), s);
    }

    private static Stored stored(MetaFile m, String version) {
        ModelInfo info = new ModelInfo(m.id(), m.name(), m.inputName(), m.inputShape(), m.outputShape(), m.layers(),
                m.fractionBits(), m.structureHash(), m.uploadedAt(), m.inputRange(), m.shareBytes());
        return new Stored(m.id(), version, info, m.structureBytes(), Base64.getDecoder().decode(m.ownerTokenHash()),
                m.maskKey(), m.maskNonce());
    }

    public Collection<Stored> all() {
        List<Stored> l = new ArrayList<>(models.values());
        l.sort(Comparator.comparing(Stored::id));
        return l;
    }

    public Stored get(String id) {
        return models.get(id);
    }

    /** Bytes of all stored models (structures and shares). */
    public long usedBytes() {
        return models.values().stream().mapToLong(Stored::bytes).sum();
    }

    /**
     * Refuses, before its body is read, an upload of {@code incoming} bytes that the quotas cannot take:
     * the model count (a new id) or the total bytes (less what a replaced version frees).
     */
    public void checkQuota(String id, long incoming) {
        Stored existing = models.get(id);
        if (existing == null && models.size() >= limits.maxModels()) {
            throw new ApiException(507, "server " + party + " stores " + models.size() + " models, its limit; delete"
                    + " a model first, or start the server with a larger --max-models");
        }
        long after = usedBytes() - (existing != null ? existing.bytes() : 0) + Math.max(incoming, 0);
        if (after > limits.maxStoreBytes()) {
            throw new ApiException(507, "the model store of server " + party + " would hold " + mib(after)
                    + " MiB, more than its limit of " + mib(limits.maxStoreBytes()) + " MiB; delete a model first,"
                    + " or start the server with a larger --max-store-mb");
        }
    }

    private static long mib(long bytes) {
        return (bytes + ServerLimits.MIB - 1) / ServerLimits.MIB;
    }

    /** Whether {@code token} may replace or delete model {@code id} (true for a new id). */
    public boolean ownedBy(String id, String token) {
        Stored s = models.get(id);
        return s == null || Tokens.matches(token, s.ownerTokenHash());
    }

    /**
     * Stores (or replaces, with the same owner token) a validated upload, atomically (see the class
     * description), within the quotas.
     */
    public synchronized Stored put(String id, String ownerToken, UploadCodec.Upload up) {
        if (!ModelIds.valid(id)) {
            throw new ApiException(400, ModelIds.RULE);
        }
        if (!ownedBy(id, ownerToken)) {
            throw new ApiException(403, "model '" + id + "' belongs to another owner token");
        }
        checkQuota(id, (long) up.structureJson().length + up.shareBytes().length);
        Stored old = models.get(id);
        ModelGraph g = up.graph();
        String version = "v-" + System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
        MetaFile meta = new MetaFile(META_FORMAT, id, g.name(), g.inputName(), g.inputShape(), g.outputShape(),
                g.layers().size(), up.share().fractionBits(), GraphCodec.structureHash(g), Instant.now().toString(),
                up.meta().inputRange(), up.shareBytes().length, up.structureJson().length,
                Base64.getEncoder().encodeToString(Tokens.hash(ownerToken)), up.meta().maskKey(),
                HexFormat.of().formatHex(Prg.newSeed()));
        Path folder = dir.resolve(id);
        Path tmp = folder.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(folder);
            Files.createDirectory(tmp);
            writeDurably(tmp.resolve("structure.json"), up.structureJson());
            writeDurably(tmp.resolve("share.bin"), up.shareBytes());
            writeDurably(tmp.resolve("meta.json"), ApiJson.write(meta));
            faults.at(Step.FILES_WRITTEN, id);
            move(tmp, folder.resolve(version));
            forceDirectory(folder);
            faults.at(Step.VERSION_RENAMED, id);
            Path pointerTmp = folder.resolve(".current-" + UUID.randomUUID());
            writeDurably(pointerTmp, version.getBytes(StandardCharsets.UTF_8));
            faults.at(Step.POINTER_WRITTEN, id);
            move(pointerTmp, folder.resolve(CURRENT));
            forceDirectory(folder);
            forceDirectory(dir);
            faults.at(Step.POINTER_RENAMED, id);
        } catch (IOException e) {
            deleteTree(tmp);
            throw new ApiException(507, "server " + party + " could not store the model: " + e.getMessage());
        }
        Stored s = stored(meta, version);
        models.put(id, s);
        if (old != null) {
            deleteTree(folder.resolve(old.version()));
            faults.at(Step.OLD_REMOVED, id);
            dropCached(old);
        }
        return s;
    }

    public synchronized void delete(String id, String ownerToken) {
        Stored old = models.get(id);
        if (old == null) {
            throw new ApiException(404, "no model '" + id + "' on server " + party);
        }
        if (!Tokens.matches(ownerToken, old.ownerTokenHash())) {
            throw new ApiException(403, "wrong owner token for model '" + id + "'");
        }
        Path retired = dir.resolve(".deleted-" + UUID.randomUUID());
        try {
            move(dir.resolve(id), retired);
            forceDirectory(dir);
        } catch (IOException e) {
            throw new ApiException(500, "could not delete the model's files: " + e.getMessage());
        }
        models.remove(id);
        deleteTree(retired);
        dropCached(old);
    }

    // ------------------------------------------------------------------ loading for sessions

    /**
     * The model's current version, loaded (or shared with running sessions). 404 when the model is gone,
     * 503 when the share cache cannot take it now (other models are in use).
     */
    @Override
    public Loaded acquire(String id) {
        Stored s = models.get(id);
        if (s == null) {
            throw new ApiException(404, "model '" + id + "' was deleted");
        }
        String key = s.id() + "/" + s.version();
        long need = 2 * s.info().shareBytes() + 1;
        synchronized (cache) {
            Loaded l = cache.get(key);
            if (l != null) {
                l.references++;
                return l;
            }
            evict(need);
            if (cachedBytes + need > limits.shareCacheBytes() && cachedBytes > 0) {
                throw ApiException.busy("server " + party + " has no memory for model '" + id + "' now (other models"
                        + " are in use); retry later", 5);
            }
            cachedBytes += need;
        }
        Loaded l;
        try {
            Path v = dir.resolve(id).resolve(s.version());
            byte[] structure = Files.readAllBytes(v.resolve("structure.json"));
            ModelGraph g = GraphCodec.publicGraph(structure);
            if (!GraphCodec.structureHash(g).equals(s.info().structureHash())) {
                throw new BadPayloadException("its structure does not match its meta.json");
            }
            ModelShare share = ShareCodec.decode(Files.readAllBytes(v.resolve("share.bin")), g, party);
            l = new Loaded(s, g, share, structure, need);
        } catch (IOException | RuntimeException e) {
            synchronized (cache) {
                cachedBytes -= need;
            }
            if (models.get(id) != s) {
                throw new ApiException(404, "model '" + id + "' was replaced or deleted; retry");
            }
            throw new ApiException(500, "server " + party + " cannot read its share of model '" + id + "': "
                    + e.getMessage());
        }
        synchronized (cache) {
            Loaded raced = cache.get(key);
            if (raced != null) {
                cachedBytes -= need;
                raced.references++;
                return raced;
            }
            l.references = 1;
            cache.put(key, l);
            return l;
        }
    }

    /** Gives a loaded model back; it stays cached (evictable) while it is the current version. */
    @Override
    public void release(Loaded l) {
        synchronized (cache) {
            l.references--;
            Stored now = models.get(l.stored.id());
            if (l.references <= 0 && (now == null || !now.version().equals(l.stored.version()))) {
                if (cache.remove(l.stored.id() + "/" + l.stored.version()) == l) {
                    cachedBytes -= l.bytes;
                }
            }
        }
    }

    private void dropCached(Stored old) {
        synchronized (cache) {
            String key = old.id() + "/" + old.version();
            Loaded l = cache.get(key);
            if (l != null && l.references <= 0) {
                cache.remove(key);
                cachedBytes -= l.bytes;
            }
        }
    }

    /** Drops unused cache entries, least recently used first, until {@code need} more bytes fit. */
    private void evict(long need) {
        Iterator<Map.Entry<String, Loaded>> it = cache.entrySet().iterator();
        while (cachedBytes + need > limits.shareCacheBytes() && it.hasNext()) {
            Loaded l = it.next().getValue();
            if (l.references <= 0) {
                it.remove();
                cachedBytes -= l.bytes;
            }
        }
    }

    /** Loaded versions in the cache and the bytes they take (for tests and the status). */
    public Map<String, Long> cached() {
        synchronized (cache) {
            Map<String, Long> m = new HashMap<>();
            cache.forEach((k, v) -> m.put(k, v.bytes));
            return m;
        }
    }

    // ------------------------------------------------------------------ files

    private static void writeDurably(Path file, byte[] data) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                c.write(b);
            }
            c.force(true);
        }
    }

    private static void forceDirectory(Path d) {
        try (FileChannel c = FileChannel.open(d, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system can sync a directory; the renames are atomic either way
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException ignored) {
            // best effort: a leftover folder is removed at the next start
        }
    }
}
