package io.sonic.cloud.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to start one cloud node.
 *
 * @param party   0 or 1 for a server, -1 for the dealer
 * @param host    address to bind (and to put into the certificate)
 * @param port    port to bind, 0 for an ephemeral one
 * @param dataDir where the node keeps its certificate, model shares or mask seeds
 * @param secret  the cluster secret shared by the two servers and the dealer
 * @param peer    server 1: URL of server 0 (it dials the link); server 0: may be null
 * @param dealer  URL of the dealer (servers only)
 * @param timeout the longest wait for the peer in a session
 */
public record NodeConfig(int party, String host, int port, Path dataDir, String secret, URI peer, URI dealer,
                         Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public String commonName() {
        return party < 0 ? "sonic-dealer" : "sonic-party-" + party;
    }
}
