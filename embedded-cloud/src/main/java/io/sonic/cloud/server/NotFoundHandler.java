package io.sonic.cloud.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Every path no resource handler takes: 404 in the API's JSON form. */
final class NotFoundHandler extends JsonHandler {
    @Override
    protected void route(Request request, Response response, Callback callback) {
        throw noSuchEndpoint(request);
    }
}
