package io.sonic.engine.fss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cross-implementation vectors of the FSS specification, byte for byte (fixed keys, hashes, DCF keys, outputs). */
class DcfVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static JsonNode vectors;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = DcfVectorsTest.class.getResourceAsStream("test_vectors.json")) {
            assertNotNull(in, "test_vectors.json on the test classpath");
            vectors = new ObjectMapper().readTree(in);
        }
    }

    private static long word(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    /** A 32-hex-digit block as {hi, lo}. */
    private static long[] block(String hex) {
        assertEquals(32, hex.length());
        return new long[] {word(hex.substring(0, 16)), word(hex.substring(16))};
    }

    private static String blockHex(long hi, long lo) {
        return String.format("%016x%016x", hi, lo);
    }

    private static long[] words(JsonNode arr) {
        long[] w = new long[arr.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = word(arr.get(i).asText());
        }
        return w;
    }

    private static String sha256(byte[] b) throws Exception {
        return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void fixedKeysMatch() {
        JsonNode keys = vectors.get("fixed_keys");
        int count = 0;
        for (Map.Entry<String, JsonNode> e : keys.properties()) {
            assertEquals(e.getValue().asText(), HEX.formatHex(FixedKeyAes.labelKey(e.getKey())), e.getKey());
            count++;
        }
        assertEquals(8, count);
    }

    @Test
    void hashVectorsMatchScalarAndBulk() {
        JsonNode h = vectors.get("hash");
        long[] seq = block("000102030405060708090a0b0c0d0e0f");
        Object[][] cases = {
            {"H_SL(0)", "SL", new long[] {0, 0}},
            {"H_SL(000102..0f)", "SL", seq},
            {"H_VL0(000102..0f)", "VL0", seq},
            {"H_F0(000102..0f)", "F0", seq},
        };
        FixedKeyAes aes = FixedKeyAes.local();
        for (Object[] c : cases) {
            String expected = h.get((String) c[0]).asText();
            long[] in = (long[]) c[2];
            long[] got = aes.hash((String) c[1], in[0], in[1]);
            assertEquals(expected, blockHex(got[0], got[1]), (String) c[0]);
            // the bulk paths (long arrays and byte buffer) agree, with the block at a non-zero offset
            long[] hi = {7, in[0], 9};
            long[] lo = {8, in[1], 10};
            long[] oh = new long[3];
            long[] ol = new long[3];
            aes.hash((String) c[1], hi, lo, 1, 2, oh, ol, 0);
            assertEquals(expected, blockHex(oh[0], ol[0]));
            byte[] buf = new byte[48];
            FixedKeyAes.BE.set(buf, 16, in[0]);
            FixedKeyAes.BE.set(buf, 24, in[1]);
            byte[] out = new byte[48];
            aes.hash((String) c[1], buf, 16, 2, out, 0);
            assertEquals(expected, HEX.formatHex(out, 0, 16));
        }
        assertEquals(4, h.size());
    }

    @Test
    void everyDcfVectorMatchesByteForByte() throws Exception {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : vectors.properties()) {
            if (e.getKey().startsWith("dcf_")) {
                names.add(e.getKey());
            }
        }
        assertEquals(3, names.size());
        int points = 0;
        for (String name : names) {
            JsonNode v = vectors.get(name);
            int n = v.get("n").asInt();
            int m = v.get("m").asInt();
            long alpha = word(v.get("alpha").asText());
            long[] beta = words(v.get("beta"));
            assertEquals(m, beta.length);
            long[] s0 = block(v.get("s0_in").asText());
            long[] s1 = block(v.get("s1_in").asText());
            DcfKeys.Pair pair = Dcf.gen(n, alpha, beta, s0[0], s0[1], s1[0], s1[1]);
            DcfKeys k0 = pair.party(0);
            DcfKeys k1 = pair.party(1);
            byte[] b0 = k0.serialize(0);
            byte[] b1 = k1.serialize(0);
            assertEquals(v.get("key0_len").asInt(), b0.length, name);
            assertEquals(b0.length, b1.length);
            assertEquals(DcfKeys.keyBytes(n, m), b0.length);
            assertEquals(v.get("key0_sha256").asText(), sha256(b0), name + " key 0");
            assertEquals(v.get("key1_sha256").asText(), sha256(b1), name + " key 1");
            assertEquals(v.get("key0_hex_prefix64").asText(), HEX.formatHex(b0, 0, 64), name);

            JsonNode cw = v.get("level1_cw");
            DcfKeys.Common c = pair.common();
            assertEquals(cw.get("sCW|tL").asText(), blockHex(c.sCwHi(0, 0), c.sCwLo(0, 0) | c.tL(0, 0)), name);
            assertEquals(cw.get("tR").asInt(), c.tR(0, 0), name);
            long[] vcw = words(cw.get("VCW"));
            for (int j = 0; j < m; j++) {
                assertEquals(vcw[j], c.vcw(0, 0, j), name);
            }
            long[] last = words(v.get("last_cw"));
            for (int j = 0; j < m; j++) {
                assertEquals(last[j], c.last(0, j), name);
            }

            // parse(serialize) reproduces the key, and its evaluation
            DcfKeys p0 = DcfKeys.parse(n, m, b0);
            DcfKeys p1 = DcfKeys.parse(n, m, b1);
            assertArrayEquals(b0, p0.serialize(0));
            assertArrayEquals(b1, p1.serialize(0));

            for (JsonNode e : v.get("evals")) {
                long x = word(e.get("x").asText());
                long[] y0 = words(e.get("y0"));
                long[] y1 = words(e.get("y1"));
                long[] sum = words(e.get("sum"));
                String at = name + " x=" + e.get("x").asText();
                assertArrayEquals(y0, Dcf.eval(0, k0, 0, x), at);
                assertArrayEquals(y1, Dcf.eval(1, k1, 0, x), at);
                assertArrayEquals(y0, Dcf.evalBatch(0, k0, new long[] {x}), at);
                assertArrayEquals(y1, Dcf.evalBatch(1, k1, new long[] {x}), at);
                assertArrayEquals(y0, Dcf.eval(0, p0, 0, x), at);
                assertArrayEquals(y1, Dcf.eval(1, p1, 0, x), at);
                long expected = Long.compareUnsigned(x, alpha) < 0 ? 1 : 0;
                for (int j = 0; j < m; j++) {
                    assertEquals(sum[j], y0[j] + y1[j], at);
                    assertEquals(beta[j] * expected, sum[j], at);
                }
                points++;
            }
        }
        assertTrue(points >= 14, "evaluation points checked: " + points);
    }

    @Test
    void batchOfTheVectorGatesReproducesTheSingleKeys() throws Exception {
        // the three vectors' n differ, so batch three copies of the n=63 vector with other gates around it
        JsonNode v = vectors.get("dcf_n63_m2");
        long alpha = word(v.get("alpha").asText());
        long[] beta = words(v.get("beta"));
        long[] s0 = block(v.get("s0_in").asText());
        long[] s1 = block(v.get("s1_in").asText());
        int b = 5;
        long[] alphas = new long[b];
        long[] betas = new long[2 * b];
        long[] s0h = new long[b];
        long[] s0l = new long[b];
        long[] s1h = new long[b];
        long[] s1l = new long[b];
        for (int g = 0; g < b; g++) {
            boolean vec = g % 2 == 1;
            alphas[g] = vec ? alpha : (g * 0x1234567L) & Long.MAX_VALUE;
            betas[2 * g] = vec ? beta[0] : g;
            betas[2 * g + 1] = vec ? beta[1] : -g;
            s0h[g] = vec ? s0[0] : g + 100;
            s0l[g] = vec ? s0[1] : g + 200;
            s1h[g] = vec ? s1[0] : g + 300;
            s1l[g] = vec ? s1[1] : g + 400;
        }
        DcfKeys.Pair pair = Dcf.genBatch(63, 2, alphas, betas, s0h, s0l, s1h, s1l);
        for (int g = 1; g < b; g += 2) {
            assertEquals(v.get("key0_sha256").asText(), sha256(pair.party(0).serialize(g)));
            assertEquals(v.get("key1_sha256").asText(), sha256(pair.party(1).serialize(g)));
        }
        // the bulk common part round-trips through longs and bytes
        DcfKeys.Common c = pair.common();
        assertEquals((long) b * DcfKeys.Common.bytesPerGate(63, 2), c.toBytes().length);
        assertEquals(2040, DcfKeys.Common.bytesPerGate(63, 2));
        // the documented level-major layout: records (i·B + g)·S, then tR words per gate, then CWlast per gate
        long[] bulk = c.toLongs();
        int stride = 4;
        for (int g = 0; g < b; g++) {
            for (int i = 0; i < 63; i++) {
                int r = (i * b + g) * stride;
                assertEquals(c.sCwHi(g, i), bulk[r]);
                assertEquals(c.sCwLo(g, i) | c.tL(g, i), bulk[r + 1]);
                assertEquals(c.vcw(g, i, 0), bulk[r + 2]);
                assertEquals(c.vcw(g, i, 1), bulk[r + 3]);
                assertEquals(c.tR(g, i), (int) (bulk[63 * b * stride + g] >>> i) & 1);
            }
            assertEquals(c.last(g, 0), bulk[63 * b * stride + b + 2 * g]);
            assertEquals(c.last(g, 1), bulk[63 * b * stride + b + 2 * g + 1]);
        }
        // a slice is a batch of its own in the same layout
        DcfKeys mid = pair.party(0).slice(1, 3);
        for (int g = 0; g < 3; g++) {
            assertArrayEquals(pair.party(0).serialize(g + 1), mid.serialize(g));
        }
        DcfKeys.Common back = DcfKeys.Common.fromBytes(63, 2, b, c.toBytes(), 0);
        assertArrayEquals(c.toLongs(), back.toLongs());
        DcfKeys rebuilt = DcfKeys.fromRoots(pair.party(1).rootsToLongs(), 0,
                DcfKeys.Common.fromLongs(63, 2, b, c.toLongs().clone(), 0));
        for (int g = 0; g < b; g++) {
            assertArrayEquals(pair.party(1).serialize(g), rebuilt.serialize(g));
        }
    }
}
