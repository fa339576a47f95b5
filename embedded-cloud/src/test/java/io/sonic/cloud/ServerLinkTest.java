package io.sonic.cloud;

import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.engine.CostModel;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.net.LinkProfile;
import io.sonic.model.ModelGraph;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers started with a simulated link (serve --link) apply it to every session that asks for none, and
 * say so; a session that asks for another gets that one.
 */
class ServerLinkTest {
    @Test
    void theServersOwnLinkAppliesUnlessTheSessionAsksForAnother() throws Exception {
        LinkProfile own = LinkProfile.parse("latency=2ms,bandwidth=500mbit");
        LinkProfile asked = LinkProfile.parse("latency=4ms");
        try (LocalCloud cloud = LocalCloud.start(null, own)) {
            CloudClient client = cloud.client();
            SampleModels m1 = new SampleModels("mnist-m1");
            ModelGraph g = m1.graph();
            client.upload(g, "m1", "owner", SecureConfig.DEFAULT.fixedPoint(), m1.inputRange());
            long rounds = CostModel.total(g, SecureConfig.DEFAULT).rounds();
            InferenceResult r = client.infer("m1", m1.inputs().get(0), SecureConfig.DEFAULT, e -> { });
            assertEquals(own, r.link(), "a session asking for no simulated link gets the servers' own");
            assertTrue(r.onlineNanos() >= own.networkNanos(rounds, r.online().bytesSent()), r.onlineNanos() / 1e6
                    + " ms online: the servers did not simulate their link");
            InferenceResult other = client.infer("m1", m1.inputs().get(0), SecureConfig.DEFAULT.withLink(asked),
                    e -> { });
            assertEquals(asked, other.link());
            assertTrue(other.onlineNanos() >= asked.networkNanos(rounds, other.online().bytesSent()));
            assertEquals(r.online(), other.online(), "the same traffic on every link");
        }
    }
}
