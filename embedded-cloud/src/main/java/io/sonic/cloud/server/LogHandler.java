package io.sonic.cloud.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /v1/log?after=N}: the node's log entries after N (at most 200 at a time). */
final class LogHandler extends JsonHandler {
    private final NodeLog log;

    LogHandler(NodeLog log) {
        this.log = log;
    }

    @Override
    protected void route(Request request, Response response, Callback callback) {
        if (segments(request).size() != 2) {
            throw noSuchEndpoint(request);
        }
        allow(request, "here", "GET");
        long after = 0;
        Fields q = Request.extractQueryParameters(request);
        String a = q.getValue("after");
        if (a != null) {
            try {
                after = Long.parseLong(a);
            } catch (NumberFormatException e) {
                throw new ApiException(400, "after must be a sequence number, not '" + io.sonic.cloud.api.ApiJson.printable(a)
                        + "'");
            }
        }
        Http.sendJson(response, callback, 200, log.after(after, 200));
    }
}
