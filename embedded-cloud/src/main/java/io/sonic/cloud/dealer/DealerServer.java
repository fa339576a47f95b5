package io.sonic.cloud.dealer;

import io.sonic.cloud.server.ApiException;
import io.sonic.cloud.server.Http;
import io.sonic.cloud.server.JsonHandler;
import io.sonic.cloud.server.JettyNodes;
import io.sonic.cloud.server.NodeConfig;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.cloud.tls.NodeIdentity;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The dealer as its own HTTPS service. Only the cluster's two servers may use it (mutual TLS with
 * cluster certificates); it answers with binary seeds and corrections, never with private values,
 * because it has none.
 */
public final class DealerServer implements AutoCloseable {
    private final NodeConfig config;
    private final ClusterTrust trust;
    private final NodeIdentity identity;
    private final DealerService service;
    private final JettyNodes.Built jetty;

    public DealerServer(NodeConfig config) {
        this.config = config;
        this.trust = ClusterTrust.fromSecret(config.secret());
        this.identity = NodeIdentity.loadOrCreate(config.dataDir(), trust, "sonic-dealer", config.dnsNames(),
                config.ipAddresses());
        this.service = new DealerService(config.dataDir());
        this.jetty = JettyNodes.newServer("sonic-dealer", config.host(), config.port(), identity.jettyServer());
        jetty.server().setHandler(new Api());
    }

    public DealerServer start() throws Exception {
        jetty.server().start();
        return this;
    }

    public URI url() {
        boolean wildcard = config.host().equals("0.0.0.0") || config.host().equals("::");
        String host = wildcard ? (config.names().isEmpty() ? "127.0.0.1" : config.names().get(0)) : config.host();
        return URI.create("https://" + host + ":" + jetty.connector().getLocalPort());
    }

    public String fingerprint() {
        return identity.fingerprint();
    }

    public String caFingerprint() {
        return trust.caFingerprint();
    }

    @Override
    public void close() {
        try {
            jetty.server().stop();
        } catch (Exception ignored) {
            // stopping anyway
        }
    }

    private final class Api extends JsonHandler {
        @Override
        protected void route(Request request, Response response, Callback callback) {
            String[] p = Request.getPathInContext(request).replaceAll("^/+|/+$", "").split("/");
            String method = request.getMethod();
            if (p.length == 2 && p[0].equals("v1") && p[1].equals("health") && method.equals("GET")) {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("status", "ok");
                h.put("role", "dealer");
                h.put("fingerprint", identity.fingerprint());
                h.put("clusterCa", trust.caFingerprint());
                h.put("structures", service.structureCount());
                h.put("pendingDeals", service.pendingDeals());
                Http.sendJson(response, callback, 200, h);
                return;
            }
            Http.requireNode(request, trust, "sonic-party-0", "sonic-party-1");
            // a server gets only its own party's randomness: the party comes from its certificate
            int caller = "sonic-party-1".equals(io.sonic.cloud.tls.ClientTrust.commonName(
                    Http.clientCertificates(request)[0])) ? 1 : 0;
            if (p.length == 3 && p[0].equals("v1") && p[1].equals("structures") && method.equals("PUT")) {
                service.putStructure(p[2], Http.body(request, 16 * 1024 * 1024));
                Http.sendJson(response, callback, 201, Map.of("structure", p[2]));
            } else if (p.length == 3 && p[0].equals("v1") && p[1].equals("deals") && method.equals("POST")) {
                UUID session;
                try {
                    session = UUID.fromString(p[2]);
                } catch (IllegalArgumentException e) {
                    throw new ApiException(400, "a session id is a UUID");
                }
                DealRequest req = Http.json(Http.body(request, 64 * 1024), DealRequest.class);
                if (req.party() != caller) {
                    throw new ApiException(403, "server " + caller + " may fetch only its own randomness");
                }
                Http.sendBytes(response, callback, service.deal(session, req));
            } else if (p.length == 3 && p[0].equals("v1") && p[1].equals("masks") && method.equals("GET")) {
                if (!service.knows(p[2])) {
                    throw new ApiException(404, "unknown structure " + p[2]);
                }
                DealerService.Masks m = service.masks(p[2]);
                Http.sendJson(response, callback, 200, Map.of("generation", m.generation(),
                        "seed", Base64.getEncoder().encodeToString(m.seeds().seed(caller))));
            } else {
                throw new ApiException(404, "no such dealer endpoint");
            }
        }
    }
}
