package io.sonic.cloud.server;

import io.sonic.cloud.wire.BadPayloadException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * A Jetty handler of one API resource whose failures become JSON error answers: {@link ApiException}
 * with its status, {@link BadPayloadException} as 400, an OutOfMemoryError as 503, anything else as 500
 * naming only the exception's type. Bodies are read without parking a thread ({@link #withBody}).
 */
public abstract class JsonHandler extends Handler.Abstract {
    /** What to do with a body once it has arrived. */
    @FunctionalInterface
    public interface BodyAction {
        void accept(byte[] body) throws Exception;
    }

    @Override
    public final boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response, callback);
        } catch (Throwable e) {
            fail(response, callback, e);
        }
        return true;
    }

    /** Answers the request, now or later (or throws one of the exceptions above). */
    protected abstract void route(Request request, Response response, Callback callback) throws Exception;

    /** Answers a failure as JSON (see the class description). */
    public static void fail(Response response, Callback callback, Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (response.isCommitted()) {
            callback.failed(t);
            return;
        }
        if (t instanceof ApiException a) {
            Http.sendError(response, callback, a);
        } else if (t instanceof BadPayloadException) {
            Http.sendError(response, callback, 400, t.getMessage());
        } else if (t instanceof OutOfMemoryError) {
            Http.sendError(response, callback, ApiException.busy("the server ran out of memory for this request;"
                    + " retry later", 10));
        } else {
            Http.sendError(response, callback, 500, "internal error (" + t.getClass().getSimpleName() + ")");
        }
    }

    /** Reads the body (see {@link Http#body}), then runs {@code then} on it; failures of either are answered. */
    protected static void withBody(Request request, Response response, Callback callback, long max,
                                   ServerLimits limits, BodyAction then) {
        withBody(request, response, callback, max, limits, then, () -> { });
    }

    /** As {@link #withBody(Request, Response, Callback, long, ServerLimits, BodyAction)}, then runs {@code after}. */
    protected static void withBody(Request request, Response response, Callback callback, long max,
                                   ServerLimits limits, BodyAction then, Runnable after) {
        Http.body(request, max, limits).whenComplete((body, failure) -> {
            try {
                if (failure != null) {
                    fail(response, callback, failure);
                    return;
                }
                then.accept(body);
            } catch (Throwable e) {
                fail(response, callback, e);
            } finally {
                after.run();
            }
        });
    }

    /** The request's canonical path (the nodes serve no context path). */
    protected static String path(Request request) {
        String p = request.getHttpURI().getCanonicalPath();
        return p == null ? "/" : p;
    }

    /** The path's segments, empty ones (leading, trailing or doubled slashes) left out. */
    protected static List<String> segments(Request request) {
        List<String> s = new ArrayList<>(Arrays.asList(path(request).split("/")));
        s.removeIf(String::isEmpty);
        return s;
    }

    /** 405 naming the methods this path takes unless the request uses one of them. */
    protected static void allow(Request request, String what, String... methods) {
        for (String m : methods) {
            if (m.equals(request.getMethod())) {
                return;
            }
        }
        String list = methods.length == 1 ? methods[0]
                : String.join(", ", Arrays.copyOf(methods, methods.length - 1)) + " or " + methods[methods.length - 1];
        throw new ApiException(405, "use " + list + " " + what);
    }

    protected static ApiException noSuchEndpoint(Request request) {
        return new ApiException(404, "no such endpoint: " + request.getMethod() + " "
                + io.sonic.cloud.api.ApiJson.printable(path(request)) + " (see docs/api.md)");
    }
}
