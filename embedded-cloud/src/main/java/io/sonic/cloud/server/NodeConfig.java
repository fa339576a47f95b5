package io.sonic.cloud.server;

import io.sonic.engine.net.LinkProfile;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start one cloud node.
 *
 * @param party            0 or 1 for a server, -1 for the dealer
 * @param host             address to bind (and to put into the certificate)
 * @param port             port to bind, 0 for an ephemeral one
 * @param dataDir          where the node keeps its certificate, model shares or mask seeds
 * @param secret           the cluster secret shared by the two servers and the dealer
 * @param peer             server 1: URL of server 0 (it dials the link); server 0: may be null
 * @param dealer           URL of the dealer (servers only)
 * @param timeout          the longest wait for the peer in a session
 * @param names            further host names or addresses clients use to reach the node (put into its certificate)
 * @param limits           what the node bounds (connections, bodies, store, sessions, streams)
 * @param uploadCredential who may upload models (servers); null for the one derived from the cluster secret
 * @param link             servers: the network simulated on the server-to-server link for sessions that do not
 *                         ask for one ({@link LinkProfile#LOOPBACK}: none)
 */
public record NodeConfig(int party, String host, int port, Path dataDir, String secret, URI peer, URI dealer,
                         Duration timeout, List<String> names, ServerLimits limits, String uploadCredential,
                         LinkProfile link) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public NodeConfig {
        names = names == null ? List.of() : List.copyOf(names);
        limits = limits == null ? ServerLimits.DEFAULT : limits;
        link = link == null ? LinkProfile.LOOPBACK : link;
        if (uploadCredential != null && uploadCredential.isBlank()) {
            throw new IllegalArgumentException("an upload credential must not be blank");
        }
    }

    /** A node with the default limits and the upload credential derived from the secret. */
    public NodeConfig(int party, String host, int port, Path dataDir, String secret, URI peer, URI dealer,
                      Duration timeout, List<String> names) {
        this(party, host, port, dataDir, secret, peer, dealer, timeout, names, null, null, null);
    }

    public NodeConfig withLimits(ServerLimits l) {
        return new NodeConfig(party, host, port, dataDir, secret, peer, dealer, timeout, names, l, uploadCredential,
                link);
    }

    public NodeConfig withLink(LinkProfile l) {
        return new NodeConfig(party, host, port, dataDir, secret, peer, dealer, timeout, names, limits,
                uploadCredential, l);
    }

    /** The names and addresses for the node's certificate: the bind address (unless a wildcard) and the extra names. */
    public List<String> dnsNames() {
        List<String> l = new ArrayList<>();
        for (String n : all()) {
            if (!isIp(n) && !n.equals("localhost")) {
                l.add(n);
            }
        }
        return l;
    }

    public List<String> ipAddresses() {
        List<String> l = new ArrayList<>();
        for (String n : all()) {
            if (isIp(n) && !isWildcard(n)) {
                l.add(n);
            }
        }
        return l;
    }

    /**
     * The https URL others use for this node, with the port it actually listens on: the bind address,
     * or for a wildcard bind the first {@code --name} (127.0.0.1 without one).
     */
    public URI url(int actualPort) {
        String h = isWildcard(host) ? (names.isEmpty() ? "127.0.0.1" : names.get(0)) : host;
        return URI.create("https://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + actualPort);
    }

    private List<String> all() {
        List<String> l = new ArrayList<>(names);
        l.add(0, host);
        return l;
    }

    private static boolean isWildcard(String h) {
        return h.equals("0.0.0.0") || h.equals("::");
    }

    private static boolean isIp(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }

    public String commonName() {
        return party < 0 ? "sonic-dealer" : "sonic-party-" + party;
    }
}
