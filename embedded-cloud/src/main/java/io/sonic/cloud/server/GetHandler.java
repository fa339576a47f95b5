package io.sonic.cloud.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.function.Supplier;

/**
 * A read-only resource of one path answered with JSON from memory ({@code GET /v1/health},
 * {@code GET /v1/status}): cheap, so that it stays fast under any load.
 */
final class GetHandler extends JsonHandler {
    private final Supplier<Object> answer;

    GetHandler(Supplier<Object> answer) {
        this.answer = answer;
    }

    @Override
    protected void route(Request request, Response response, Callback callback) {
        if (segments(request).size() != 2) {
            throw noSuchEndpoint(request);
        }
        allow(request, "here", "GET");
        Http.sendJson(response, callback, 200, answer.get());
    }
}
