package io.sonic.engine.ot;

import io.sonic.engine.Plan;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.TwoParties;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.Material;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.model.ModelGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OtPreprocessingTest {

    /** Runs {@code body} as both servers over an in-memory metered link, with a timeout that closes both ends. */
    static <T> List<T> both(BiFunction<Integer, MeteredChannel, T> body, MeteredChannel[] meters) {
        return TwoParties.both(meters, body);
    }

    private static void checkItem(Need<?> need, Material m0, Material m1) {
        String what = need.toString();
        if (need instanceof Need.Triple t) {
            Material.Triple x = (Material.Triple) m0;
            Material.Triple y = (Material.Triple) m1;
            assertArrayEquals(t.op().apply(TwoParties.sum(x.a(), y.a()), TwoParties.sum(x.b(), y.b())), TwoParties.sum(x.c(), y.c()), what);
        } else if (need instanceof Need.Ands a) {
            long[][] x = ((Material.Ands) m0).take(a.words());
            long[][] y = ((Material.Ands) m1).take(a.words());
            for (int w = 0; w < a.words(); w++) {
                assertEquals((x[0][w] ^ y[0][w]) & (x[1][w] ^ y[1][w]), x[2][w] ^ y[2][w], what + " word " + w);
            }
        } else if (need instanceof Need.BitMults b) {
            Material.BitMults x = (Material.BitMults) m0;
            Material.BitMults y = (Material.BitMults) m1;
            int n = b.n();
            for (int i = 0; i < n; i++) {
                long t = ((x.tBool()[i >>> 6] ^ y.tBool()[i >>> 6]) >>> (i & 63)) & 1L;
                assertEquals(t, x.tArith()[i] + y.tArith()[i], what + " bit " + i);
                for (int j = 0; j < b.values(); j++) {
                    int idx = j * n + i;
                    assertEquals((x.a()[idx] + y.a()[idx]) * t, x.at()[idx] + y.at()[idx], what + " a·t " + idx);
                }
            }
        } else if (need instanceof Need.Truncs tr) {
            Material.Truncs x = (Material.Truncs) m0;
            Material.Truncs y = (Material.Truncs) m1;
            for (int i = 0; i < tr.n(); i++) {
                long r = x.r()[i] + y.r()[i];
                assertEquals(r >>> tr.fractionBits(), x.high()[i] + y.high()[i], what + " r>>>f " + i);
                assertEquals(r >>> 63, x.msb()[i] + y.msb()[i], what + " msb " + i);
            }
        }
    }

    @Test
    void everyItemOfM2sPlanHoldsItsIdentityAndTrafficEqualsTheFlow() {
        ModelGraph g = new SampleModels("mnist-m2").graph();
        for (SecureConfig.LinearMode mode : SecureConfig.LinearMode.values()) {
            SecureConfig cfg = SecureConfig.DEFAULT.withLinear(mode);
            List<Need<?>> plan = Plan.of(g, cfg);
            byte[][] maskSeeds = {io.sonic.engine.crypto.Prg.newSeed(), io.sonic.engine.crypto.Prg.newSeed()};
            MeteredChannel[] meters = new MeteredChannel[2];
            long start = System.nanoTime();
            List<List<Material>> made = both((p, ch) -> {
                OtSession s = OtSession.establish(p, ch);
                Randomness r = OtPreprocessing.prepare(p, ch, s.begin(1), plan, maskSeeds[p]);
                List<Material> items = new ArrayList<>();
                for (Need<?> need : plan) {
                    items.add(r.take(need));
                }
                return items;
            }, meters);
            long ms = (System.nanoTime() - start) / 1_000_000;
            for (int i = 0; i < plan.size(); i++) {
                checkItem(plan.get(i), made.get(0).get(i), made.get(1).get(i));
            }
            for (int p = 0; p < 2; p++) {
                assertEquals(OtSession.SETUP_BYTES_EACH_WAY + OtPreprocessing.bytesSent(plan, p),
                        meters[p].total().bytesSent(), "server " + p + " bytes");
                assertEquals(OtSession.SETUP_ROUNDS + OtPreprocessing.rounds(plan), meters[p].total().rounds());
            }
            // the documented formula (docs/protocols/ot-preprocessing.md) with M2's figures written out: Beaver triples
            // 1024·E + 260·T per server (E choice elements: 400, 2304, 256, 100; T products: 230,400, 409,600,
            // 25,600, 1,000), 29,322 words of AND triples at 1024 bytes, 10,340 bit × value items in 162 words
            // (16 bytes each from server 0, 8 from server 1), 10,350 truncation pairs (512 bytes from server 0,
            // 1024 from server 1), the 8-byte nonce and the 4,257-byte base OTs
            long triples = 1024L * (400 + 2304 + 256 + 100) + 260L * (230_400 + 409_600 + 25_600 + 1_000);
            long common = triples + 1024L * 29_322 + 1024L * 162 + 8 + 4_257;
            assertEquals(common + 16L * 10_340 + 512L * 10_350, meters[0].total().bytesSent(), "server 0, formula");
            assertEquals(common + 8L * 10_340 + 1024L * 10_350, meters[1].total().bytesSent(), "server 1, formula");
            assertEquals(2 + 1 + 4 * 2 + 7 + 7 * 2 + 4 * 2, meters[0].total().rounds(), "rounds, formula");
            System.out.printf("M2 %s without a dealer: %.1f MB from server 0, %.1f MB from server 1, %d rounds, %d ms%n",
                    mode, meters[0].total().bytesSent() / 1e6, meters[1].total().bytesSent() / 1e6,
                    meters[0].total().rounds(), ms);
        }
    }
}
