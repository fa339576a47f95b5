package io.sonic.desktop.cloud;

import io.sonic.cloud.client.CloudClient;
import io.sonic.desktop.app.AppState;
import io.sonic.desktop.app.Tasks;
import io.sonic.engine.InputRange;
import io.sonic.engine.SecureConfig;
import io.sonic.model.eval.FixedPoint;
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
