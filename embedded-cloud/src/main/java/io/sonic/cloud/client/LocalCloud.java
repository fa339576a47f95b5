package io.sonic.cloud.client;

import io.sonic.cloud.dealer.DealerServer;
import io.sonic.cloud.server.CloudServer;
import io.sonic.cloud.server.NodeConfig;
import io.sonic.cloud.tls.ClusterTrust;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * In-process mode: the dealer and both servers in this JVM on ephemeral loopback ports, with a fresh
 * cluster secret, talking through the very same HTTPS and WebSocket code as separate hosts do.
 */
public final class LocalCloud implements AutoCloseable {
    private final Path dataDir;
    private final boolean ownsData;
    private final DealerServer dealer;
    private final CloudServer s0;
    private final CloudServer s1;

    private LocalCloud(Path dataDir, boolean ownsData, DealerServer dealer, CloudServer s0, CloudServer s1) {
        this.dataDir = dataDir;
        this.ownsData = ownsData;
        this.dealer = dealer;
        this.s0 = s0;
        this.s1 = s1;
    }

    /** Starts the three nodes; {@code dataDir} null means a temporary folder removed on close. */
    public static LocalCloud start(Path dataDir) throws Exception {
        return start(dataDir, io.sonic.engine.net.LinkProfile.LOOPBACK);
    }

    /** The three nodes, the servers simulating {@code link} for sessions that ask for none (serve --link). */
    public static LocalCloud start(Path dataDir, io.sonic.engine.net.LinkProfile link) throws Exception {
        return start(dataDir, link, true);
    }

    /**
     * The nodes: with {@code withDealer} false, only the two servers (they make every query's randomness
     * themselves: sessions must ask for preprocessing=ot).
     */
    public static LocalCloud start(Path dataDir, io.sonic.engine.net.LinkProfile link, boolean withDealer)
            throws Exception {
        boolean owns = dataDir == null;
        Path dir = owns ? Files.createTempDirectory("sonic-local-") : dataDir;
        String secret = ClusterTrust.newSecret();
        Duration timeout = NodeConfig.DEFAULT_TIMEOUT;
        DealerServer dealer = withDealer ? new DealerServer(new NodeConfig(-1, "127.0.0.1", 0, dir.resolve("dealer"),
                secret, null, null, timeout, null)).start() : null;
        java.net.URI dealerUrl = dealer == null ? null : dealer.url();
        CloudServer s0 = new CloudServer(new NodeConfig(0, "127.0.0.1", 0, dir.resolve("server0"), secret, null,
                dealerUrl, timeout, null).withLink(link)).start();
        CloudServer s1 = new CloudServer(new NodeConfig(1, "127.0.0.1", 0, dir.resolve("server1"), secret, s0.url(),
                dealerUrl, timeout, null).withLink(link)).start();
        LocalCloud c = new LocalCloud(dir, owns, dealer, s0, s1);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!s0.link().connected() || !s1.link().connected()) {
            if (System.nanoTime() > deadline) {
                String why = s1.link().lastError();
                c.close();
                throw new IllegalStateException("the two local servers did not connect: " + why);
            }
            Thread.sleep(20);
        }
        return c;
    }

    public List<URI> serverUrls() {
        return List.of(s0.url(), s1.url());
    }

    /** The dealer's URL, or null when the servers run without one. */
    public URI dealerUrl() {
        return dealer == null ? null : dealer.url();
    }

    public String caFingerprint() {
        return s0.caFingerprint();
    }

    /** The credential the local servers take for uploads. */
    public String uploadCredential() {
        return s0.uploadCredential();
    }

    public CloudServer server(int party) {
        return party == 0 ? s0 : s1;
    }

    public DealerServer dealer() {
        return dealer;
    }

    /** A client of these servers, pinned to their cluster CA and holding their upload credential. */
    public CloudClient client() {
        return CloudClient.connect(serverUrls(), caFingerprint(), NodeConfig.DEFAULT_TIMEOUT, w -> { })
                .withUploadCredential(uploadCredential());
    }

    @Override
    public void close() {
        s1.close();
        s0.close();
        if (dealer != null) {
            dealer.close();
        }
        if (ownsData) {
            try (Stream<Path> s = Files.walk(dataDir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a temporary folder left behind is harmless
            }
        }
    }
}
