package io.sonic.cloud.wire;

import io.sonic.engine.ErrorBound;
import io.sonic.engine.ModelShare;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureLayerListener;
import io.sonic.engine.SecureParty;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.ring.RingTensor;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.eval.LayerListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decisive check of the wire formats: servers that know a model only through its public
 * structure and their decoded binary share, and that exchange input and output shares in the tensor
 * format, compute what the model owner's plaintext model computes (within the truncation bound of
 * the fixed-point reference, with the float model's label).
 */
class WireInferenceTest {
    private static final SecureConfig CFG = SecureConfig.DEFAULT;

    static List<String> samples() {
        return WireFixtures.SAMPLES;
    }

    @ParameterizedTest
    @MethodSource("samples")
    void serversHoldingOnlyTheStructureAndTheirShareComputeTheModel(String name) throws Exception {
        ModelGraph g = WireFixtures.sample(name);
        FixedPoint fp = CFG.fixedPoint();
        FloatEvaluator floats = new FloatEvaluator(g);
        FixedPointEvaluator reference = new FixedPointEvaluator(g, fp);
        long bound = ErrorBound.units(g, CFG);
        Servers servers = Servers.upload(g);
        for (float[] x : WireFixtures.sampleInputs(name, 3)) {
            long[] got = servers.infer(x);
            long[] want = reference.run(reference.encodeInput(x), LayerListener.NONE);
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) {
                long d = Math.abs(got[i] - want[i]);
                assertTrue(d <= bound, name + " output " + i + " differs by " + d + " units, bound " + bound);
            }
            int label = argmax(got);
            int floatLabel = floats.run(x).argmax();
            if (WireFixtures.trained(name) || argmax(want) == floatLabel) {
                assertEquals(floatLabel, label, name + ": label");
            } else {
                // a near-tie of a random-weight network that fixed point itself resolves differently
                assertEquals(argmax(want), label, name + ": label of the fixed-point reference");
            }
        }
    }

    @Test
    void everyLayerKindComputesTheSameThroughTheWire() throws Exception {
        ModelGraph g = WireFixtures.everyKind(11);
        FixedPoint fp = CFG.fixedPoint();
        FixedPointEvaluator reference = new FixedPointEvaluator(g, fp);
        long bound = ErrorBound.units(g, CFG);
        Servers servers = Servers.upload(g);
        double worstFloat = 0;
        for (long seed = 1; seed <= 3; seed++) {
            float[] x = WireFixtures.randomInput(g, seed);
            long[] got = servers.infer(x);
            long[] want = reference.run(reference.encodeInput(x), LayerListener.NONE);
            float[] plain = new FloatEvaluator(g).run(x).values();
            for (int i = 0; i < want.length; i++) {
                assertTrue(Math.abs(got[i] - want[i]) <= bound, "output " + i + ": " + got[i] + " vs " + want[i]
                        + ", bound " + bound);
                worstFloat = Math.max(worstFloat, Math.abs(fp.decode(got[i]) - plain[i]));
            }
        }
        assertTrue(worstFloat < 0.01, "secure result within " + worstFloat + " of the float model");
    }

    private static int argmax(long[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Two servers and a dealer that received only bytes: the structure JSON and one binary share each. */
    private record Servers(ModelGraph graph, ModelShare[] shares, List<Need<?>> plan) {

        static Servers upload(ModelGraph original) {
            // the model owner
            byte[] structure = GraphCodec.structure(original);
            ModelShare[] split = ModelShare.split(original, CFG.fixedPoint(), Prg.fresh());
            byte[][] payloads = {ShareCodec.encode(split[0]), ShareCodec.encode(split[1])};
            // each server and the dealer rebuild the public graph from the same bytes
            ModelGraph pub = GraphCodec.publicGraph(structure);
            assertEquals(GraphCodec.structureHash(original), GraphCodec.structureHash(pub));
            ModelShare[] shares = {ShareCodec.decode(payloads[0], pub, 0), ShareCodec.decode(payloads[1], pub, 1)};
            List<Need<?>> dealerPlan = Plan.of(GraphCodec.publicGraph(structure), CFG);
            assertEquals(Plan.of(original, CFG).size(), dealerPlan.size());
            return new Servers(pub, shares, dealerPlan);
        }

        long[] infer(float[] x) throws Exception {
            FixedPoint fp = CFG.fixedPoint();
            // the user: split and encode the input
            SharedTensor[] in = SharedTensor.split(new RingTensor(graph.inputShape(), fp.encode(x)), Prg.fresh());
            byte[][] inBytes = {ShareCodec.encodeTensor(in[0]), ShareCodec.encodeTensor(in[1])};
            // the servers, each decoding its own share, with the dealer's randomness for the dealer's plan
            var run = io.sonic.engine.TwoParties.run(plan, CFG, ctx -> {
                SharedTensor mine = ShareCodec.decodeTensor(inBytes[ctx.party()], ctx.party(), graph.inputShape());
                SecureParty server = new SecureParty(ctx.party(), graph, shares[ctx.party()], CFG);
                SharedTensor y = server.run(mine, new io.sonic.engine.net.MeteredChannel(ctx.channel()), ctx.randomness(), SecureLayerListener.NONE);
                return ShareCodec.encodeTensor(y);
            });
            // the user: reconstruct
            SharedTensor s0 = ShareCodec.decodeTensor(run.out0(), 0, graph.outputShape());
            SharedTensor s1 = ShareCodec.decodeTensor(run.out1(), 1, graph.outputShape());
            assertArrayEquals(graph.outputShape(), s0.shape());
            return SharedTensor.reconstruct(s0, s1).values();
        }
    }
}
