package io.sonic.desktop.cloud;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Tasks;
import io.sonic.desktop.app.Bytes;
import io.sonic.desktop.app.OpenModel;
import io.sonic.desktop.flow.MessageFlow;
import io.sonic.desktop.inference.InferenceViewModel;
import io.sonic.engine.InputRange;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ot.OtPreprocessing;
import io.sonic.engine.ot.OtSession;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.eval.FloatEvaluator;
import io.sonic.model.onnx.OnnxImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Cloud screen's view-model with real local servers, without JavaFX. */
class CloudViewModelTest {

    @Test
    void connectSaysWhyItCannotBePressed() {
        CloudViewModel vm = new CloudViewModel(new AppState(), Tasks.direct());
        assertTrue(vm.connectBlockedProperty().get().startsWith("Enter server 0's URL"),
                vm.connectBlockedProperty().get());
        vm.url0Property().set("http://a:1");
        assertEquals("server 0's URL must look like https://host:port.", vm.connectBlockedProperty().get());
        vm.url0Property().set("https://a:1");
        assertTrue(vm.connectBlockedProperty().get().startsWith("Enter server 1's URL"));
        vm.url1Property().set("https://A:1 ");
        assertTrue(vm.connectBlockedProperty().get().startsWith("The two URLs are the same"));
        vm.url1Property().set("https://b:1");
        assertEquals("", vm.connectBlockedProperty().get());
        vm.url1Property().set("https://b:1 x");
        assertTrue(vm.connectBlockedProperty().get().contains("not a URL"), vm.connectBlockedProperty().get());
    }

    @Test
    void theLogsAreTheServersOwnAndTheDealerHasALight() throws Exception {
        AppState state = new AppState();
        CloudViewModel vm = new CloudViewModel(state, Tasks.direct());
        assertEquals(CloudViewModel.Light.OFF, vm.dealerLightProperty().get());
        vm.startLocal();
        try {
            CloudClient client = state.cloudProperty().get();
            assertNotNull(client, vm.errorProperty().get());
            assertEquals("Servers are already connected; stop or disconnect them first.", vm.startBlockedProperty().get());
            assertTrue(vm.connectBlockedProperty().get().startsWith("Already connected"));
            waitFor(vm, () -> vm.log(0).stream().anyMatch(l -> l.contains("link to server 1 is up")));
            assertEquals(CloudViewModel.Light.GOOD, vm.lightProperty(0).get());
            assertEquals(CloudViewModel.Light.GOOD, vm.lightProperty(1).get());
            waitFor(vm, () -> vm.dealerLightProperty().get() == CloudViewModel.Light.GOOD);
            assertTrue(vm.dealerStatusProperty().get().endsWith("reachable from both servers"),
                    vm.dealerStatusProperty().get());
            assertTrue(vm.log(0).get(0).contains("[app] started in this process"), vm.log(0).get(0));

            // a short query between two polls still shows, as the servers log it
            Path m = Path.of(System.getProperty("sonic.root", ".."), "sample-models", "breast-cancer",
                    "breast-cancer.onnx");
            client.upload(OnnxImporter.read(m), "bc", CloudClient.newToken(), FixedPoint.DEFAULT,
                    new InputRange(-5, 15));
            client.infer("bc", new float[30], SecureConfig.DEFAULT, e -> { });
            waitFor(vm, () -> vm.log(1).stream().anyMatch(l -> l.matches(".*session .* done.*")));
            assertTrue(vm.log(0).stream().anyMatch(l -> l.contains("model 'bc'")), String.join("\n", vm.log(0)));
            // after the query the servers fetch the next queries' randomness ahead, and the status says so
            waitFor(vm, () -> vm.statusProperty(0).get().contains("queries' randomness fetched ahead"));
            assertTrue(vm.statusProperty(0).get().contains("link to the other server connected, 1 model(s)"),
                    "servers on loopback simulate no network: " + vm.statusProperty(0).get());
            vm.poll();
            int lines = vm.log(0).size();
            vm.poll();
            assertEquals(lines, vm.log(0).size(), "a poll adds only new entries");
        } finally {
            vm.stopNow();
        }
        assertNull(state.cloudProperty().get());
        assertEquals(CloudViewModel.Light.OFF, vm.lightProperty(0).get());
        assertEquals(CloudViewModel.Light.OFF, vm.dealerLightProperty().get());
        assertTrue(vm.log(0).get(vm.log(0).size() - 1).contains("[app] stopped by this app"));
        assertFalse(vm.connectedProperty().get());
    }

    @Test
    void withoutADealerTheServersMakeTheRandomnessAndTheInferenceTabFollows() throws Exception {
        AppState state = new AppState();
        Path file = Path.of(System.getProperty("sonic.root", ".."), "sample-models", "mnist-m1", "mnist-m1.onnx");
        OpenModel m = OpenModel.of(file, OnnxImporter.read(file));
        state.configProperty().set(SecureConfig.DEFAULT.withFractionBits(m.fractionBits()));
        state.modelProperty().set(m);
        CloudViewModel vm = new CloudViewModel(state, Tasks.direct());
        InferenceViewModel inference = new InferenceViewModel(state, Tasks.direct());
        assertEquals(SecureConfig.Preprocessing.DEALER, inference.preprocessingProperty().get());
        vm.withoutDealerProperty().set(true);
        vm.startLocal();
        try {
            assertNotNull(state.cloudProperty().get(), vm.errorProperty().get());
            assertNull(vm.localCloud().dealerUrl(), "no dealer process was started");
            assertTrue(state.noDealerProperty().get());
            assertEquals(SecureConfig.Preprocessing.OT, inference.preprocessingProperty().get(),
                    "servers without a dealer: the tab switches to randomness made by the servers");
            waitFor(vm, () -> vm.lightProperty(0).get() == CloudViewModel.Light.GOOD
                    && vm.lightProperty(1).get() == CloudViewModel.Light.GOOD);
            assertEquals(CloudViewModel.Light.OFF, vm.dealerLightProperty().get());
            assertEquals(CloudViewModel.NO_DEALER, vm.dealerStatusProperty().get());
            assertTrue(state.noDealerProperty().get(), "the servers' status says they have no dealer");

            // what the servers would refuse is refused on the tab, before anything is sent
            inference.preprocessingProperty().set(SecureConfig.Preprocessing.DEALER);
            assertTrue(inference.blockedProperty().get().startsWith("These servers run without a dealer"),
                    inference.blockedProperty().get());
            inference.preprocessingProperty().set(SecureConfig.Preprocessing.OT);
            inference.suiteProperty().set(SecureConfig.Suite.FSS);
            assertTrue(inference.blockedProperty().get().startsWith("The FSS suite needs a dealer"),
                    inference.blockedProperty().get());
            inference.suiteProperty().set(SecureConfig.Suite.SONIC);
            assertEquals("", inference.blockedProperty().get());

            SecureConfig cfg = inference.config();
            List<io.sonic.engine.dealer.Need<?>> plan = io.sonic.engine.Plan.of(m.graph(), cfg);
            long from0 = OtPreprocessing.bytesSent(plan, 0);
            long from1 = OtPreprocessing.bytesSent(plan, 1);
            long[] perLayer = OtPreprocessing.bytesPerLayer(plan, m.graph().layers().size());
            for (int k = 0; k < 2; k++) {
                inference.run();
                InferenceViewModel.RunOutcome o = inference.outcomeProperty().get();
                assertNotNull(o, inference.statusProperty().get());
                assertEquals(InferenceViewModel.Ending.DONE, o.ending(), o.message());
                assertEquals(SecureConfig.Preprocessing.OT, o.config().preprocessing());
                assertEquals(new FloatEvaluator(m.graph()).run(m.samples().inputs().get(0)).argmax(),
                        o.result().predictedLabel());
                // the link's base OTs are made on its first query only
                long setup = k == 0 ? OtSession.SETUP_BYTES_EACH_WAY : 0;
                Traffic made = o.result().preprocessing();
                assertEquals(from0 + setup, made.bytesSent(), "query " + k);
                assertEquals(from1 + setup, made.bytesReceived(), "query " + k);
                assertEquals(OtPreprocessing.rounds(plan) + (k == 0 ? OtSession.SETUP_ROUNDS : 0), made.rounds());
                assertEquals(0, o.result().offlineBytes(), "nothing came from a dealer");
                assertTrue(o.text().contains("offline no dealer: the servers sent each other "
                        + Bytes.human(from0 + from1 + 2 * setup) + " in " + made.rounds() + " rounds"), o.text());
                for (InferenceViewModel.LayerCard c : inference.pipeline()) {
                    assertEquals(perLayer[c.index], c.stat().offlineBytes(), "card " + c.index);
                }
            }
            // a layer's explanation and its message flow draw the offline phase between the servers
            InferenceViewModel.LayerCard gemm = inference.pipeline().get(0);
            inference.select(gemm.index);
            assertTrue(inference.stepTextProperty().get().contains("before the query the servers sent each other "
                    + Bytes.exact(perLayer[gemm.index]) + " to make its randomness"), inference.stepTextProperty().get());
            MessageFlow flow = inference.flowProperty().get();
            assertNotNull(flow);
            assertEquals(perLayer[gemm.index], flow.offlineBytes());
            assertEquals(0, flow.seedBytes(), "no dealer, no seeds");
            assertTrue(flow.byServers());
            for (int p = 0; p < 2; p++) {
                for (MessageFlow.Knowledge k : flow.knows(p)) {
                    assertFalse((k.value() + k.caption()).contains("dealer"), "server " + p + ": " + k);
                }
            }
            assertTrue(inference.stepTextProperty().get().contains("No dealer in this run"),
                    inference.stepTextProperty().get());
            assertTrue(flow.messages().stream().noneMatch(x -> x.from() == MessageFlow.Lane.DEALER
                    || x.to() == MessageFlow.Lane.DEALER), "nothing to or from a dealer");
            assertTrue(flow.messages().stream().anyMatch(x -> x.kind() == MessageFlow.Kind.OFFLINE
                    && x.from() == MessageFlow.Lane.SERVER0 && x.to() == MessageFlow.Lane.SERVER1
                    && x.what().startsWith("oblivious transfers")), flow.messages().toString());
        } finally {
            vm.stopNow();
        }
        assertFalse(state.noDealerProperty().get());
        assertEquals(SecureConfig.Preprocessing.DEALER, inference.preprocessingProperty().get());
    }

    @Test
    void connectedServersWithoutADealerAreRecognisedFromTheirStatus() throws Exception {
        try (LocalCloud elsewhere = LocalCloud.start(null, io.sonic.engine.net.LinkProfile.LOOPBACK, false)) {
            AppState state = new AppState();
            CloudViewModel vm = new CloudViewModel(state, Tasks.direct());
            InferenceViewModel inference = new InferenceViewModel(state, Tasks.direct());
            vm.connected(elsewhere.client(), "remote servers");
            waitFor(vm, () -> vm.lightProperty(0).get() == CloudViewModel.Light.GOOD);
            assertTrue(state.noDealerProperty().get());
            assertEquals(CloudViewModel.NO_DEALER, vm.dealerStatusProperty().get());
            assertEquals(SecureConfig.Preprocessing.OT, inference.preprocessingProperty().get());
            vm.stop();
            assertFalse(state.noDealerProperty().get());
        }
    }

    @Test
    void aServersOwnSimulatedNetworkIsNamedInWords() {
        assertEquals(" (simulating wan: 20 ms one way, 100 Mbit/s)", CloudViewModel.simulated("wan"));
        assertEquals(" (simulating custom: 5 ms one way, 50 Mbit/s)",
                CloudViewModel.simulated("latency=5ms,bandwidth=50mbit"));
        assertEquals("", CloudViewModel.simulated("loopback"));
        assertEquals("", CloudViewModel.simulated(null), "a server too old to say");
        assertEquals(" (simulating an unknown network 'moon')", CloudViewModel.simulated("moon"));
    }

    private static void waitFor(CloudViewModel vm, java.util.function.BooleanSupplier c) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            vm.poll();
            if (c.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; logs: " + List.of(vm.log(0), vm.log(1)));
            }
            Thread.sleep(100);
        }
    }
}
