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
 * @param names   further host names or addresses clients use to reach the node (put into its certificate)
 */
public record NodeConfig(int party, String host, int port, Path dataDir, String secret, URI peer, URI dealer,
                         Duration timeout, java.util.List<String> names) {

    public NodeConfig {
        names = names == null ? java.util.List.of() : java.util.List.copyOf(names);
    }

    /** The names and addresses for the node's certificate: the bind address (unless a wildcard) and the extra names. */
    public java.util.List<String> dnsNames() {
        java.util.List<String> l = new java.util.ArrayList<>();
        for (String n : all()) {
            if (!isIp(n) && !n.equals("localhost")) {
                l.add(n);
            }
        }
        return l;
    }

    public java.util.List<String> ipAddresses() {
        java.util.List<String> l = new java.util.ArrayList<>();
        for (String n : all()) {
            if (isIp(n) && !n.equals("0.0.0.0") && !n.equals("::")) {
                l.add(n);
            }
        }
        return l;
    }

    private java.util.List<String> all() {
        java.util.List<String> l = new java.util.ArrayList<>(names);
        l.add(0, host);
        return l;
    }

    private static boolean isIp(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public String commonName() {
        return party < 0 ? "sonic-dealer" : "sonic-party-" + party;
    }
}
