package io.sonic.engine;

import io.sonic.engine.net.Round;

import io.sonic.engine.SecureConfig.LinearMode;
import io.sonic.engine.SecureConfig.OutputMode;
import io.sonic.engine.SecureConfig.TruncationMode;
import io.sonic.engine.crypto.Prg;
import io.sonic.model.ModelGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meter reproduces every layer's documented formula exactly, online and offline, in every mode. */
class TrafficFormulaTest {
    static List<Object[]> cases() {
        List<Object[]> c = new ArrayList<>();
        SecureConfig fss = SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS);
        SecureConfig[] cfgs = {SecureConfig.DEFAULT, SecureConfig.DEFAULT.withLinear(LinearMode.MASK_REUSE),
                SecureConfig.DEFAULT.withTruncation(TruncationMode.LOCAL),
                SecureConfig.DEFAULT.withOutput(OutputMode.LABEL), fss, fss.withLinear(LinearMode.MASK_REUSE),
                fss.withTruncation(TruncationMode.LOCAL), fss.withOutput(OutputMode.LABEL)};
        for (String m : new String[] {"breast-cancer", "mnist-m1", "mnist-m2", "fashion-cnn"}) {
            for (SecureConfig cfg : cfgs) {
                c.add(new Object[] {m, cfg});
            }
        }
        return c;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyLayerCostsExactlyItsFormula(String model, SecureConfig cfg) {
        ModelGraph g = new SampleModels(model).graph();
        float[] x = new SampleModels(model).inputs().get(0);
        List<CostModel.Cost> want = CostModel.of(g, cfg);
        try (SecureInference s = new SecureInference(g, cfg)) {
            InferenceResult r = s.infer(x);
            assertEquals(want.size(), r.layers().size());
            long offline = 0;
            for (int i = 0; i < want.size(); i++) {
                InferenceResult.LayerStat st = r.layers().get(i);
                CostModel.Cost c = want.get(i);
                String what = model + " " + cfg.text() + " layer " + i + " " + st.op();
                assertEquals(c.onlineBytes(), st.online().bytes(), what + " online bytes");
                assertEquals(c.rounds(), st.online().rounds(), what + " rounds");
                // the rounds the protocol names add up to the meter's count and bytes, and each is named
                assertEquals(st.online().rounds(), st.rounds().size(), what + " named rounds");
                assertEquals(st.online().bytesSent(), st.rounds().stream().mapToLong(Round::bytesSent).sum(),
                        what + " bytes sent in the named rounds");
                assertEquals(st.online().bytesReceived(), st.rounds().stream().mapToLong(Round::bytesReceived).sum(),
                        what + " bytes received in the named rounds");
                for (Round round : st.rounds()) {
                    assertTrue(!round.what().equals("a message") && !round.what().isBlank(), what + ": " + round);
                }
                assertEquals(2 * c.rounds(), st.online().messages(), what + " one message each way per round");
                assertEquals(st.online().bytesSent(), st.online().bytesReceived(), what + " symmetric");
                assertEquals(c.offlineBytes(), st.offlineBytes(), what + " offline bytes");
                offline += c.offlineBytes();
            }
            assertEquals(CostModel.total(g, cfg).onlineBytes(), r.online().bytes());
            assertEquals(offline + 2L * Prg.SEED_BYTES, r.offlineBytes(), "corrections plus two seeds");
            if (cfg.linear() == LinearMode.MASK_REUSE) {
                assertEquals(CostModel.maskSetup(g).onlineBytes(), s.setupTraffic().bytes());
                assertEquals(CostModel.maskSetup(g).rounds(), s.setupTraffic().rounds());
            }
        }
    }
}
