package io.sonic.cloud.wire;

import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.api.ModelMeta;
import io.sonic.engine.ModelShare;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The model upload body (SNMD container), the same for both servers except for the share:
 * {@code [magic "SNMD"][u32 structure length][structure JSON][u32 meta length][meta JSON][share]}, lengths
 * little-endian. The structure is {@link GraphCodec}'s, the meta {@link ModelMeta} (the public input range and
 * the upload's mask key; a meta without a key is accepted, and such a model runs in faithful mode only), the
 * share {@link ShareCodec}'s for the receiving server's party.
 */
public final class UploadCodec {
    private static final int MAX_META = 64 * 1024;

    private UploadCodec() {
    }

    /** A validated upload: the public structure, the meta and this server's share, as bytes and decoded. */
    public record Upload(byte[] structureJson, ModelGraph graph, ModelMeta meta, byte[] shareBytes, ModelShare share) {
    }

    public static byte[] encode(byte[] structure, ModelMeta meta, byte[] share) {
        byte[] m = ApiJson.write(meta);
        ByteBuffer b = ByteBuffer.allocate(12 + structure.length + m.length + share.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'S', 'N', 'M', 'D'}).putInt(structure.length).put(structure).putInt(m.length).put(m).put(share);
        return b.array();
    }

    /** Checks the container, the structure, the meta and the share against each other. */
    public static Upload decode(byte[] body, int party) {
        if (body.length < 12 || body[0] != 'S' || body[1] != 'N' || body[2] != 'M' || body[3] != 'D') {
            throw new BadPayloadException("not a Sonic model upload (expected the SNMD container)");
        }
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        b.position(4);
        int n = b.getInt();
        if (n <= 0 || n > body.length - 12) {
            throw new BadPayloadException("truncated model upload: the structure claims " + Integer.toUnsignedString(n)
                    + " bytes");
        }
        byte[] structure = Arrays.copyOfRange(body, 8, 8 + n);
        b.position(8 + n);
        int m = b.getInt();
        if (m <= 0 || m > MAX_META || m > body.length - 12 - n) {
            throw new BadPayloadException("truncated model upload: the meta part claims " + Integer.toUnsignedString(m)
                    + " bytes");
        }
        ModelMeta meta;
        try {
            meta = ApiJson.request(Arrays.copyOfRange(body, 12 + n, 12 + n + m), ModelMeta.class);
        } catch (ApiJson.MalformedJsonException | ModelException e) {
            throw new BadPayloadException("the upload's meta part is not valid: " + e.getMessage());
        }
        if (meta.inputRange() == null) {
            throw new BadPayloadException("the upload does not state the model's input range (meta field"
                    + " inputRange); clients refuse inputs by it, so it is required");
        }
        if (meta.maskKey() != null && !ModelMeta.validMaskKey(meta.maskKey())) {
            throw new BadPayloadException("the upload's mask key (meta field maskKey) must be " + ModelMeta.MASK_KEY_HEX
                    + " lowercase hexadecimal digits (128 random bits, fresh for every upload)");
        }
        byte[] share = Arrays.copyOfRange(body, 12 + n + m, body.length);
        ModelGraph g = GraphCodec.publicGraph(structure);
        ModelShare s = ShareCodec.decode(share, g, party);
        return new Upload(structure, g, meta, share, s);
    }
}
