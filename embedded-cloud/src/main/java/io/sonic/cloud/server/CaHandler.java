package io.sonic.cloud.server;

import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.tls.ClusterTrust;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /v1/ca}: the cluster CA certificate (PEM), for clients to pin by its fingerprint. */
final class CaHandler extends JsonHandler {
    private final String pem;

    CaHandler(ClusterTrust trust) {
        this.pem = ClientTrust.toPem(trust.caCertificate());
    }

    @Override
    protected void route(Request request, Response response, Callback callback) {
        if (segments(request).size() != 2) {
            throw noSuchEndpoint(request);
        }
        allow(request, "here", "GET");
        Http.sendText(response, callback, 200, "application/x-pem-file", pem);
    }
}
