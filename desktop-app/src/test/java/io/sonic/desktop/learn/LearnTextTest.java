package io.sonic.desktop.learn;

import io.sonic.desktop.inference.Explanations;
import io.sonic.engine.CostModel;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.protocol.ArgmaxProtocol;
import io.sonic.engine.protocol.MaxPoolProtocol;
import io.sonic.engine.protocol.MsbProtocol;
import io.sonic.engine.protocol.ReluProtocol;
import io.sonic.model.eval.FixedPoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.sonic.desktop.learn.Fmt.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every number the Learn pages state holds against the engine's constants and cost formulas: the test
 * computes each figure from {@link CostModel} and the protocol classes and looks for it in the
 * rendered sentences; a few figures are also pinned to the values the protocol pages in docs/ give.
 */
class LearnTextTest {
    private static String text(Topic t) {
        return Pages.of(t).text();
    }

    private static void has(Topic t, String s) {
        String text = text(t);
        assertTrue(text.contains(s), t.id() + " page should say \"" + s + "\":\n" + text);
    }

    @Test
    void everyTopicHasItsPartsAndAnId() {
        assertEquals(9, Topic.values().length);
        for (Topic t : Topic.values()) {
            Page p = Pages.of(t);
            assertEquals(t, p.topic());
            assertEquals(t, Topic.byId(t.id()));
            assertFalse(p.paragraphs().isEmpty(), t.id());
            assertTrue(p.rows().size() >= 5, t.id() + " has a worked example");
            assertFalse(p.cost().isEmpty(), t.id() + " has a cost");
            assertFalse(p.summary().isBlank());
            assertTrue(p.exampleTitle().contains("8-bit ring") && p.exampleTitle().contains("mod 256"));
        }
    }

    @Test
    void msbAndReluRoundsAddUpAndComeFromTheProtocol() {
        int levels = MsbProtocol.ROUNDS - 1;
        long relu = MsbProtocol.ROUNDS + 1;
        assertEquals(relu, CostModel.relu(1024, Figures.DEFAULT).rounds(), "ReLU = MSB rounds + the select");
        has(Topic.MSB, "Rounds: 1 + " + levels + " + 1 = " + relu + " for ℓ = 64, which is log2 ℓ + 2.");
        has(Topic.MSB, "that takes " + levels + " levels (63 → 32 → 16 → 8 → 4 → 2 → 1 segments)");
        has(Topic.MSB, "AND gates per element: 63 + 61 + 31 + 15 + 7 + 3 + 1 = " + MsbProtocol.ANDS_PER_LANE + ".");
        has(Topic.MSB, "1 (the 63 generates) + " + levels + " (tree levels of 61 + 31 + 15 + 7 + 3 + 1 gates) + 1 (the"
                + " select) = " + relu + ".");
        // and they are the figures of docs/protocols/msb-relu.md
        assertEquals(7, MsbProtocol.ROUNDS);
        assertEquals(181, MsbProtocol.ANDS_PER_LANE);
        has(Topic.MSB, "1 + 6 + 1 = 8");
        assertEquals(Integer.numberOfTrailingZeros(64) + 2, relu, "log2 ℓ + 2");
    }

    @Test
    void theMsbSummaryNoLongerContradictsItself() {
        String msb = Explanations.topics().get(Topic.MSB.title());
        assertTrue(msb.contains("1 for the generates + " + (MsbProtocol.ROUNDS - 1) + " tree levels + 1 select"), msb);
        assertTrue(msb.contains("= " + (MsbProtocol.ROUNDS + 1)), msb);
        assertFalse(msb.contains("8 rounds in all"), "the old sentence that added up to 7");
        String beaver = Explanations.topics().get(Topic.BEAVER.title());
        assertTrue(beaver.contains("only server 0 adds E·F"), beaver);
        assertEquals(List.of(Topic.values()).stream().map(Topic::title).toList(),
                List.copyOf(Explanations.topics().keySet()));
    }

    @Test
    void reluBytesAre854BitsPerElementWhen64DividesN() {
        for (int n = 64; n <= 64 * 80; n += 64) {
            assertEquals(854 * (long) n, ReluProtocol.bytes(n) * 8, "n = " + n);
        }
        assertEquals(854.0, Figures.bitsPerRelu());
        // the formula as the page writes it
        for (int n : new int[] {1, 10, 63, 64, 100, 1024, 2304, 4608, 9216, 100_000}) {
            long w = (n + 63) / 64;
            assertEquals(32L * 181 * w + 16 * w + 16L * n, ReluProtocol.bytes(n), "n = " + n);
        }
        has(Topic.MSB, "32·181·W + 16·W + 16·n");
        has(Topic.MSB, "A ReLU layer of 1,024 elements (W = 16): 32·181·16 + 16·16 + 16·1,024 = "
                + n(ReluProtocol.bytes(1024)) + " bytes in " + CostModel.relu(1024, Figures.DEFAULT).rounds() + " rounds, 854 bits per"
                + " ReLU");
        assertEquals(109_312, ReluProtocol.bytes(1024));
        has(Topic.MSB, "offline the dealer sends " + n(CostModel.relu(1024, Figures.DEFAULT).offlineBytes()) + " bytes");
        assertEquals(8L * 181 * 16 + 16 * 1024, CostModel.relu(1024, Figures.DEFAULT).offlineBytes(), "8·181·W + 16·n");
        has(Topic.MSB, "20ℓ − 16 = 1,264 bits in log ℓ + 2 = 8 rounds");
    }

    @Test
    void truncationIs16BytesPerElementInOneRound() {
        for (int n : new int[] {1, 100, 9216}) {
            CostModel.Cost c = CostModel.truncation(n, Figures.DEFAULT);
            assertEquals(16L * n, c.onlineBytes());
            assertEquals(1, c.rounds());
            assertEquals(16L * n, c.offlineBytes());
        }
        has(Topic.TRUNCATION, "Exact truncation: 16 bytes per element (8 each way) in 1 round; offline 16 bytes per"
                + " element");
        has(Topic.TRUNCATION, "M2's first convolution has 9,216 outputs: truncating them costs 147,456 bytes in 1 round.");
        has(Topic.TRUNCATION, "c = x + 2^62 + r");
        has(Topic.TRUNCATION, "⌊x/2^f⌋ or ⌊x/2^f⌋ + 1, always");
        has(Topic.TRUNCATION, "2^(k+1−64)");
        int f = SecureConfig.DEFAULT.fractionBits();
        has(Topic.TRUNCATION, "Fixed point with f = " + f + " fraction bits");
        has(Topic.TRUNCATION, "2f = " + 2 * f + " fraction bits");
        long truncated = Figures.m2Truncated().stream().mapToLong(Integer::longValue).sum();
        assertEquals(9216 + 1024 + 100 + 10, truncated);
        has(Topic.TRUNCATION, "One M2 query truncates 9,216 + 1,024 + 100 + 10 = 10,350 values");
        long exact = CostModel.total(M2Structure.graph(), Figures.DEFAULT).onlineBytes();
        long local = CostModel.total(M2Structure.graph(), Figures.LOCAL).onlineBytes();
        assertEquals(16 * truncated, exact - local, "the exact variant adds 16 bytes per truncated value");
    }

    @Test
    void beaverPageSaysOnlyServer0AddsEfAndPricesM2sFirstLayers() {
        has(Topic.BEAVER, "Zᵢ = [i = 0]·E·F + E·Bᵢ + Aᵢ·F + Cᵢ. Only server 0 adds the public term E·F");
        has(Topic.BEAVER, "E = W − A and F = X − B. Both directions travel in one round");
        long open = 16L * (400 + 784);
        assertEquals(open, CostModel.of(M2Structure.graph(), M2Structure.CONV1, Figures.LOCAL).onlineBytes());
        has(Topic.BEAVER, "16·(400 + 784) = " + n(open) + " bytes for E and F in 1 round");
        long conv1 = CostModel.of(M2Structure.graph(), M2Structure.CONV1, Figures.DEFAULT).onlineBytes();
        assertEquals(open + 16L * 9216, conv1);
        has(Topic.BEAVER, "the layer measures " + n(conv1) + " bytes in 2 rounds");
        assertEquals(166_400, conv1, "docs and the Inference screen show this figure");
        has(Topic.BEAVER, "16·(25,600 + 256) = 413,696 bytes; with truncation 415,296 bytes in 2 rounds");
        has(Topic.BEAVER, "73,728 bytes for the first convolution, 221,184 with the truncation's corrections");
        assertEquals(8L * 9216, CostModel.of(M2Structure.graph(), M2Structure.CONV1, Figures.LOCAL).offlineBytes());
    }

    @Test
    void maxPoolAndArgmaxFollowTheTree() {
        int[] levels = MaxPoolProtocol.pairsPerLevel(new int[] {4});
        assertEquals(2, levels.length);
        has(Topic.MAX_POOL, "⌈log2(k·k)⌉ levels: 2 for a 2 × 2 window, 4 for 3 × 3");
        has(Topic.MAX_POOL, "max(a, b) = b + ReLU(a − b)");
        int[] m2 = Figures.m2PoolPairs(M2Structure.POOL1);
        assertEquals(List.of(4608, 2304), java.util.Arrays.stream(m2).boxed().toList());
        long bytes = ReluProtocol.bytes(4608) + ReluProtocol.bytes(2304);
        assertEquals(bytes, CostModel.of(M2Structure.graph(), M2Structure.POOL1, Figures.DEFAULT).onlineBytes());
        has(Topic.MAX_POOL, "a level of 4,608 pairs (491,904 bytes) and a level of 2,304 pairs (245,952 bytes), in all "
                + n(bytes) + " bytes in 2 × 8 = 16 rounds");
        assertEquals(737_856, bytes, "the figure of docs/protocols/max-pool.md");

        int[] arg = MaxPoolProtocol.pairsPerLevel(new int[] {10});
        assertEquals(List.of(5, 2, 1, 1), java.util.Arrays.stream(arg).boxed().toList());
        long argBytes = 0;
        for (int p : arg) {
            long w = (p + 63) / 64;
            argBytes += 32L * 181 * w + 16 * w + 32L * p;
        }
        assertEquals(argBytes, ArgmaxProtocol.bytes(10), "the page's per-level formula");
        assertEquals(4 * (MsbProtocol.ROUNDS + 1), CostModel.argmax(10, Figures.DEFAULT).rounds());
        has(Topic.ARGMAX, "10 logits: levels of 5, 2, 1, 1 pairs, 32 rounds, " + n(argBytes) + " bytes");
        has(Topic.ARGMAX, "10 logits take 4 levels (10 → 5 → 3 → 2 → 1 candidates), 4 × 8 = 32 rounds");
    }

    @Test
    void maskReuseSavesTheWeightsAndCostsASetup() {
        var g = M2Structure.graph();
        long faithful = CostModel.total(g, Figures.DEFAULT).onlineBytes();
        long reuse = CostModel.total(g, Figures.MASK_REUSE).onlineBytes();
        long weights = 400 + 16 * 16 * 25 + 25_600 + 1000;
        assertEquals(16 * weights, faithful - reuse, "saves 16·|W| per query");
        assertEquals(16 * weights, CostModel.maskSetup(g).onlineBytes(), "the setup opens 16·|W| once");
        assertEquals(4, CostModel.maskSetup(g).rounds());
        assertEquals(CostModel.total(g, Figures.DEFAULT).rounds(), CostModel.total(g, Figures.MASK_REUSE).rounds());
        has(Topic.MASK_REUSE, "A whole M2 query: " + n(faithful) + " → " + n(reuse) + " bytes");
        has(Topic.MASK_REUSE, "The setup costs " + n(16 * weights) + " bytes in 4 rounds, once.");
        has(Topic.MASK_REUSE, "166,400 → 160,000 bytes per query");
        has(Topic.MASK_REUSE, "415,296 → 5,696 bytes");
        has(Topic.MASK_REUSE, "E − E′ = W − W′");
    }

    @Test
    void sharingAndTheDealerPages() {
        long enc = new FixedPoint(SecureConfig.DEFAULT.fractionBits()).encode(2.5);
        assertEquals(163_840, enc);
        has(Topic.SHARING, "2.5 becomes 163,840");
        has(Topic.SHARING, "784 × 8 = 6,272 bytes");
        has(Topic.SHARING, "M2's Flatten layer: 0 bytes, 0 rounds.");
        var total = CostModel.total(M2Structure.graph(), Figures.DEFAULT);
        has(Topic.NON_COLLUSION, "two 16-byte seeds (one per server) plus " + n(total.offlineBytes())
                + " bytes of corrections for server 1 = " + n(total.offlineBytes() + 32) + " bytes");
        has(Topic.NON_COLLUSION, "the servers exchange " + n(total.onlineBytes()) + " bytes in " + total.rounds()
                + " rounds");
    }

    @Test
    void everyClaimAboutM2IsStatedOnItsPage() {
        Map<Topic, String> texts = new java.util.EnumMap<>(Topic.class);
        for (Topic t : Topic.values()) {
            texts.put(t, text(t));
        }
        List<Claim> claims = Pages.claims();
        assertTrue(claims.size() >= 30, "claims: " + claims.size());
        for (Claim c : claims) {
            assertTrue(texts.get(c.topic()).contains(n(c.value())), c + " is stated on its page");
        }
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        for (Topic t : Topic.values()) {
            assertEquals(Pages.of(t, 5).text(), Pages.of(t, 5).text(), t.id());
            assertNotEquals(Pages.of(t, 5).text(), Pages.of(t, 6).text(), t.id() + ": new numbers differ");
        }
    }
}
