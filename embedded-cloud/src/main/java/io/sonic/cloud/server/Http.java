package io.sonic.cloud.server;

import io.sonic.cloud.api.ApiError;
import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.tls.ClusterTrust;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for Jetty 12 core handlers: bodies read without parking a thread, JSON and binary answers, errors. */
public final class Http {
    private static final Pattern METHODS = Pattern.compile("use ((?:GET|PUT|POST|DELETE)"
            + "(?:(?:, | or )(?:GET|PUT|POST|DELETE))*)");

    /** Request attribute set once {@link #body} has read the whole body. */
    private static final String BODY_READ = "sonic.bodyRead";

    private Http() {
    }

    /**
     * Reads a request body asynchronously: no thread waits while it arrives. Refuses a body longer than
     * {@code max} bytes (413, before reading when its Content-Length says so) and one that has not
     * arrived within {@link ServerLimits#bodyTimeout} of its length (408). The future completes with an
     * {@link ApiException} on failure.
     */
    public static CompletableFuture<byte[]> body(Request request, long max, ServerLimits limits) {
        long declared = request.getLength();
        if (declared > max) {
            return CompletableFuture.failedFuture(new ApiException(413, "payload of " + declared
                    + " bytes exceeds the limit of " + max + " bytes"));
        }
        BodyReader reader = new BodyReader(request, max, declared);
        Duration timeout = limits.bodyTimeout(declared >= 0 ? declared : max);
        Scheduler.Task deadline = request.getComponents().getScheduler().schedule(() -> reader.fail(
                new ApiException(408, "the request body did not arrive within " + timeout.toSeconds()
                        + " s (at least " + limits.minBodyRate() / 1024 + " KiB/s are needed)")),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        reader.result.whenComplete((b, e) -> deadline.cancel());
        reader.run();
        return reader.result;
    }

    /** Reads chunks as they arrive, on whichever thread Jetty delivers them; never blocks. */
    private static final class BodyReader implements Runnable {
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final Request request;
        private final long max;
        private final AtomicBoolean done = new AtomicBoolean();
        private byte[] buffer;
        private int size;

        BodyReader(Request request, long max, long declared) {
            this.request = request;
            this.max = max;
            // a declared length (already checked against max) is allocated once; otherwise grow as needed
            this.buffer = new byte[(int) (declared >= 0 ? declared : Math.min(max, 4096))];
        }

        void fail(ApiException e) {
            if (done.compareAndSet(false, true)) {
                result.completeExceptionally(e);
            }
        }

        @Override
        public void run() {
            while (!done.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                try {
                    if (Content.Chunk.isFailure(chunk)) {
                        Throwable t = chunk.getFailure();
                        fail(t instanceof java.util.concurrent.TimeoutException
                                ? new ApiException(408, "the request body did not arrive in time (idle connection)")
                                : new ApiException(400, "the request body could not be read: it ended before its"
                                + " length, or its chunked encoding is malformed"));
                        return;
                    }
                    ByteBuffer b = chunk.getByteBuffer();
                    long needed = (long) size + b.remaining();
                    if (needed > max) {
                        fail(new ApiException(413, "payload exceeds the limit of " + max + " bytes"));
                        return;
                    }
                    if (needed > buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min(max, Math.max(needed, 2L * buffer.length)));
                    }
                    int n = b.remaining();
                    b.get(buffer, size, n);
                    size += n;
                    if (chunk.isLast() && done.compareAndSet(false, true)) {
                        request.setAttribute(BODY_READ, Boolean.TRUE);
                        result.complete(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                        return;
                    }
                } finally {
                    chunk.release();
                }
            }
        }
    }

    /** A request body as the record {@code type}, read strictly; 400 naming what is wrong otherwise. */
    public static <T> T json(byte[] body, Class<T> type) {
        try {
            return ApiJson.request(body, type);
        } catch (ApiJson.MalformedJsonException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    public static void sendJson(Response response, Callback callback, int status, Object value) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(ApiJson.write(value)), callback);
    }

    public static void sendBytes(Response response, Callback callback, byte[] bytes) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    public static void sendText(Response response, Callback callback, int status, String contentType, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * A JSON error {"status": N, "error": "..."}; a 405 also lists the allowed methods (Allow header)
     * when the message names them, a busy answer carries Retry-After.
     */
    public static void sendError(Response response, Callback callback, ApiException e) {
        if (e.status() == 405) {
            Matcher m = METHODS.matcher(e.getMessage());
            if (m.find()) {
                response.getHeaders().put(HttpHeader.ALLOW, m.group(1).replace(" or ", ", "));
            }
        }
        if (e.retryAfterSeconds() > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
        }
        Request request = response.getRequest();
        boolean unreadBody = request != null && request.getAttribute(BODY_READ) == null
                && (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
        if (e.status() == 408 || e.status() == 413 || unreadBody) {
            // refused before its body was read: the connection cannot carry another request, and the client
            // must not reuse it
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        sendJson(response, callback, e.status(), new ApiError(e.status(), e.getMessage()));
    }

    public static void sendError(Response response, Callback callback, int status, String message) {
        sendError(response, callback, new ApiException(status, message));
    }

    public static String bearer(Request request) {
        return Tokens.bearer(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    }

    /** The remote address the request came from (one "client" for per-client limits). */
    public static String clientAddress(Request request) {
        String a = Request.getRemoteAddr(request);
        return a == null ? "?" : a;
    }

    /** The TLS client certificate chain of the request, or null when the client presented none. */
    public static X509Certificate[] clientCertificates(Request request) {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        return data instanceof EndPoint.SslSessionData d ? d.peerCertificates() : null;
    }

    /** Requires a client certificate of this cluster with one of the given common names (403 otherwise). */
    public static void requireNode(Request request, ClusterTrust trust, String... commonNames) {
        X509Certificate[] chain = clientCertificates(request);
        if (chain == null || chain.length == 0 || !ClusterTrust.isClusterNode(chain, trust)) {
            throw new ApiException(403, "this endpoint is for the cluster's own nodes");
        }
        String cn = ClientTrust.commonName(chain[0]);
        for (String allowed : commonNames) {
            if (allowed.equals(cn)) {
                return;
            }
        }
        throw new ApiException(403, "node '" + cn + "' may not use this endpoint");
    }
}
