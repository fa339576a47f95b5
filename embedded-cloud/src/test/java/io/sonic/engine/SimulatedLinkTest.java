package io.sonic.engine;

import io.sonic.engine.net.LinkProfile;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.LayerListener;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A simulated link changes the time of a query, never what it computes or what crosses the link: results,
 * bytes, messages and rounds per layer equal the loopback run's, and the time is at least what the rounds'
 * latency and the bytes' transfer alone take.
 */
class SimulatedLinkTest {
    @Test
    void aSimulatedLinkKeepsResultsAndTrafficAndCostsAtLeastItsLatencyAndTransfer() {
        SampleModels m2 = new SampleModels("mnist-m2");
        ModelGraph g = m2.graph();
        LinkProfile slow = LinkProfile.parse("latency=4ms,bandwidth=200mbit");
        for (SecureConfig base : List.of(SecureConfig.DEFAULT, SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS)
                .withLinear(SecureConfig.LinearMode.MASK_REUSE))) {
            float[] x = m2.inputs().get(1);
            InferenceResult fast;
            InferenceResult simulated;
            try (SecureInference s = new SecureInference(g, base)) {
                fast = s.infer(x);
            }
            try (SecureInference s = new SecureInference(g, base.withLink(slow))) {
                simulated = s.infer(x);
            }
            FixedPointEvaluator ideal = new FixedPointEvaluator(g, base.fixedPoint());
            long[] want = ideal.run(ideal.encodeInput(x), LayerListener.NONE);
            long bound = ErrorBound.units(g, base);
            for (int i = 0; i < want.length; i++) {
                assertTrue(Math.abs(simulated.outputRing()[i] - want[i]) <= bound, base.text() + ": output " + i
                        + " on the simulated link is " + simulated.outputRing()[i] + ", the fixed-point model's "
                        + want[i] + " (bound " + bound + ")");
            }
            assertEquals(fast.online(), simulated.online(), base.text() + ": the same traffic on every link");
            for (int i = 0; i < fast.layers().size(); i++) {
                assertEquals(fast.layers().get(i).online(), simulated.layers().get(i).online(), "layer " + i);
                assertEquals(fast.layers().get(i).rounds(), simulated.layers().get(i).rounds(), "layer " + i);
            }
            long floor = slow.networkNanos(simulated.online().rounds(), simulated.online().bytesSent());
            assertTrue(simulated.onlineNanos() >= floor, base.text() + ": " + simulated.onlineNanos() / 1e6
                    + " ms online, below the link's own " + floor / 1e6 + " ms");
            System.out.printf("M2 %s: loopback %.1f ms, %s %.1f ms (predicted %.1f ms)%n", base.summary(),
                    fast.onlineNanos() / 1e6, slow.text(), simulated.onlineNanos() / 1e6,
                    slow.predictNanos(fast.onlineNanos(), simulated.online().rounds(),
                            simulated.online().bytesSent()) / 1e6);
        }
    }
}
