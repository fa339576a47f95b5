package io.sonic.cloud.wire;

import io.sonic.engine.ModelShare;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The binary share formats: exact round trips, the documented little-endian layout, and a refusal
 * naming the problem for every payload that does not fit the receiver's structure and party.
 */
class ShareCodecTest {
    private static ModelGraph graph;
    private static ModelGraph pub;
    private static ModelShare[] shares;

    @BeforeAll
    static void split() {
        graph = WireFixtures.sample("breast-cancer");
        pub = GraphCodec.publicGraph(GraphCodec.structure(graph));
        shares = ModelShare.split(graph, SecureConfig.DEFAULT.fixedPoint(), Prg.fresh());
    }

    @Test
    void bothSharesOfEverySampleRoundTripExactly() {
        for (String name : WireFixtures.SAMPLES) {
            ModelGraph g = WireFixtures.sample(name);
            ModelGraph p = GraphCodec.publicGraph(GraphCodec.structure(g));
            ModelShare[] s = ModelShare.split(g, SecureConfig.DEFAULT.fixedPoint(), Prg.fresh());
            for (int party = 0; party < 2; party++) {
                byte[] bytes = ShareCodec.encode(s[party]);
                ModelShare back = ShareCodec.decode(bytes, p, party);
                assertSameShare(s[party], back);
                assertArrayEquals(bytes, ShareCodec.encode(back), name + ": encoding is deterministic");
                // compact: 8 bytes per parameter plus a small header per tensor
                long overhead = bytes.length - 8 * g.parameterCount();
                assertTrue(overhead >= 20 && overhead < 64L * (g.layers().size() + 1), name + ": " + overhead);
            }
        }
    }

    @Test
    void everyLayerKindRoundTripsIncludingAnAbsentBias() {
        ModelGraph g = WireFixtures.everyKind(5);
        ModelGraph p = GraphCodec.publicGraph(GraphCodec.structure(g));
        ModelShare[] s = ModelShare.split(g, SecureConfig.DEFAULT.fixedPoint(), Prg.fresh());
        ModelShare back = ShareCodec.decode(ShareCodec.encode(s[1]), p, 1);
        assertSameShare(s[1], back);
        assertNull(back.layer(6)[1], "the bias-free convolution keeps its absent bias");
        assertEquals(2, back.layer(2).length, "affine: scale and shift");
        assertEquals(1, back.layer(14).length, "bias-add: the bias");
    }

    @Test
    void theLayoutIsTheDocumentedLittleEndianOne() {
        byte[] b = ShareCodec.encode(shares[1]);
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("SNSH", new String(b, 0, 4, StandardCharsets.US_ASCII));
        in.position(4);
        assertEquals(1, in.getInt(), "version");
        assertEquals(1, in.getInt(), "party");
        assertEquals(16, in.getInt(), "fraction bits");
        assertEquals(3, in.getInt(), "layers with parameters");
        assertEquals(0, in.getInt(), "first layer index");
        assertEquals(2, in.getInt(), "weight and bias");
        assertEquals(1, in.get(), "weight present");
        assertEquals(2, in.getInt(), "rank");
        assertEquals(30, in.getInt());
        assertEquals(16, in.getInt());
        long[] w = shares[1].layer(0)[0].values();
        assertEquals(w[0], in.getLong());
        assertEquals(w[1], in.getLong());
        assertEquals(b.length, 20 + 3 * 8 + 2 * 3 + (4 + 8 + 8 * 480) + (4 + 4 + 8 * 16) + (4 + 8 + 8 * 128)
                + (4 + 4 + 8 * 8) + (4 + 8 + 8 * 16) + (4 + 4 + 8 * 2));
    }

    @Test
    void truncatedPayloadsAreRefused() {
        byte[] b = ShareCodec.encode(shares[0]);
        assertBad(Arrays.copyOf(b, b.length - 1), 0, "truncated share payload: expected 1 more bytes");
        assertBad(Arrays.copyOf(b, b.length - 100), 0, "truncated share payload: expected 75 more bytes"
                + " (reading the values of layer 4 weight)");
        assertBad(Arrays.copyOf(b, 10), 0, "truncated share payload: expected 2 more bytes (reading the party)");
        assertBad(Arrays.copyOf(b, 3), 0, "is not a Sonic model share");
        assertBad(new byte[0], 0, "is not a Sonic model share");
        assertThrows(BadPayloadException.class, () -> ShareCodec.decode(null, pub, 0));
    }

    @Test
    void wrongMagicVersionOrPartyIsRefused() {
        byte[] b = ShareCodec.encode(shares[0]);
        byte[] magic = b.clone();
        magic[3] = 'X';
        assertBad(magic, 0, "the share payload is not a Sonic model share (magic SNSH)");
        assertBad(ShareCodec.encodeTensor(shares[0].layer(0)[0]), 0, "not a Sonic model share");
        byte[] version = b.clone();
        version[4] = 2;
        assertBad(version, 0, "format version 2; this server reads version 1");
        assertBad(b, 1, "the share payload is server 0's share, but this is server 1");
        byte[] f = b.clone();
        f[12] = 40;
        assertBad(f, 0, "40 fraction bits");
    }

    @Test
    void aLayerOfTheWrongShapeIsRefused() {
        Map<Integer, SharedTensor[]> p = new HashMap<>(shares[0].all());
        SharedTensor w = p.get(2)[0];
        p.put(2, new SharedTensor[] {new SharedTensor(0, new int[] {8, 16}, w.values()), p.get(2)[1]});
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), 0,
                "layer 2 weight has shape [8,16], the structure says [16,8]");
        p = new HashMap<>(shares[0].all());
        SharedTensor bias = p.get(4)[1];
        p.put(4, new SharedTensor[] {p.get(4)[0], new SharedTensor(0, new int[] {1, 2}, bias.values())});
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), 0,
                "layer 4 bias has shape [1,2], the structure says [2]");
        // a share of another model
        ModelGraph other = GraphCodec.publicGraph(GraphCodec.structure(WireFixtures.sample("mnist-m1")));
        BadPayloadException e = assertThrows(BadPayloadException.class,
                () -> ShareCodec.decode(ShareCodec.encode(shares[0]), other, 0));
        assertTrue(e.getMessage().contains("layer 0 weight has shape [30,16], the structure says [784,128]"),
                e.getMessage());
    }

    @Test
    void missingExtraAndMisplacedLayersAreRefused() {
        Map<Integer, SharedTensor[]> p = new HashMap<>(shares[0].all());
        p.remove(2);
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), 0,
                "the share payload has parameters for 2 layers, but the structure has 3 layers with parameters");
        p = new HashMap<>(shares[0].all());
        p.put(1, p.remove(2));
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), 0,
                "parameters for layer 1, which is a relu layer without parameters");
        p = new HashMap<>(shares[0].all());
        p.put(9, p.remove(2));
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), 0, "parameters for layer 9, which does not exist");
        p = new HashMap<>(shares[0].all());
        p.put(2, new SharedTensor[] {p.get(2)[0], null});
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), 0, "layer 2 bias is missing from the share payload");
        p = new HashMap<>(shares[0].all());
        p.put(2, new SharedTensor[] {p.get(2)[0]});
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), 0,
                "layer 2 has 1 tensors in the share payload, but the structure expects 2 (weight, bias)");
        // a bias where the structure has none
        ModelGraph g = WireFixtures.everyKind(4);
        ModelGraph pg = GraphCodec.publicGraph(GraphCodec.structure(g));
        ModelShare s = ModelShare.split(g, SecureConfig.DEFAULT.fixedPoint(), Prg.fresh())[0];
        p = new HashMap<>(s.all());
        p.put(6, new SharedTensor[] {p.get(6)[0], new SharedTensor(0, new int[] {4}, new long[4])});
        assertBad(ShareCodec.encode(new ModelShare(0, 16, p)), pg, 0,
                "layer 6 bias is in the share payload, but the structure has none");
        byte[] duplicate = ShareCodec.encode(shares[0]);
        // layer 4's header follows layers 0 and 2: point it at layer 2 again
        int at = 20 + (8 + 1 + 12 + 8 * 480 + 1 + 8 + 8 * 16) + (8 + 1 + 12 + 8 * 128 + 1 + 8 + 8 * 8);
        assertEquals(4, duplicate[at]);
        duplicate[at] = 2;
        assertBad(duplicate, 0, "the share payload lists layer 2 twice");
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] b = ShareCodec.encode(shares[0]);
        assertBad(Arrays.copyOf(b, b.length + 3), 0, "the share payload has 3 unexpected bytes after its last layer");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomDamageIsAlwaysABadPayloadOrHarmless(long seed) {
        byte[] valid = ShareCodec.encode(shares[0]);
        Random r = new Random(seed);
        for (int trial = 0; trial < 500; trial++) {
            byte[] b;
            if (trial % 2 == 0) {
                b = Arrays.copyOf(valid, r.nextInt(valid.length + 8));
            } else {
                b = valid.clone();
                // damage the headers (the first bytes and the tensor headers), where the checks are
                int pos = r.nextBoolean() ? r.nextInt(24) : r.nextInt(b.length);
                b[pos] = (byte) r.nextInt(256);
            }
            try {
                ShareCodec.decode(b, pub, 0);
            } catch (BadPayloadException e) {
                assertFalse(e.getMessage().isBlank());
            } catch (RuntimeException e) {
                fail("damaged share threw " + e, e);
            }
        }
    }

    // ---------------------------------------------------------------- single tensors

    @Test
    void aTensorRoundTrips() {
        SharedTensor t = new SharedTensor(1, new int[] {1, 3, 2}, new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 42,
                0x0102030405060708L});
        byte[] b = ShareCodec.encodeTensor(t);
        assertEquals("SNTS", new String(b, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(4 + 4 + 4 + 12 + 48, b.length);
        assertEquals(8, b[64], "little-endian: least significant byte first");
        SharedTensor back = ShareCodec.decodeTensor(b, 1, new int[] {1, 3, 2});
        assertEquals(1, back.party());
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.values(), back.values());
        assertArrayEquals(t.values(), ShareCodec.decodeTensor(b, 1, 6).values());
        assertArrayEquals(t.shape(), ShareCodec.decodeTensor(b, 1, (int[]) null).shape());
        SharedTensor scalar = new SharedTensor(0, new int[0], new long[] {7});
        assertArrayEquals(new long[] {7},
                ShareCodec.decodeTensor(ShareCodec.encodeTensor(scalar), 0, new int[0]).values());
    }

    @Test
    void aTensorOfTheWrongPartyShapeOrLengthIsRefused() {
        SharedTensor t = new SharedTensor(0, new int[] {1, 4}, new long[] {1, 2, 3, 4});
        byte[] b = ShareCodec.encodeTensor(t);
        assertBadTensor(b, 1, new int[] {1, 4}, "the tensor payload is server 0's share, but server 1's is expected");
        assertBadTensor(b, 0, new int[] {4, 1}, "the tensor payload has shape [1,4], expected [4,1]");
        BadPayloadException e = assertThrows(BadPayloadException.class, () -> ShareCodec.decodeTensor(b, 0, 5));
        assertTrue(e.getMessage().contains("has shape [1,4] of 4 values, expected 5"), e.getMessage());
        assertBadTensor(Arrays.copyOf(b, b.length - 8), 0, new int[] {1, 4},
                "truncated tensor payload: expected 8 more bytes (reading the values of the tensor)");
        assertBadTensor(Arrays.copyOf(b, b.length + 1), 0, new int[] {1, 4},
                "the tensor payload has 1 unexpected bytes after its values");
        assertBadTensor(ShareCodec.encode(shares[0]), 0, null, "the tensor payload is not a Sonic shared tensor");
        byte[] rank = b.clone();
        rank[8] = 9;
        assertBadTensor(rank, 0, null, "rank 9");
        byte[] dim = b.clone();
        dim[12] = 0;
        assertBadTensor(dim, 0, null, "has a dimension 0");
        byte[] huge = b.clone();
        huge[16] = (byte) 0xff;
        huge[17] = (byte) 0xff;
        huge[18] = (byte) 0xff;
        huge[19] = (byte) 0x7f;
        assertBadTensor(huge, 0, null, "more than 67108864 values");
        byte[] big = b.clone();
        big[16] = 100;
        assertBadTensor(big, 0, null, "truncated tensor payload: expected 768 more bytes");
    }

    // ---------------------------------------------------------------- helpers

    static void assertSameShare(ModelShare want, ModelShare got) {
        assertEquals(want.party(), got.party());
        assertEquals(want.fractionBits(), got.fractionBits());
        assertEquals(want.all().keySet(), got.all().keySet());
        for (int layer : want.all().keySet()) {
            SharedTensor[] a = want.layer(layer);
            SharedTensor[] b = got.layer(layer);
            assertEquals(a.length, b.length, "layer " + layer);
            for (int k = 0; k < a.length; k++) {
                if (a[k] == null) {
                    assertNull(b[k], "layer " + layer);
                    continue;
                }
                assertEquals(a[k].party(), b[k].party());
                assertArrayEquals(a[k].shape(), b[k].shape(), "layer " + layer);
                assertArrayEquals(a[k].values(), b[k].values(), "layer " + layer);
            }
        }
    }

    private static void assertBad(byte[] bytes, int party, String expected) {
        assertBad(bytes, pub, party, expected);
    }

    private static void assertBad(byte[] bytes, ModelGraph structure, int party, String expected) {
        BadPayloadException e = assertThrows(BadPayloadException.class,
                () -> ShareCodec.decode(bytes, structure, party));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    private static void assertBadTensor(byte[] bytes, int party, int[] shape, String expected) {
        BadPayloadException e = assertThrows(BadPayloadException.class,
                () -> ShareCodec.decodeTensor(bytes, party, shape));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
