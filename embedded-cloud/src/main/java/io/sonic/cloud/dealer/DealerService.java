package io.sonic.cloud.dealer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonic.cloud.server.ApiException;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.MaskSeeds;
import io.sonic.engine.dealer.Need;
import io.sonic.model.ModelGraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dealer's logic, apart from HTTP: it knows public model structures, keeps the mask seeds of each
 * uploaded model version (mask-reuse mode) in its data folder, and deals each session once: server 0 gets
 * its seed, server 1 its seed and the corrections. Nothing private passes through it.
 *
 * <p>Mask seeds are kept per structure hash <em>and</em> mask key, the key the two servers agree on for
 * one stored upload (the owner's mask key and a nonce of each server's own, hashed together): a mask A is
 * opened against one weight tensor only, never against two uploads of the same structure. At most
 * {@value #MAX_MASK_SETS} sets are kept; beyond that the least recently used set is forgotten (its
 * servers then open W − A again with fresh seeds, which reveals nothing), so that no caller can make the
 * dealer store without bound.
 */
public final class DealerService {
    private static final Duration PENDING = Duration.ofMinutes(2);
    /** Mask seed sets kept at most. */
    public static final int MAX_MASK_SETS = 4096;
    private static final String MASK_FILE = "[0-9a-f]{64}-[0-9a-f]{64}\\.json";

    private final Path dataDir;
    /** Structures known, by hash; their files are in DIR/structures, the last few used are held in memory. */
    private final java.util.Set<String> known = ConcurrentHashMap.newKeySet();
    private final Map<String, ModelGraph> loaded = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private static final int LOADED = 32;
    /** Mask seed sets by {@code HASH-KEY}, least recently used first; each also in DIR/masks/HASH-KEY.json. */
    private final Map<String, Masks> masks = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private final Map<UUID, Pending> deals = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    record Masks(String generation, MaskSeeds seeds) {
    }

    private static final class Pending {
        final String key;
        final Dealer.Dealt dealt;
        final boolean[] fetched = new boolean[2];
        final long created = System.nanoTime();

        Pending(String key, Dealer.Dealt dealt) {
            this.key = key;
            this.dealt = dealt;
        }
    }

    public DealerService(Path dataDir) {
        this.dataDir = dataDir;
        try {
            Files.createDirectories(dataDir.resolve("masks"));
            Files.createDirectories(dataDir.resolve("structures"));
            loadMasks();
            try (var s = Files.list(dataDir.resolve("structures"))) {
                for (Path p : s.toList()) {
                    String name = p.getFileName().toString();
                    if (name.matches("[0-9a-f]{64}\\.json")) {
                        known.add(name.substring(0, 64));
                    } else {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the dealer's data folder " + dataDir + ": " + e.getMessage());
        }
    }

    public int structureCount() {
        return known.size();
    }

    public int pendingDeals() {
        expire();
        return deals.size();
    }

    public boolean knows(String structureHash) {
        return known.contains(structureHash);
    }

    /** Registers a public structure; the hash must be the structure's. */
    public void putStructure(String hash, byte[] structureJson) {
        ModelGraph g = GraphCodec.publicGraph(structureJson);
        if (!GraphCodec.structureHash(g).equals(hash)) {
            throw new ApiException(400, "the structure does not have the hash " + hash);
        }
        writeAtomically(dataDir.resolve("structures").resolve(hash + ".json"), structureJson);
        known.add(hash);
        remember(hash, g);
    }

    /** A known structure's public graph, from memory or read again from its file; null when unknown. */
    private ModelGraph structure(String hash) {
        if (!known.contains(hash)) {
            return null;
        }
        synchronized (loaded) {
            ModelGraph g = loaded.get(hash);
            if (g != null) {
                return g;
            }
        }
        ModelGraph g;
        try {
            g = GraphCodec.publicGraph(Files.readAllBytes(dataDir.resolve("structures").resolve(hash + ".json")));
        } catch (IOException | RuntimeException e) {
            known.remove(hash);
            return null;
        }
        remember(hash, g);
        return g;
    }

    private void remember(String hash, ModelGraph g) {
        synchronized (loaded) {
            loaded.put(hash, g);
            while (loaded.size() > LOADED) {
                loaded.remove(loaded.keySet().iterator().next());
            }
        }
    }

    /**
     * Reads the kept mask seed sets, oldest first. Anything else in DIR/masks goes: temporary files, and
     * the seed files of older dealers, which were kept per structure only and must never be used again.
     */
    private void loadMasks() throws IOException {
        Path dir = dataDir.resolve("masks");
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = new java.util.ArrayList<>(s.toList());
        }
        files.sort(java.util.Comparator.comparing(p -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }));
        for (Path p : files) {
            String name = p.getFileName().toString();
            Masks m = null;
            if (name.matches(MASK_FILE)) {
                try {
                    JsonNode n = json.readTree(p.toFile());
                    m = new Masks(n.get("generation").asText(), new MaskSeeds(
                            Base64.getDecoder().decode(n.get("seed0").asText()),
                            Base64.getDecoder().decode(n.get("seed1").asText())));
                } catch (IOException | RuntimeException e) {
                    m = null;
                }
            }
            if (m == null) {
                Files.deleteIfExists(p);
            } else {
                masks.put(name.substring(0, name.length() - ".json".length()), m);
            }
        }
        evictMasks();
    }

    /** The number of mask seed sets kept. */
    public synchronized int maskSetCount() {
        return masks.size();
    }

    /**
     * A server's mask seeds for one stored model version (mask-reuse mode), created at the first request
     * for this structure hash and mask key.
     */
    public synchronized Masks masks(String structureHash, String maskKey) {
        String name = maskName(structureHash, maskKey);
        Masks m = masks.get(name);
        if (m != null) {
            return m;
        }
        m = new Masks(UUID.randomUUID().toString(), MaskSeeds.fresh());
        var n = json.createObjectNode();
        n.put("structureHash", structureHash);
        n.put("maskKey", maskKey);
        n.put("generation", m.generation());
        n.put("seed0", Base64.getEncoder().encodeToString(m.seeds().seed(0)));
        n.put("seed1", Base64.getEncoder().encodeToString(m.seeds().seed(1)));
        try {
            writeAtomically(dataDir.resolve("masks").resolve(name + ".json"), json.writeValueAsBytes(n));
        } catch (IOException | ApiException e) {
            throw new ApiException(507, "cannot store mask seeds: " + e.getMessage());
        }
        masks.put(name, m);
        evictMasks();
        return m;
    }

    /** The mask seeds kept for this structure hash and mask key, or null; never creates them. */
    private synchronized Masks existingMasks(String structureHash, String maskKey) {
        return masks.get(maskName(structureHash, maskKey));
    }

    private static String maskName(String structureHash, String maskKey) {
        if (maskKey == null || !maskKey.matches("[0-9a-f]{64}")) {
            throw new ApiException(400, "a mask key is 64 lowercase hexadecimal digits (the servers' joint key of one"
                    + " stored upload), not '" + io.sonic.cloud.api.ApiJson.printable(maskKey) + "'");
        }
        return structureHash + "-" + maskKey;
    }

    /** Forgets the least recently used mask seed sets beyond {@link #MAX_MASK_SETS}. */
    private void evictMasks() {
        var it = masks.keySet().iterator();
        while (masks.size() > MAX_MASK_SETS && it.hasNext()) {
            String name = it.next();
            it.remove();
            try {
                Files.deleteIfExists(dataDir.resolve("masks").resolve(name + ".json"));
            } catch (IOException ignored) {
                // a leftover file is read again (and evicted again) at the next start
            }
        }
    }

    /**
     * Deals a session (once) and returns the requesting server's part, to be written with
     * {@link DealAnswer#chunks}: every check is made here, before the first byte, and the keys are computed
     * as the answer is written, so the dealer keeps only the session's seeds.
     */
    public Dealer.Dealt deal(UUID session, DealRequest req) {
        if (req.party() != 0 && req.party() != 1) {
            throw new ApiException(400, "party must be 0 or 1");
        }
        ModelGraph g = structure(req.structureHash());
        if (g == null) {
            throw new ApiException(404, "unknown structure " + req.structureHash());
        }
        SecureConfig cfg;
        try {
            cfg = req.config(Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        MaskSeeds seeds = null;
        if (cfg.linear() == SecureConfig.LinearMode.MASK_REUSE) {
            if (req.maskKey() == null || req.maskGeneration() == null) {
                throw new ApiException(400, "a mask-reuse deal names the mask seeds its weight masks come from"
                        + " (maskKey and maskGeneration, as GET /v1/masks/{hash}?key=… answered)");
            }
            Masks m = existingMasks(req.structureHash(), req.maskKey());
            if (m == null || !m.generation().equals(req.maskGeneration())) {
                throw new ApiException(409, "mask generation "
                        + io.sonic.cloud.api.ApiJson.printable(req.maskGeneration())
                        + " is not the dealer's current one for this model version (the dealer forgot or renewed"
                        + " its mask seeds); the servers open W − A again at the next query");
            }
            seeds = m.seeds();
        }
        MaskSeeds reuse = seeds;
        expire();
        Pending p = deals.computeIfAbsent(session, k -> {
            List<Need<?>> plan = Plan.of(g, cfg);
            return new Pending(req.sessionKey(), Dealer.deal(plan, reuse, g.layers().size()));
        });
        synchronized (p) {
            if (!p.key.equals(req.sessionKey())) {
                throw new ApiException(409, "the two servers asked for different configurations of session " + session);
            }
            if (p.fetched[req.party()]) {
                throw new ApiException(409, "server " + req.party() + " already fetched its randomness for session "
                        + session + "; correlated randomness is never handed out twice");
            }
            p.fetched[req.party()] = true;
            if (p.fetched[0] && p.fetched[1]) {
                deals.remove(session);
            }
            return p.dealt;
        }
    }

    private void expire() {
        long limit = System.nanoTime() - PENDING.toNanos();
        deals.entrySet().removeIf(e -> e.getValue().created < limit);
    }

    private static void writeAtomically(Path file, byte[] data) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ApiException(507, "cannot write " + file.getFileName() + ": " + e.getMessage());
        }
    }
}
