package io.sonic.cloud.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonic.model.FloatTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.geometry.MatMulGeometry;
import io.sonic.model.geometry.PoolGeometry;
import io.sonic.model.geometry.Windows;
import io.sonic.model.layer.AffineLayer;
import io.sonic.model.layer.AvgPoolLayer;
import io.sonic.model.layer.BiasAddLayer;
import io.sonic.model.layer.ConvLayer;
import io.sonic.model.layer.Layer;
import io.sonic.model.layer.MatMulLayer;
import io.sonic.model.layer.MaxPoolLayer;
import io.sonic.model.layer.PadLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The public structure: it carries no weight, it rebuilds a graph with the same layers, shapes and
 * index tables and all-zero parameters, its hash is stable, and every malformed structure is refused
 * with a message naming the problem.
 */
class GraphCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> samples() {
        return WireFixtures.SAMPLES;
    }

    @ParameterizedTest
    @MethodSource("samples")
    void theStructureOfASampleCarriesNoWeightValue(String name) throws Exception {
        ModelGraph g = WireFixtures.sample(name);
        byte[] json = GraphCodec.structure(g);
        String text = new String(json, StandardCharsets.UTF_8);
        // every number in the structure is an integer (a shape, an index or an attribute)
        List<JsonNode> numbers = new ArrayList<>();
        collectNumbers(JSON.readTree(json), numbers);
        assertFalse(numbers.isEmpty());
        for (JsonNode n : numbers) {
            assertTrue(n.isIntegralNumber(), name + ": non-integer number " + n + " in the structure");
        }
        // none of the leading parameter values appears in any textual form
        for (Layer l : g.layers()) {
            for (FloatTensor t : parameters(l)) {
                for (int i = 0; i < Math.min(8, t.size()); i++) {
                    float v = t.get(i);
                    if (Math.abs(v) >= 1e-3f) {
                        assertFalse(text.contains(Float.toString(v)), name + ": weight " + v + " of " + l.name());
                        assertFalse(text.contains(Double.toString(v)), name + ": weight " + v + " of " + l.name());
                        assertFalse(text.contains(String.format(java.util.Locale.ROOT, "%.5f", v)),
                                name + ": weight " + v + " of " + l.name());
                    }
                }
            }
        }
        // and its size is that of a description, not of the parameters
        assertTrue(json.length < 1024 + 512 * g.layers().size(), name + ": " + json.length + " bytes");
        if (g.parameterCount() > 10_000) {
            assertTrue(json.length < g.parameterCount(), name + ": " + json.length + " bytes for "
                    + g.parameterCount() + " parameters");
        }
        assertEquals(GraphCodec.FORMAT, JSON.readTree(json).get("format").asText());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void aSampleRebuildsWithTheSameStructureAndZeroParameters(String name) {
        ModelGraph g = WireFixtures.sample(name);
        ModelGraph pub = GraphCodec.publicGraph(GraphCodec.structure(g));
        assertSamePublicGraph(g, pub);
        assertTrue(g.parameterCount() > 0);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void theStructureAndItsHashSurviveTheRoundTrip(String name) {
        ModelGraph g = WireFixtures.sample(name);
        byte[] json = GraphCodec.structure(g);
        ModelGraph pub = GraphCodec.publicGraph(json);
        assertArrayEquals(json, GraphCodec.structure(pub));
        assertEquals(GraphCodec.structureHash(g), GraphCodec.structureHash(pub));
        assertTrue(GraphCodec.structureHash(g).matches("[0-9a-f]{64}"));
    }

    @Test
    void differentModelsHaveDifferentHashesAndTheHashIgnoresWeights() {
        List<String> hashes = new ArrayList<>();
        for (String s : WireFixtures.SAMPLES) {
            hashes.add(GraphCodec.structureHash(WireFixtures.sample(s)));
        }
        assertEquals(hashes.size(), hashes.stream().distinct().count());
        assertEquals(GraphCodec.structureHash(WireFixtures.everyKind(1)),
                GraphCodec.structureHash(WireFixtures.everyKind(2)), "only weights differ");
    }

    @Test
    void everyLayerKindRebuildsWithIdenticalTables() {
        ModelGraph g = WireFixtures.everyKind(7);
        byte[] json = GraphCodec.structure(g);
        ModelGraph pub = GraphCodec.publicGraph(json);
        assertSamePublicGraph(g, pub);
        assertArrayEquals(json, GraphCodec.structure(pub));
        JsonNode layers = JsonTree.read(json).get("layers");
        assertTrue(layers.get(4).get("ceilMode").asBoolean(), "the ceil-mode max pooling says so");
        assertFalse(layers.get(1).has("ceilMode"));
        assertEquals(0.5, layers.get(0).get("value").asDouble());
        assertTrue(layers.get(8).get("global").asBoolean());
        assertTrue(layers.get(5).get("countIncludePad").asBoolean());
        assertTrue(layers.get(6).get("biasShape").isNull());
    }

    @Test
    void windowVariantsRebuildWithIdenticalWindowTables() {
        int checked = 0;
        for (String autoPad : new String[] {"NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"}) {
            for (boolean ceil : new boolean[] {false, true}) {
                for (int in = 4; in <= 9; in++) {
                    for (int k = 1; k <= 3; k++) {
                        for (int s = 1; s <= 3; s++) {
                            for (int dil = 1; dil <= 2; dil++) {
                                for (int[] pads : new int[][] {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 1}}) {
                                    checked += poolRoundTrip(new int[] {1, 2, in, in + 1}, autoPad, ceil,
                                            new int[] {k, k + 1 > 3 ? 1 : k + 1}, new int[] {s, 1},
                                            new int[] {dil, 1}, new int[] {pads[0], 0, pads[1], 1});
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1000, checked + " variants");
    }

    /** Rebuilds a max and an average pooling (both divisor rules) of these windows; 0 if they are invalid. */
    private static int poolRoundTrip(int[] in, String autoPad, boolean ceil, int[] kernel, int[] strides,
                                     int[] dilations, int[] pads) {
        Windows w;
        try {
            w = Windows.of(Arrays.copyOfRange(in, 2, 4), kernel, strides, dilations, pads, autoPad, ceil);
        } catch (ModelException e) {
            return 0;
        }
        int count = 0;
        for (boolean includePad : new boolean[] {false, true}) {
            PoolGeometry pg = new PoolGeometry(in, w, includePad, false);
            int[] divisors;
            try {
                divisors = pg.divisors();
            } catch (ModelException e) {
                continue; // a window entirely on padding: the importer's model would fail too
            }
            List<Layer> layers = List.of(new AvgPoolLayer("avg", "AveragePool", "x", "y", pg));
            ModelGraph g = new ModelGraph("pool", "", 13, "x", in, "y", pg.outputShape(), layers);
            ModelGraph pub = GraphCodec.publicGraph(GraphCodec.structure(g));
            PoolGeometry back = ((AvgPoolLayer) pub.layers().get(0)).geometry();
            String what = autoPad + " ceil=" + ceil + " " + Arrays.toString(in) + " k" + Arrays.toString(kernel) + " s"
                    + Arrays.toString(strides) + " d" + Arrays.toString(dilations) + " p" + Arrays.toString(pads);
            assertArrayEquals(pg.outputShape(), back.outputShape(), what);
            assertArrayEquals(pg.windowTable(), back.windowTable(), what);
            assertArrayEquals(divisors, back.divisors(), what);
            ModelGraph max = new ModelGraph("pool", "", 13, "x", in, "y", pg.outputShape(),
                    List.of(new MaxPoolLayer("max", "MaxPool", "x", "y", new PoolGeometry(in, w, false, false))));
            PoolGeometry maxBack = ((MaxPoolLayer) GraphCodec.publicGraph(GraphCodec.structure(max)).layers().get(0))
                    .geometry();
            assertArrayEquals(pg.windowTable(), maxBack.windowTable(), what);
            count++;
        }
        return count;
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void bytesThatAreNotJsonAreRefused() {
        assertBad("{ \"format\": ", "not valid JSON");
        assertBad("not json at all", "not valid JSON");
        assertBad("", "empty");
        assertBad("[1, 2, 3]", "not a JSON object");
        String valid = new String(breastCancer(), StandardCharsets.UTF_8);
        assertBad(valid + " {}", "not valid JSON");
        assertBad(valid.replaceFirst("\\{", "{\"name\": \"twice\","), "not valid JSON");
        assertThrows(BadPayloadException.class, () -> GraphCodec.publicGraph(null));
    }

    @Test
    void anOversizedStructureIsRefusedBeforeParsing() {
        byte[] big = new byte[GraphCodec.MAX_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        BadPayloadException e = assertThrows(BadPayloadException.class, () -> GraphCodec.publicGraph(big));
        assertTrue(e.getMessage().contains("more than the limit of " + GraphCodec.MAX_BYTES + " bytes"),
                e.getMessage());
    }

    @Test
    void anUnknownFormatOrKindIsRefused() {
        assertBad(edit(r -> r.put("format", "sonic-structure/2")),
                "unknown model structure format 'sonic-structure/2'");
        assertBad(edit(r -> r.remove("format")), "lacks the field 'format'");
        assertBad(edit(r -> layer(r, 1).put("kind", "softmax")), "layer 1 '/1/Relu' has the unknown kind 'softmax'");
        assertBad(edit(r -> layer(r, 1).put("kind", 3)), "layer 1: 'kind' must be a string");
    }

    @Test
    void weightValuesCannotRideAlongInUnknownFields() {
        assertBad(edit(r -> layer(r, 0).putArray("weights").add(0.25).add(-0.5)),
                "layer 0 (matmul '/0/Gemm') has the unknown field 'weights'");
        assertBad(edit(r -> r.put("comment", "hello")), "the model structure has the unknown field 'comment'");
    }

    @Test
    void inconsistentShapesAreRefusedNamingTheLayer() {
        assertBad(edit(r -> shape(layer(r, 0), "outputShape", 1, 17)),
                "layer 0 (matmul '/0/Gemm') states its output shape as [1,17], but its inputs and attributes give"
                        + " [1,16]");
        assertBad(edit(r -> shape(layer(r, 0), "weightShape", 31, 16)), "layer 0 (matmul '/0/Gemm'): matrix product");
        assertBad(edit(r -> shape(layer(r, 0), "biasShape", 17)), "layer 0 (matmul '/0/Gemm')");
        assertBad(edit(r -> ((ArrayNode) layer(r, 1).get("inputShapes")).removeAll().addArray().add(1).add(15)),
                "layer 1 (relu '/1/Relu') states its input '/0/Gemm_output_0' as [1,15], but it has shape [1,16]");
        assertBad(edit(r -> shape(r, "outputShape", 1, 3)), "the model output 'logits' is stated as [1,3]");
        assertBad(edit(r -> shape(r, "inputShape", 1, 29)), "layer 0 (matmul '/0/Gemm') states its input 'input' as");
        assertBad(edit(r -> shape(layer(r, 1), "outputShape", 1, 0)), "positive integers");
        assertBad(edit(r -> shape(layer(r, 0), "weightShape", 30, 16, 1 << 20)), "more than 67108864 values");
        assertBad(edit(r -> ((ArrayNode) layer(r, 0).get("weightShape")).set(0, 30.5)), "positive integers");
        assertBad(edit(r -> layer(r, 0).put("weightOnLeft", "no")), "'weightOnLeft' must be true or false");
        assertBad(edit(r -> layer(r, 0).putNull("weightShape")), "'weightShape' must not be null");
    }

    @Test
    void inputsMustBeTheModelInputOrAnEarlierOutput() {
        assertBad(edit(r -> ((ArrayNode) layer(r, 1).get("inputs")).set(0, "ghost")),
                "layer 1 (relu '/1/Relu') reads 'ghost', which is neither the model input nor an earlier layer's"
                        + " output");
        assertBad(edit(r -> ((ArrayNode) layer(r, 1).get("inputs")).set(0, "/2/Gemm_output_0")),
                "reads '/2/Gemm_output_0', which is neither the model input nor an earlier layer's output");
        assertBad(edit(r -> layer(r, 2).put("output", "/0/Gemm_output_0")),
                "layer 2 (matmul '/2/Gemm') writes '/0/Gemm_output_0', which an earlier layer already writes");
        assertBad(edit(r -> layer(r, 0).put("output", "input")), "which is the model input");
        assertBad(edit(r -> r.put("outputName", "nowhere")),
                "the model output 'nowhere' is neither the model input nor any layer's output");
        assertBad(edit(r -> ((ArrayNode) layer(r, 1).get("inputs")).add("input")),
                "layer 1 (relu '/1/Relu') lists 2 inputs and 1 input shapes; relu layers read 1");
    }

    @Test
    void windowAttributesAreCheckedAgainstTheWeightsAndTheOutput() {
        byte[] cnn = GraphCodec.structure(WireFixtures.sample("mnist-m2"));
        assertBad(edit(cnn, r -> ((ArrayNode) layer(r, 0).get("kernel")).set(0, 4)),
                "layer 0 (conv '/0/Conv'): kernel [4,5] does not match the weight shape [16,1,5,5]");
        assertBad(edit(cnn, r -> ((ArrayNode) layer(r, 0).get("strides")).add(1)),
                "layer 0 (conv '/0/Conv'): 'strides' has 3 values, expected 2");
        assertBad(edit(cnn, r -> ((ArrayNode) layer(r, 0).get("pads")).set(0, 1)),
                "layer 0 (conv '/0/Conv') states its output shape as [1,16,24,24], but its inputs and attributes give");
        assertBad(edit(cnn, r -> layer(r, 0).put("group", 2)), "layer 0 (conv '/0/Conv'): convolution with group 2");
        assertBad(edit(cnn, r -> shape(layer(r, 0), "biasShape", 16, 1)), "expected [16]");
        assertBad(edit(cnn, r -> layer(r, 1).put("ceilMode", true).set("pads", JsonTree.ints(1, 1, 1, 1))),
                "layer 1 (maxpool '/2/MaxPool') states its output shape as [1,16,12,12], but");
        assertBad(edit(cnn, r -> layer(r, 1).put("global", true)), "a global pooling has kernel [24,24]");
        assertBad(edit(cnn, r -> ((ArrayNode) layer(r, 1).get("kernel")).set(0, 40)), "does not fit an input of 24");
        assertBad(edit(cnn, r -> ((ArrayNode) layer(r, 1).get("strides")).set(0, 0)),
                "every value of 'strides' must be an integer from 1 to 32768");
        assertBad(edit(cnn, r -> shape(layer(r, 6), "outputShape", 1, 255)), "a reshape keeps the number of values");
    }

    @Test
    void kindSpecificRefusalsOfTheOtherKinds() {
        byte[] all = GraphCodec.structure(WireFixtures.everyKind(3));
        assertBad(edit(all, r -> layer(r, 2).put("channels", 5)), "layer 2 (affine 'bn'): per-channel affine needs 4");
        assertBad(edit(all, r -> shape(layer(r, 14), "biasShape", 4)),
                "layer 14 (bias-add 'shift'): shapes [1,3] and [4]");
        assertBad(edit(all, r -> layer(r, 0).set("pads", JsonTree.ints(0, 0, 1, 0, 0, 0, 0))),
                "layer 0 (pad 'pad'): 'pads' has 7 values, expected 8");
        assertBad(edit(all, r -> layer(r, 0).set("pads", JsonTree.ints(0, 0, -7, 0, 0, 0, 0, 1))), "below zero");
        assertBad(edit(all, r -> layer(r, 0).put("value", "lots")), "'value' must be a number");
        assertBad(edit(all, r -> layer(r, 0).put("value", new java.math.BigDecimal("1e300"))),
                "out of the float range");
        assertBad(edit(all, r -> ((ArrayNode) layer(r, 7).get("inputs")).remove(1)),
                "layer 7 (add 'residual') lists 1 inputs and 2 input shapes; add layers read 2");
        assertBad(edit(all, r -> layer(r, 5).put("countIncludePad", false).set("pads", JsonTree.ints(2, 2, 2, 2))),
                "a pooling window lies entirely on padding");
        assertBad(edit(all, r -> layer(r, 17).set("perm", JsonTree.ints(0, 1, 1))),
                "layer 17 (transpose 'swap'): 'perm' [0,1,1] is not a permutation of the 3 axes");
        assertBad(edit(all, r -> layer(r, 17).set("perm", JsonTree.ints(0, 2))), "'perm' has 2 values, expected 3");
        assertBad(edit(all, r -> layer(r, 17).set("perm", JsonTree.ints(0, 1, 2))), "swap");
        assertBad(edit(all, r -> layer(r, 19).put("axis", 3)), "layer 19 (concat 'join'): 'axis' must be an integer from 0 to 2");
        assertBad(edit(all, r -> shape((ObjectNode) layer(r, 19), "outputShape", 1, 3, 5)), "join");
        assertBad(edit(all, r -> {
            ((ArrayNode) layer(r, 19).get("inputs")).removeAll();
            ((ArrayNode) layer(r, 19).get("inputShapes")).removeAll();
        }), "layer 19 (concat 'join') lists 0 inputs; a concatenation reads 1 to 1024");
        // a pad value that is not finite travels as a string
        ModelGraph g = WireFixtures.everyKind(3);
        List<Layer> ls = new ArrayList<>(g.layers());
        PadLayer p = (PadLayer) ls.get(0);
        ls.set(0, new PadLayer(p.name(), p.sourceOp(), "x", p.inputShape(0), p.output(), p.pads(),
                Float.NEGATIVE_INFINITY));
        ModelGraph inf = new ModelGraph(g.name(), g.producer(), g.opset(), g.inputName(), g.inputShape(),
                g.outputName(), g.outputShape(), ls);
        ModelGraph back = GraphCodec.publicGraph(GraphCodec.structure(inf));
        assertEquals(Float.NEGATIVE_INFINITY, ((PadLayer) back.layers().get(0)).value());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomDamageIsAlwaysABadPayloadNeverACrash(long seed) {
        byte[] valid = GraphCodec.structure(WireFixtures.everyKind(seed));
        Random r = new Random(seed);
        int refused = 0;
        for (int trial = 0; trial < 400; trial++) {
            byte[] b;
            if (trial % 2 == 0) {
                b = Arrays.copyOf(valid, r.nextInt(valid.length));
            } else {
                b = valid.clone();
                for (int k = 0; k <= trial % 3; k++) {
                    b[r.nextInt(b.length)] = (byte) " ,:[]{}\"0123456789-.aetrufln".charAt(r.nextInt(28));
                }
            }
            try {
                GraphCodec.publicGraph(b);
            } catch (BadPayloadException e) {
                refused++;
                assertFalse(e.getMessage().isBlank());
            } catch (RuntimeException e) {
                fail("damaged structure " + new String(b, StandardCharsets.UTF_8) + " threw " + e, e);
            }
        }
        assertTrue(refused > 200, refused + " refused");
    }

    // ---------------------------------------------------------------- helpers

    static void assertSamePublicGraph(ModelGraph g, ModelGraph pub) {
        assertEquals(g.name(), pub.name());
        assertEquals(g.producer(), pub.producer());
        assertEquals(g.opset(), pub.opset());
        assertEquals(g.inputName(), pub.inputName());
        assertArrayEquals(g.inputShape(), pub.inputShape());
        assertEquals(g.outputName(), pub.outputName());
        assertArrayEquals(g.outputShape(), pub.outputShape());
        assertEquals(g.parameterCount(), pub.parameterCount());
        assertEquals(g.multiplyAccumulates(), pub.multiplyAccumulates());
        assertEquals(g.layers().size(), pub.layers().size());
        for (int i = 0; i < g.layers().size(); i++) {
            Layer a = g.layers().get(i);
            Layer b = pub.layers().get(i);
            String where = "layer " + i + " " + a.name();
            assertSame(a.getClass(), b.getClass(), where);
            assertEquals(a.kind(), b.kind(), where);
            assertEquals(a.name(), b.name(), where);
            assertEquals(a.sourceOp(), b.sourceOp(), where);
            assertEquals(a.inputs(), b.inputs(), where);
            for (int k = 0; k < a.inputs().size(); k++) {
                assertArrayEquals(a.inputShape(k), b.inputShape(k), where);
            }
            assertEquals(a.output(), b.output(), where);
            assertArrayEquals(a.outputShape(), b.outputShape(), where);
            List<FloatTensor> pa = parameters(a);
            List<FloatTensor> pb = parameters(b);
            assertEquals(pa.size(), pb.size(), where);
            for (int k = 0; k < pa.size(); k++) {
                if (pa.get(k) == null) {
                    assertNull(pb.get(k), where);
                    continue;
                }
                assertArrayEquals(pa.get(k).shape(), pb.get(k).shape(), where);
                for (float v : pb.get(k).values()) {
                    assertEquals(0f, v, where + ": a public parameter is not zero");
                }
            }
            if (a instanceof MatMulLayer ma) {
                MatMulLayer mb = (MatMulLayer) b;
                assertEquals(ma.weightOnLeft(), mb.weightOnLeft(), where);
                assertEquals(ma.transposeInput(), mb.transposeInput(), where);
                MatMulGeometry ga = ma.geometry();
                MatMulGeometry gb = mb.geometry();
                assertEquals(List.of(ga.batches(), ga.m(), ga.k(), ga.n()),
                        List.of(gb.batches(), gb.m(), gb.k(), gb.n()), where);
                for (int bt = 0; bt < ga.batches(); bt++) {
                    assertEquals(ga.aIndex(bt, ga.m() - 1, ga.k() - 1), gb.aIndex(bt, gb.m() - 1, gb.k() - 1), where);
                    assertEquals(ga.bIndex(bt, ga.k() - 1, ga.n() - 1), gb.bIndex(bt, gb.k() - 1, gb.n() - 1), where);
                }
            } else if (a instanceof ConvLayer ca) {
                ConvLayer cb = (ConvLayer) b;
                assertEquals(ca.geometry().group(), cb.geometry().group(), where);
                assertEquals(ca.geometry().outChannels(), cb.geometry().outChannels(), where);
                assertArrayEquals(ca.geometry().windows().pads(), cb.geometry().windows().pads(), where);
                assertArrayEquals(ca.geometry().patchTable(), cb.geometry().patchTable(), where);
            } else if (a instanceof MaxPoolLayer pa2) {
                assertSamePool(pa2.geometry(), ((MaxPoolLayer) b).geometry(), where);
            } else if (a instanceof AvgPoolLayer pa2) {
                assertSamePool(pa2.geometry(), ((AvgPoolLayer) b).geometry(), where);
                assertArrayEquals(pa2.geometry().divisors(), ((AvgPoolLayer) b).geometry().divisors(), where);
            } else if (a instanceof AffineLayer aa) {
                assertEquals(aa.channels(), ((AffineLayer) b).channels(), where);
                assertEquals(aa.innerSize(), ((AffineLayer) b).innerSize(), where);
            } else if (a instanceof PadLayer pa2) {
                assertArrayEquals(pa2.pads(), ((PadLayer) b).pads(), where);
                assertEquals(pa2.value(), ((PadLayer) b).value(), where);
                assertArrayEquals(pa2.sourceTable(), ((PadLayer) b).sourceTable(), where);
            } else if (a instanceof io.sonic.model.layer.ConcatLayer cat) {
                assertEquals(cat.axis(), ((io.sonic.model.layer.ConcatLayer) b).axis(), where);
                assertEquals(cat.inputs(), b.inputs(), where);
            } else if (a instanceof io.sonic.model.layer.TransposeLayer t) {
                assertArrayEquals(t.perm(), ((io.sonic.model.layer.TransposeLayer) b).perm(), where);
                assertArrayEquals(t.sourceTable(), ((io.sonic.model.layer.TransposeLayer) b).sourceTable(), where);
            }
        }
    }

    private static void assertSamePool(PoolGeometry a, PoolGeometry b, String where) {
        assertEquals(a.isGlobal(), b.isGlobal(), where);
        assertEquals(a.countIncludePad(), b.countIncludePad(), where);
        assertArrayEquals(a.windows().pads(), b.windows().pads(), where);
        assertArrayEquals(a.windowTable(), b.windowTable(), where);
    }

    /** A layer's parameter tensors in {@code ModelShare.split} order (null for an absent bias). */
    static List<FloatTensor> parameters(Layer l) {
        List<FloatTensor> p = new ArrayList<>();
        if (l instanceof MatMulLayer m) {
            p.add(m.weight());
            p.add(m.bias());
        } else if (l instanceof ConvLayer c) {
            p.add(c.weight());
            p.add(c.bias());
        } else if (l instanceof BiasAddLayer b) {
            p.add(b.bias());
        } else if (l instanceof AffineLayer a) {
            p.add(a.scale());
            p.add(a.shift());
        }
        return p;
    }

    private static void collectNumbers(JsonNode n, List<JsonNode> into) {
        if (n.isNumber()) {
            into.add(n);
        }
        for (JsonNode c : n) {
            collectNumbers(c, into);
        }
    }

    private static byte[] breastCancer() {
        return GraphCodec.structure(WireFixtures.sample("breast-cancer"));
    }

    private static byte[] edit(Consumer<ObjectNode> change) {
        return edit(breastCancer(), change);
    }

    private static byte[] edit(byte[] json, Consumer<ObjectNode> change) {
        ObjectNode root = (ObjectNode) JsonTree.read(json);
        change.accept(root);
        return JsonTree.write(root);
    }

    private static ObjectNode layer(ObjectNode root, int i) {
        return (ObjectNode) root.get("layers").get(i);
    }

    private static void shape(ObjectNode o, String field, int... dims) {
        o.set(field, JsonTree.ints(dims));
    }

    private static void assertBad(String json, String expected) {
        assertBad(json.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static void assertBad(byte[] json, String expected) {
        BadPayloadException e = assertThrows(BadPayloadException.class, () -> GraphCodec.publicGraph(json));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    /** Jackson tree helpers for editing structures in tests. */
    static final class JsonTree {
        private JsonTree() {
        }

        static JsonNode read(byte[] json) {
            try {
                return JSON.readTree(json);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static byte[] write(JsonNode n) {
            try {
                return JSON.writeValueAsBytes(n);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static ArrayNode ints(int... v) {
            ArrayNode a = JSON.createArrayNode();
            for (int x : v) {
                a.add(x);
            }
            return a;
        }
    }
}
