package io.sonic.cloud.server;

import io.sonic.cloud.wire.BadPayloadException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A Jetty handler whose failures become JSON error answers: {@link ApiException} with its status,
 * {@link BadPayloadException} as 400, anything else as 500 naming only the exception's type.
 */
public abstract class JsonHandler extends Handler.Abstract {
    @Override
    public final boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response, callback);
        } catch (ApiException e) {
            Http.sendError(response, callback, e.status(), e.getMessage());
        } catch (BadPayloadException e) {
            Http.sendError(response, callback, 400, e.getMessage());
        } catch (RuntimeException e) {
            Http.sendError(response, callback, 500, "internal error (" + e.getClass().getSimpleName() + ")");
        }
        return true;
    }

    /** Answers the request (or throws one of the exceptions above). */
    protected abstract void route(Request request, Response response, Callback callback);
}
