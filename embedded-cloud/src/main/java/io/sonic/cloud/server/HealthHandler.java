package io.sonic.cloud.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /v1/health}: cheap, answered from memory only, so that it stays fast under any load. */
final class HealthHandler extends JsonHandler {
    private final CloudServer server;

    HealthHandler(CloudServer server) {
        this.server = server;
    }

    @Override
    protected void route(Request request, Response response, Callback callback) {
        if (segments(request).size() != 2) {
            throw noSuchEndpoint(request);
        }
        allow(request, "here", "GET");
        Http.sendJson(response, callback, 200, server.health());
    }
}
