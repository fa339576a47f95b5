package io.sonic.cloud.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonic.cloud.tls.ClusterTrust;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Small helpers for Jetty 12 core handlers: bodies with limits, JSON and binary answers, errors. */
public final class Http {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    /** The request body, refusing more than {@code max} bytes with 413. */
    public static byte[] body(Request request, int max) {
        long declared = request.getLength();
        if (declared > max) {
            throw new ApiException(413, "payload of " + declared + " bytes exceeds the limit of " + max + " bytes");
        }
        try {
            return Content.Source.asByteArrayAsync(request, max).get();
        } catch (ExecutionException e) {
            String why = String.valueOf(e.getCause().getMessage());
            throw new ApiException(why.contains("Max size") || e.getCause() instanceof IllegalArgumentException ? 413 : 400,
                    why.contains("Max size") ? "payload exceeds the limit of " + max + " bytes"
                            : "could not read the request body: " + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        }
    }

    public static <T> T json(byte[] body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (java.io.IOException e) {
            throw new ApiException(400, "the request body is not the expected JSON (" + type.getSimpleName() + ")");
        }
    }

    public static void sendJson(Response response, Callback callback, int status, Object value) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
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

    /** A JSON error {"status": N, "error": "..."}; a 405 also lists the allowed methods when the message names them. */
    public static void sendError(Response response, Callback callback, int status, String message) {
        if (status == 405) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("use ((?:GET|PUT|POST|DELETE)"
                    + "(?:(?:, | or )(?:GET|PUT|POST|DELETE))*)").matcher(message);
            if (m.find()) {
                response.getHeaders().put(HttpHeader.ALLOW, m.group(1).replace(" or ", ", "));
            }
        }
        sendJson(response, callback, status, Map.of("status", status, "error", message));
    }

    public static String bearer(Request request) {
        return Tokens.bearer(request.getHeaders().get(HttpHeader.AUTHORIZATION));
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
        String cn = io.sonic.cloud.tls.ClientTrust.commonName(chain[0]);
        for (String allowed : commonNames) {
            if (allowed.equals(cn)) {
                return;
            }
        }
        throw new ApiException(403, "node '" + cn + "' may not use this endpoint");
    }
}
