package io.sonic.cloud.dealer;

import io.sonic.cloud.api.DealerHealth;
import io.sonic.cloud.api.MaskAnswer;
import io.sonic.cloud.api.StructureStored;
import io.sonic.cloud.server.ApiException;
import io.sonic.cloud.server.Http;
import io.sonic.cloud.server.JsonHandler;
import io.sonic.cloud.server.JettyNodes;
import io.sonic.cloud.server.NodeConfig;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.cloud.tls.NodeIdentity;
import io.sonic.cloud.wire.GraphCodec;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.util.Base64;
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
        this.jetty = JettyNodes.newServer("sonic-dealer", config.host(), config.port(), identity.jettyServer(),
                config.limits());
        jetty.server().setHandler(new Api());
    }

    public DealerServer start() throws Exception {
        jetty.server().start();
        JettyNodes.warmUpFss();
        return this;
    }

    public URI url() {
        return config.url(jetty.connector().getLocalPort());
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
            String[] p = segments(request).toArray(new String[0]);
            String method = request.getMethod();
            if (p.length == 2 && p[0].equals("v1") && p[1].equals("health") && method.equals("GET")) {
                Http.sendJson(response, callback, 200, new DealerHealth("ok", "dealer", identity.fingerprint(),
                        trust.caFingerprint(), service.structureCount(), service.pendingDeals()));
                return;
            }
            Http.requireNode(request, trust, "sonic-party-0", "sonic-party-1");
            // a server gets only its own party's randomness: the party comes from its certificate
            int caller = "sonic-party-1".equals(io.sonic.cloud.tls.ClientTrust.commonName(
                    Http.clientCertificates(request)[0])) ? 1 : 0;
            if (p.length == 3 && p[0].equals("v1") && p[1].equals("structures") && method.equals("PUT")) {
                withBody(request, response, callback, GraphCodec.MAX_BYTES, config.limits(), body -> {
                    service.putStructure(p[2], body);
                    Http.sendJson(response, callback, 201, new StructureStored(p[2]));
                });
            } else if (p.length == 3 && p[0].equals("v1") && p[1].equals("deals") && method.equals("POST")) {
                UUID session;
                try {
                    session = UUID.fromString(p[2]);
                } catch (IllegalArgumentException e) {
                    throw new ApiException(400, "a session id is a UUID");
                }
                withBody(request, response, callback, 64 * 1024, config.limits(), body -> {
                    DealRequest req = Http.json(body, DealRequest.class);
                    if (req.party() != caller) {
                        throw new ApiException(403, "server " + caller + " may fetch only its own randomness");
                    }
                    var dealt = service.deal(session, req);
                    response.setStatus(200);
                    response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE,
                            "application/octet-stream");
                    new Streamed(response, callback, DealAnswer.chunks(dealt, req.party())).iterate();
                });
            } else if (p.length == 3 && p[0].equals("v1") && p[1].equals("masks") && method.equals("GET")) {
                String key = Request.extractQueryParameters(request).getValue("key");
                if (key == null) {
                    throw new ApiException(400, "a mask request names the model version: ?key= the servers' joint mask"
                            + " key (mask seeds are kept per structure and upload, never per structure alone)");
                }
                if (!service.knows(p[2])) {
                    throw new ApiException(404, "unknown structure " + p[2]);
                }
                DealerService.Masks m = service.masks(p[2], key);
                Http.sendJson(response, callback, 200, new MaskAnswer(m.generation(),
                        Base64.getEncoder().encodeToString(m.seeds().seed(caller)), key));
            } else {
                throw new ApiException(404, "no such dealer endpoint");
            }
        }
    }

    /**
     * Writes a deal answer chunk by chunk without parking a thread: each item's keys are computed when the
     * previous chunk has been written, so the dealer holds one item at a time.
     */
    private static final class Streamed extends org.eclipse.jetty.util.IteratingCallback {
        private final Response response;
        private final Callback done;
        private final java.util.Iterator<java.nio.ByteBuffer> chunks;
        private boolean ended;

        Streamed(Response response, Callback done, java.util.Iterator<java.nio.ByteBuffer> chunks) {
            this.response = response;
            this.done = done;
            this.chunks = chunks;
        }

        @Override
        protected Action process() {
            if (ended) {
                return Action.SUCCEEDED;
            }
            if (!chunks.hasNext()) {
                ended = true;
                response.write(true, org.eclipse.jetty.util.BufferUtil.EMPTY_BUFFER, this);
            } else {
                response.write(false, chunks.next(), this);
            }
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            done.succeeded();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            done.failed(cause);
        }
    }
}
