package io.sonic.cloud.server;

import io.sonic.cloud.api.ApiError;
import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.api.MaskAnswer;
import io.sonic.cloud.dealer.DealRequest;
import io.sonic.engine.crypto.Prg;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/** A server's client of the dealer service (mutual TLS with the server's node certificate). */
final class DealerClient {
    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    DealerClient(URI base, SSLContext tls, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout).build();
    }

    URI base() {
        return base;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder b) {
        return send(b, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> body) {
        return send(b, body, timeout);
    }

    /**
     * How long a server waits for the dealer to start a deal's answer: the dealer traces the plan of a model
     * it has not dealt before first, which takes seconds for a large network (ResNet-18: 2–5 s).
     */
    static final Duration DEAL_ANSWER_WAIT = Duration.ofMinutes(2);

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> body, Duration wait) {
        try {
            return http.send(b.timeout(wait).build(), body);
        } catch (java.net.http.HttpConnectTimeoutException e) {
            throw new ApiException(502, "the dealer at " + base + " is unreachable (no connection within "
                    + timeout.toSeconds() + " s)");
        } catch (java.net.http.HttpTimeoutException e) {
            throw new ApiException(504, "the dealer at " + base + " did not answer within " + wait.toSeconds() + " s");
        } catch (IOException e) {
            throw new ApiException(502, "the dealer at " + base + " is unreachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while talking to the dealer");
        }
    }

    private static String error(HttpResponse<byte[]> r) {
        try {
            ApiError e = ApiJson.answer(r.body(), ApiError.class);
            return e.error() != null ? e.error() : "HTTP " + r.statusCode();
        } catch (RuntimeException e) {
            return "HTTP " + r.statusCode();
        }
    }

    boolean health() {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/v1/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * This server's part of a session's correlated randomness, as a stream the caller reads item by item and
     * closes; registers the structure if the dealer lacks it.
     */
    java.io.InputStream deal(UUID session, DealRequest req, byte[] structureJson) {
        byte[] body = ApiJson.write(req);
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<java.io.InputStream> r = send(HttpRequest.newBuilder(base.resolve("/v1/deals/" + session))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                    HttpResponse.BodyHandlers.ofInputStream(), timeout.compareTo(DEAL_ANSWER_WAIT) > 0 ? timeout
                            : DEAL_ANSWER_WAIT);
            if (r.statusCode() == 200) {
                return r.body();
            }
            String why = error(r.statusCode(), r.body());
            if (r.statusCode() == 404 && attempt == 0) {
                HttpResponse<byte[]> p = send(HttpRequest.newBuilder(base.resolve("/v1/structures/" + req.structureHash()))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(structureJson)));
                if (p.statusCode() / 100 != 2) {
                    throw new ApiException(502, "the dealer refused the model structure: " + error(p));
                }
                continue;
            }
            if (r.statusCode() == 409 && req.maskGeneration() != null) {
                throw new MasksRenewed("the dealer refused: " + why);
            }
            throw new ApiException(502, "the dealer refused: " + why);
        }
        throw new ApiException(502, "the dealer did not accept the model structure");
    }

    /**
     * A mask-reuse deal refused with 409: mostly because the dealer no longer keeps the mask generation it names
     * (it forgot or renewed the seeds); the server then sets the masks up again at the next query, which costs
     * one mask opening even where the conflict was another (randomness fetched twice, servers that disagree).
     */
    static final class MasksRenewed extends ApiException {
        MasksRenewed(String message) {
            super(502, message);
        }
    }

    /** The error message of a refused answer (its first 64 KiB), the stream closed. */
    private static String error(int status, java.io.InputStream body) {
        try (body) {
            ApiError e = ApiJson.answer(body.readNBytes(64 * 1024), ApiError.class);
            return e.error() != null ? e.error() : "HTTP " + status;
        } catch (IOException | RuntimeException e) {
            return "HTTP " + status;
        }
    }

    /** This server's mask seed for a model version and the generation of the version's mask seeds. */
    record MaskSeed(String generation, byte[] seed) {
    }

    /**
     * This server's mask seed for one stored model version (mask-reuse mode): {@code maskKey} is the two
     * servers' joint mask key of the version, 64 hexadecimal digits.
     */
    MaskSeed masks(String structureHash, String maskKey, byte[] structureJson) {
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<byte[]> r = send(HttpRequest.newBuilder(
                    base.resolve("/v1/masks/" + structureHash + "?key=" + maskKey)).GET());
            if (r.statusCode() == 200) {
                MaskAnswer a;
                try {
                    a = ApiJson.answer(r.body(), MaskAnswer.class);
                } catch (RuntimeException e) {
                    throw new ApiException(502, "the dealer's mask answer is malformed");
                }
                if (!maskKey.equals(a.key())) {
                    // an older dealer ignores the key and answers with seeds kept per structure: never use them
                    throw new ApiException(502, "the dealer at " + base + " does not keep mask seeds per upload (an older"
                            + " Sonic); run the same version on all nodes before using mask-reuse mode");
                }
                try {
                    byte[] seed = Base64.getDecoder().decode(a.seed());
                    if (a.generation() == null || a.generation().isEmpty() || seed.length != Prg.SEED_BYTES) {
                        throw new IllegalArgumentException("no generation or a seed of the wrong length");
                    }
                    return new MaskSeed(a.generation(), seed);
                } catch (RuntimeException e) {
                    throw new ApiException(502, "the dealer's mask answer is malformed");
                }
            }
            if (r.statusCode() == 404 && attempt == 0) {
                send(HttpRequest.newBuilder(base.resolve("/v1/structures/" + structureHash))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(structureJson)));
                continue;
            }
            throw new ApiException(502, "the dealer refused the mask request: " + error(r));
        }
        throw new ApiException(502, "the dealer did not accept the model structure");
    }
}
