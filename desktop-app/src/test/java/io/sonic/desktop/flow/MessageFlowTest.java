package io.sonic.desktop.flow;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.desktop.flow.MessageFlow.Kind;
import io.sonic.desktop.flow.MessageFlow.Knowledge;
import io.sonic.desktop.flow.MessageFlow.Lane;
import io.sonic.desktop.flow.MessageFlow.Message;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.InferenceResult.LayerStat;
import io.sonic.engine.InputRange;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.SecureConfig.OutputMode;
import io.sonic.engine.SecureConfig.TruncationMode;
import io.sonic.engine.SecureInference;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.net.Round;
import io.sonic.model.ModelGraph;
import io.sonic.model.data.InputCsv;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagram of every layer of real secure runs of mnist-m2 adds up to what the traffic meter measured:
 * online bytes and rounds per layer and per query, the dealer's bytes, the user's shares; and what the
 * servers are said to know is what the rounds opened.
 */
class MessageFlowTest {
    static final SecureConfig FAITHFUL = SecureConfig.DEFAULT;
    static final SecureConfig MASK_REUSE = SecureConfig.DEFAULT.withLinear(LinearMode.MASK_REUSE);
    static final SecureConfig LOCAL = SecureConfig.DEFAULT.withTruncation(TruncationMode.LOCAL);
    static final SecureConfig LABEL = SecureConfig.DEFAULT.withOutput(OutputMode.LABEL);
    static final SecureConfig ALL_OPTIONS = MASK_REUSE.withTruncation(TruncationMode.LOCAL)
            .withOutput(OutputMode.LABEL);

    private static ModelGraph graph;
    private static float[] input;
    private static final Map<SecureConfig, InferenceResult> RUNS = new LinkedHashMap<>();

    static Path sample() {
        return Path.of(System.getProperty("sonic.root", "..")).resolve("sample-models").resolve("mnist-m2");
    }

    static ModelGraph m2() {
        return OnnxImporter.read(sample().resolve("mnist-m2.onnx"));
    }

    static float[] firstInput() {
        return InputCsv.read(sample().resolve("inputs.csv"), -1, 1).get(0);
    }

    static InferenceResult run(ModelGraph g, SecureConfig cfg, float[] x) {
        try (SecureInference s = new SecureInference(g, cfg)) {
            return s.infer(x);
        }
    }

    @BeforeAll
    static void runM2() {
        graph = m2();
        input = firstInput();
        for (SecureConfig cfg : List.of(FAITHFUL, MASK_REUSE, LOCAL, LABEL, ALL_OPTIONS)) {
            RUNS.put(cfg, run(graph, cfg, input));
        }
    }

    private static String name(SecureConfig c) {
        return c.linear() + "/" + c.truncation() + "/" + c.output();
    }

    /** Every layer's diagram is the layer's measured traffic, and all layers make the query's totals. */
    static void assertAddsUp(InferenceResult r, ModelGraph g, SecureConfig cfg, String what) {
        boolean label = cfg.output() == OutputMode.LABEL;
        assertEquals(g.layers().size() + (label ? 1 : 0), r.layers().size(), what + ": one stat per layer");
        long online = 0;
        long rounds = 0;
        long offline = 0;
        long seeds = 0;
        int last = r.layers().get(r.layers().size() - 1).index();
        for (LayerStat st : r.layers()) {
            MessageFlow f = MessageFlow.of(r, st.index(), g);
            String at = what + " layer " + st.index() + " " + st.op();
            assertEquals(st.online().bytes(), f.onlineBytes(), at + ": online bytes");
            assertEquals(st.online().rounds(), f.rounds(), at + ": rounds");
            assertEquals(st.offlineBytes(), f.offlineBytes(), at + ": offline bytes");
            assertTrue(f.title().startsWith("Layer " + st.index() + ": " + st.name() + " (" + st.op() + ")"),
                    f.title());
            // one arrow each way per named round, carrying what server 0 saw
            List<Message> on = f.messages().stream().filter(m -> m.kind() == Kind.ONLINE).toList();
            assertEquals(2 * st.rounds().size(), on.size(), at + ": two arrows per round");
            for (int k = 0; k < st.rounds().size(); k++) {
                Round round = st.rounds().get(k);
                Message to1 = on.get(2 * k);
                Message to0 = on.get(2 * k + 1);
                assertEquals(new Message(Lane.SERVER0, Lane.SERVER1, round.what(), round.bytesSent(), k + 1,
                        Kind.ONLINE), to1, at);
                assertEquals(new Message(Lane.SERVER1, Lane.SERVER0, round.what(), round.bytesReceived(), k + 1,
                        Kind.ONLINE), to0, at);
                assertEquals(k + 1, f.exchanges().get(k).round());
            }
            // the dealer's corrections go to server 1 only; server 0 gets a seed, once per query
            for (Message m : f.messages()) {
                if (m.kind() == Kind.OFFLINE) {
                    assertEquals(Lane.DEALER, m.from());
                    assertEquals(Lane.SERVER1, m.to(), at + ": corrections go to server 1");
                    assertEquals(0, m.round());
                }
            }
            if (st.index() == 0) {
                assertEquals(2L * Prg.SEED_BYTES, f.seedBytes(), at + ": two seeds");
                assertEquals(List.of(Lane.SERVER0, Lane.SERVER1), f.messages().stream()
                        .filter(m -> m.kind() == Kind.SEED).map(Message::to).toList());
            } else {
                assertEquals(0, f.seedBytes(), at);
            }
            // the user's shares: n × 8 B in, output × 8 B out, not counted in the online bytes
            List<Message> user = f.messages().stream().filter(m -> m.kind() == Kind.USER).toList();
            long expectUser = 0;
            if (st.index() == 0) {
                for (Lane to : List.of(Lane.SERVER0, Lane.SERVER1)) {
                    assertTrue(user.stream().anyMatch(m -> m.from() == Lane.USER && m.to() == to
                            && m.bytes() == 8L * g.inputSize() && m.what().contains(g.inputSize() + " × 8 B")),
                            at + ": the input share to " + to);
                }
                expectUser += 2 * 8L * g.inputSize();
            }
            if (st.index() == last) {
                int n = r.outputRing().length;
                assertEquals(label ? 1 : g.outputSize(), n);
                for (Lane from : List.of(Lane.SERVER0, Lane.SERVER1)) {
                    assertTrue(user.stream().anyMatch(m -> m.from() == from && m.to() == Lane.USER
                            && m.bytes() == 8L * n && m.what().contains(n + " × 8 B")), at + ": output share from " + from);
                }
                expectUser += 2 * 8L * n;
            }
            assertEquals(expectUser, f.userBytes(), at + ": the user's bytes");
            assertKnowledgeFromRounds(f, st, at);
            online += f.onlineBytes();
            rounds += f.rounds();
            offline += f.offlineBytes();
            seeds += f.seedBytes();
        }
        assertEquals(r.online().bytes(), online, what + ": online bytes of the query");
        assertEquals(r.online().rounds(), rounds, what + ": rounds of the query");
        assertEquals(r.offlineBytes(), offline + seeds, what + ": offline bytes of the query");
    }

    /** What the servers know is what the rounds opened, plus each server's own shares. */
    static void assertKnowledgeFromRounds(MessageFlow f, LayerStat st, String at) {
        List<Knowledge> k0 = f.knows(0);
        List<Knowledge> k1 = f.knows(1);
        Set<String> opened0 = k0.stream().filter(Knowledge::opened).map(Knowledge::value).collect(Collectors.toSet());
        Set<String> opened1 = k1.stream().filter(Knowledge::opened).map(Knowledge::value).collect(Collectors.toSet());
        assertEquals(opened0, opened1, at + ": both servers hold the same opened values");
        for (String v : opened0) {
            assertTrue(st.rounds().stream().anyMatch(r -> r.what().contains(v)), at + ": " + v + " was opened");
        }
        for (Round r : st.rounds()) {
            assertTrue(opened0.stream().anyMatch(v -> r.what().contains(v)), at + ": something for " + r.what());
        }
        for (List<Knowledge> k : List.of(k0, k1)) {
            Knowledge out = k.get(k.size() - 1);
            assertFalse(out.opened());
            assertTrue(out.value().startsWith("its share of "), out.value());
            for (Knowledge item : k) {
                assertTrue(item.caption().contains("uniform") || item.caption().contains("random"),
                        at + ": " + item.caption());
            }
        }
    }

    @Test
    void everyLayerOfEveryConfigurationAddsUpToTheMeter() {
        for (Map.Entry<SecureConfig, InferenceResult> e : RUNS.entrySet()) {
            assertAddsUp(e.getValue(), graph, e.getKey(), name(e.getKey()));
        }
    }

    @Test
    void aBeaverLayerOpensEAndFAndTheTruncationMask() {
        MessageFlow f = MessageFlow.of(RUNS.get(FAITHFUL), 0, graph);
        assertEquals(2, f.rounds());
        assertEquals(List.of("E = W − A and F = X − B", "c = x + 2^62 + r (exact truncation)"),
                f.exchanges().stream().map(MessageFlow.Exchange::what).toList());
        Set<String> values = f.knows(0).stream().map(Knowledge::value).collect(Collectors.toSet());
        assertTrue(values.containsAll(Set.of("E = W − A", "F = X − B", "c = x + 2^62 + r")), values.toString());
        assertTrue(values.contains("its share of the 16×24×24 activations"), values.toString());
        assertTrue(values.contains("its share of the 1×28×28 input"), values.toString());
        // with mask reuse only F travels, and E is known from the once-per-model setup
        MessageFlow reuse = MessageFlow.of(RUNS.get(MASK_REUSE), 0, graph);
        assertEquals(2L * 8 * graph.inputSize(), reuse.exchanges().get(0).toServer1().bytes()
                + reuse.exchanges().get(0).toServer0().bytes());
        Knowledge e = reuse.knows(1).stream().filter(k -> k.value().equals("E = W − A")).findFirst().orElseThrow();
        assertTrue(e.caption().contains("once per model"), e.caption());
        assertTrue(e.opened());
    }

    @Test
    void reluNamesItsCarryTreeAndSelectRounds() {
        MessageFlow f = MessageFlow.of(RUNS.get(FAITHFUL), 2, graph);
        assertEquals("Layer 2: /3/Relu (Relu), MSB ReLU", f.title());
        assertEquals(8, f.rounds());
        List<Knowledge> k = f.knows(0);
        Knowledge bits = k.stream().filter(x -> x.value().equals("d = x ⊕ u, e = y ⊕ v")).findFirst().orElseThrow();
        assertTrue(bits.bits() && bits.opened());
        assertTrue(bits.caption().contains("carry-tree levels 1–6") && bits.caption().contains("7 rounds"),
                bits.caption());
        assertTrue(k.stream().anyMatch(x -> x.value().equals("e = d ⊕ t") && x.bits()));
        assertTrue(k.stream().anyMatch(x -> x.value().equals("δ = v − a") && !x.bits()));
        Message corrections = f.messages().stream().filter(m -> m.kind() == Kind.OFFLINE).findFirst().orElseThrow();
        assertTrue(corrections.what().contains("w₁") && corrections.what().contains("[t]₁"), corrections.what());
        assertTrue(f.notes().stream().anyMatch(n -> n.startsWith("Server 0 gets nothing from the dealer")));
    }

    @Test
    void maxPoolingHasSixteenRoundsInTwoLevels() {
        MessageFlow f = MessageFlow.of(RUNS.get(FAITHFUL), 1, graph);
        assertEquals(16, f.rounds());
        assertEquals(737_856, f.onlineBytes(), "docs/protocols/max-pool.md");
        Set<String> sections = new HashSet<>();
        f.exchanges().forEach(e -> sections.add(e.section()));
        assertEquals(2, sections.size(), sections.toString());
        assertTrue(f.exchanges().get(0).what().startsWith("masked bits d = x ⊕ u"), f.exchanges().get(0).what());
    }

    @Test
    void aLocalLayerSendsNothingButTheServersStillHoldShares() {
        MessageFlow f = MessageFlow.of(RUNS.get(FAITHFUL), 6, graph);
        assertEquals("Flatten", f.op());
        assertTrue(f.local());
        assertEquals(0, f.onlineBytes());
        assertEquals(0, f.rounds());
        assertTrue(f.messages().isEmpty());
        assertEquals("No message: each server transforms its own share.", f.notes().get(0));
        assertEquals("its share of the 256 activations", f.knows(0).get(0).value());
        assertEquals(1, f.knows(1).size());
    }

    @Test
    void theArgmaxIsTheExtraOutputStepInLabelMode() {
        InferenceResult r = RUNS.get(LABEL);
        int n = graph.layers().size();
        MessageFlow f = MessageFlow.of(r, n, graph);
        assertEquals("ArgMax", f.op());
        assertEquals(32, f.rounds(), "docs/protocols/argmax.md: 8·⌈log2 10⌉");
        assertEquals(16, f.userBytes(), "two one-element label shares");
        assertEquals("its share of the predicted label", f.knows(0).get(f.knows(0).size() - 1).value());
        // the last product layer sends nothing to the user in label mode
        assertEquals(0, MessageFlow.of(r, n - 1, graph).userBytes());
        assertEquals(160, MessageFlow.of(RUNS.get(FAITHFUL), n - 1, graph).userBytes(), "10 logits × 8 B × 2");
        assertThrows(IllegalArgumentException.class, () -> MessageFlow.of(RUNS.get(FAITHFUL), n, graph));
        assertThrows(IllegalArgumentException.class, () -> MessageFlow.of(r, n + 1, graph));
    }

    @Test
    void shapesAndNamesForPeople() {
        assertEquals("16×24×24", MessageFlow.shape(new int[] {1, 16, 24, 24}));
        assertEquals("10", MessageFlow.shape(new int[] {1, 10}));
        assertEquals("7", MessageFlow.shape(new int[] {7}));
        assertEquals("carry-tree levels 1–6", MessageFlow.collapse(List.of("carry-tree level 1 (63 segments to 32)",
                "carry-tree level 2 (32 segments to 16)", "carry-tree level 3", "carry-tree level 4",
                "carry-tree level 5", "carry-tree level 6 (2 segments to 1)")));
        assertEquals("max levels 1–2", MessageFlow.collapse(List.of("max level 1, 4608 pairs max(a, b) = b + ReLU(a − b)",
                "max level 2, 2304 pairs max(a, b) = b + ReLU(a − b)")));
        assertEquals(List.of(new MessageFlow.Part("e = d ⊕ t", "the bit, masked"),
                        new MessageFlow.Part("δ = v − a", "the values, masked")),
                MessageFlow.parts("e = d ⊕ t (the bit, masked) and δ = v − a (the values, masked)"));
        assertEquals("y, masked by the dealer's random z", MessageFlow.explain("q = y − z"));
    }

    @Test
    void overRealLocalServersTheFiguresComeFromTheEventStream() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(null); CloudClient client = cloud.client()) {
            client.upload(graph, "m2", "owner-token", FAITHFUL.fixedPoint(), new InputRange(0, 1));
            for (SecureConfig cfg : List.of(FAITHFUL, ALL_OPTIONS)) {
                InferenceResult r = client.infer("m2", input, cfg, e -> { });
                assertAddsUp(r, graph, cfg, "servers " + name(cfg));
                // the same protocol, so the same figures as in process
                InferenceResult inProcess = RUNS.get(cfg);
                for (LayerStat st : r.layers()) {
                    MessageFlow remote = MessageFlow.of(r, st.index(), graph);
                    MessageFlow local = MessageFlow.of(inProcess, st.index(), graph);
                    assertEquals(local.onlineBytes(), remote.onlineBytes());
                    assertEquals(local.offlineBytes(), remote.offlineBytes());
                    assertEquals(local.exchanges().stream().map(MessageFlow.Exchange::what).toList(),
                            remote.exchanges().stream().map(MessageFlow.Exchange::what).toList());
                }
            }
        }
    }
}
