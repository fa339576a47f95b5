package io.sonic.cloud.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.cloud.wire.BadPayloadException;
import io.sonic.cloud.wire.GraphCodec;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.ModelShare;
import io.sonic.model.ModelGraph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A server's model shares, kept in its data folder ({@code models/ID/structure.json, share.bin,
 * meta.json}) and loaded at start. A model is written to a temporary folder first and renamed into
 * place, so a crash never leaves a half-written model.
 */
public final class ModelStore {
    /** Model ids: 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' (kept for temporary folders). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    /** One stored model: public structure, this server's share, the owner's token hash. */
    public static final class Stored {
        public final String id;
        public final ModelGraph graph;
        public final ModelShare share;
        public final byte[] structureJson;
        public final String structureHash;
        final byte[] ownerTokenHash;
        public final Instant uploadedAt;
        /** Mask-reuse state: E = W − A per layer, for the mask generation it was opened with. */
        volatile MaskState masks;

        Stored(String id, ModelGraph graph, ModelShare share, byte[] structureJson, byte[] ownerTokenHash,
               Instant uploadedAt) {
            this.id = id;
            this.graph = graph;
            this.share = share;
            this.structureJson = structureJson;
            this.structureHash = GraphCodec.structureHash(graph);
            this.ownerTokenHash = ownerTokenHash;
            this.uploadedAt = uploadedAt;
        }
    }

    record MaskState(String generation, Map<Integer, long[]> opened) {
    }

    private final Path dir;
    private final int party;
    private final Map<String, Stored> models = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();

    public ModelStore(Path dataDir, int party) {
        this.dir = dataDir.resolve("models");
        this.party = party;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        load();
    }

    private void load() {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    deleteTree(p);
                    continue;
                }
                try {
                    JsonNode meta = json.readTree(p.resolve("meta.json").toFile());
                    byte[] structure = Files.readAllBytes(p.resolve("structure.json"));
                    ModelGraph g = GraphCodec.publicGraph(structure);
                    ModelShare share = ShareCodec.decode(Files.readAllBytes(p.resolve("share.bin")), g, party);
                    models.put(name, new Stored(name, g, share, structure,
                            Base64.getDecoder().decode(meta.get("ownerTokenHash").asText()),
                            Instant.parse(meta.get("uploadedAt").asText())));
                } catch (IOException | RuntimeException e) {
                    System.err.println("sonic: skipping stored model '" + name + "': " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    public Collection<Stored> all() {
        List<Stored> l = new ArrayList<>(models.values());
        l.sort(Comparator.comparing(m -> m.id));
        return l;
    }

    public Stored get(String id) {
        return models.get(id);
    }

    /**
     * Stores (or replaces, with the same owner token) a model share. The payload was validated by the
     * caller; this writes it atomically.
     */
    public synchronized Stored put(String id, String ownerToken, byte[] structureJson, ModelGraph graph,
                                   byte[] shareBytes, ModelShare share) {
        Stored old = models.get(id);
        if (old != null && !Tokens.matches(ownerToken, old.ownerTokenHash)) {
            throw new ApiException(403, "model '" + id + "' belongs to another owner token");
        }
        Stored s = new Stored(id, graph, share, structureJson, Tokens.hash(ownerToken), Instant.now());
        Path tmp = dir.resolve(".tmp-" + id + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            Files.write(tmp.resolve("structure.json"), structureJson);
            Files.write(tmp.resolve("share.bin"), shareBytes);
            ObjectNode meta = json.createObjectNode();
            meta.put("id", id);
            meta.put("name", graph.name());
            meta.put("ownerTokenHash", Base64.getEncoder().encodeToString(s.ownerTokenHash));
            meta.put("uploadedAt", s.uploadedAt.toString());
            meta.put("structureHash", s.structureHash);
            Files.write(tmp.resolve("meta.json"), json.writeValueAsBytes(meta));
            Path target = dir.resolve(id);
            Path retired = null;
            if (Files.exists(target)) {
                retired = dir.resolve(".old-" + id + "-" + UUID.randomUUID());
                move(target, retired);
            }
            move(tmp, target);
            if (retired != null) {
                deleteTree(retired);
            }
        } catch (IOException e) {
            deleteTree(tmp);
            throw new ApiException(507, "could not store the model: " + e.getMessage());
        }
        models.put(id, s);
        return s;
    }

    public synchronized void delete(String id, String ownerToken) {
        Stored old = models.get(id);
        if (old == null) {
            throw new ApiException(404, "no model '" + id + "'");
        }
        if (!Tokens.matches(ownerToken, old.ownerTokenHash)) {
            throw new ApiException(403, "wrong owner token for model '" + id + "'");
        }
        models.remove(id);
        Path retired = dir.resolve(".old-" + id + "-" + UUID.randomUUID());
        try {
            move(dir.resolve(id), retired);
        } catch (IOException e) {
            throw new ApiException(500, "could not delete the model's files: " + e.getMessage());
        }
        deleteTree(retired);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
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
            // best effort: a leftover temporary folder is removed at the next start
        }
    }

    /** A validated upload: the public structure and this server's share, as bytes and decoded. */
    public record Upload(byte[] structureJson, ModelGraph graph, byte[] shareBytes, ModelShare share) {
    }

    /** Validates an upload body: [magic "SNMD"][int structure length][structure][share]. */
    public static Upload parseUpload(byte[] body, int party) {
        if (body.length < 8 || body[0] != 'S' || body[1] != 'N' || body[2] != 'M' || body[3] != 'D') {
            throw new BadPayloadException("not a Sonic model upload (expected the SNMD container)");
        }
        int n = java.nio.ByteBuffer.wrap(body, 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        if (n <= 0 || n > body.length - 8) {
            throw new BadPayloadException("truncated model upload: the structure claims " + n + " bytes");
        }
        byte[] structure = java.util.Arrays.copyOfRange(body, 8, 8 + n);
        byte[] share = java.util.Arrays.copyOfRange(body, 8 + n, body.length);
        ModelGraph g = GraphCodec.publicGraph(structure);
        ModelShare s = ShareCodec.decode(share, g, party);
        return new Upload(structure, g, share, s);
    }

    /** The upload body for {@link #parseUpload}. */
    public static byte[] uploadBody(byte[] structure, byte[] share) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + structure.length + share.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'S', 'N', 'M', 'D'}).putInt(structure.length).put(structure).put(share);
        return b.array();
    }
}
