package io.sonic.cloud.server;

import io.sonic.cloud.api.Deleted;
import io.sonic.cloud.api.SessionCreated;
import io.sonic.cloud.api.SessionRequest;
import io.sonic.cloud.api.SessionState;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.ring.SharedTensor;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code /v1/sessions} and everything under {@code /v1/sessions/{id}}: opening a session (public, the
 * caller chooses the session token), its status, deletion (cancels it at once), input, output, event
 * stream and step-mode continue. Without a token the answer is 401; an unknown session and a wrong
 * token both get 404.
 */
final class SessionsHandler extends JsonHandler {
    private static final int MAX_REQUEST = 64 * 1024;

    private final CloudServer server;

    SessionsHandler(CloudServer server) {
        this.server = server;
    }

    @Override
    protected void route(Request request, Response response, Callback callback) {
        List<String> p = segments(request);
        if (p.size() == 2) {
            allow(request, "here", "POST");
            String token = token(request, "a session needs a token of the user's choice (Authorization: Bearer …)");
            String withInput = request.getHeaders().get(SessionRequest.HEADER);
            if (withInput != null) {
                // the session request in a header, the input share as the body: opened and started at once
                Opened o = create(request, token, Http.json(ascii(withInput), SessionRequest.class));
                input(request, response, callback, o.session(), () -> Http.sendJson(response, callback, 201,
                        new SessionCreated(o.session().id.toString(), o.sharesShape(), "running")), true);
                return;
            }
            withBody(request, response, callback, MAX_REQUEST, server.limits(), body -> {
                Opened o = create(request, token, Http.json(body, SessionRequest.class));
                Http.sendJson(response, callback, 201, new SessionCreated(o.session().id.toString(), o.sharesShape(),
                        "created"));
            });
            return;
        }
        if (p.size() > 4) {
            throw noSuchEndpoint(request);
        }
        UUID id = parseUuid(p.get(2));
        String token = token(request, "this session needs its token (Authorization: Bearer …)");
        ServerSession s = server.sessions().find(id, token);
        if (p.size() == 3) {
            allow(request, "on a session", "GET", "DELETE");
            if (request.getMethod().equals("DELETE")) {
                server.sessions().delete(s, "the user cancelled the session");
                Http.sendJson(response, callback, 200, new Deleted(id.toString()));
            } else {
                Http.sendJson(response, callback, 200, s.status());
            }
            return;
        }
        switch (p.get(3)) {
            case "input" -> input(request, response, callback, s, () -> Http.sendJson(response, callback, 202,
                    new SessionState(s.id.toString(), "running")), false);
            case "output" -> {
                allow(request, "here", "GET");
                long wait = waitMillis(request.getHttpURI().getQuery());
                if (wait == 0 || !s.open()) {
                    answerOutput(response, callback, s);
                    return;
                }
                // a long poll: answer as soon as the session ends, or with 202 when the wait is over
                java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
                Runnable[] watcher = new Runnable[1];
                Runnable answer = () -> {
                    if (answered.compareAndSet(false, true)) {
                        s.unwatch(watcher[0]);
                        answerOutput(response, callback, s);
                    }
                };
                watcher[0] = () -> {
                    if (!s.open()) {
                        answer.run();
                    }
                };
                s.watch(watcher[0]);
                request.getComponents().getScheduler().schedule(answer, wait,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
                watcher[0].run();
            }
            case "events" -> {
                allow(request, "here", "GET");
                String client = Http.clientAddress(request);
                server.sessions().openStream(s, client);
                Duration max = s.stepping ? Duration.ofHours(3) : Duration.ofMinutes(15);
                new EventStream(s, response, callback, request.getComponents().getScheduler(), max,
                        () -> server.sessions().closeStream(s, client)).start();
            }
            case "continue" -> {
                allow(request, "here", "POST");
                if (!s.stepping) {
                    throw new ApiException(409, "session " + id + " is not a step-mode session (it was opened without"
                            + " \"step\": true), so it does not wait to be continued");
                }
                String q = request.getHttpURI().getQuery();
                s.proceed(q != null && q.contains("all=true"));
                Http.sendJson(response, callback, 200, new SessionState(id.toString(), s.state().api()));
            }
            default -> throw noSuchEndpoint(request);
        }
    }

    private static String token(Request request, String missing) {
        String token = Http.bearer(request);
        if (token == null) {
            throw new ApiException(401, missing);
        }
        return token;
    }

    /** A header's value as the bytes of its (ASCII) JSON; 400 for any other character. */
    private static byte[] ascii(String header) {
        for (int i = 0; i < header.length(); i++) {
            if (header.charAt(i) > 0x7e) {
                throw new ApiException(400, SessionRequest.HEADER + " carries the session request as JSON in ASCII"
                        + " (other characters escaped as \\uXXXX)");
            }
        }
        return header.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private int[] inputShape(ServerSession s) {
        ModelStore.Stored m = server.store().get(s.modelId);
        if (m == null) {
            throw new ApiException(404, "model '" + s.modelId + "' was deleted");
        }
        return m.info().inputShape();
    }

    /** A session just opened, and the shape of the input share it takes. */
    private record Opened(ServerSession session, int[] sharesShape) {
    }

    /** Opens a session (created, waiting for its input), or refuses the request. */
    private Opened create(Request request, String token, SessionRequest req) {
        UUID id = parseUuid(req.sessionId());
        if (req.modelId() == null || req.modelId().isBlank()) {
            throw new ApiException(400, "modelId is required");
        }
        ModelStore.Stored m = server.store().get(req.modelId());
        if (m == null) {
            throw new ApiException(404, "no model '" + io.sonic.cloud.api.ApiJson.printable(req.modelId())
                    + "' on server " + server.party());
        }
        SecureConfig cfg = config(req, m.info().fractionBits());
        int batch;
        try {
            batch = req.batchSize();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        return new Opened(server.sessions().create(id, m.id(), Tokens.hash(token), cfg, Boolean.TRUE.equals(req.step()),
                Http.clientAddress(request), batch), sharesShape(m.info().inputShape(), batch));
    }

    /** The shape of the input share a session takes: the model's input, or [batch, input size] for a batch. */
    static int[] sharesShape(int[] modelInput, int batch) {
        return batch == 1 ? modelInput : new int[] {batch, io.sonic.model.Shapes.size(modelInput)};
    }

    /**
     * Reads the session's input share and starts it, then {@code answer}s. {@code opening}: the request opened the
     * session too, which goes again if its input is refused (nothing is left waiting for an input that came).
     */
    private void input(Request request, Response response, Callback callback, ServerSession s, Runnable answer,
                       boolean opening) {
        if (!opening) {
            allow(request, "here", "PUT");
        }
        Runnable refused = () -> {
            if (opening) {
                server.sessions().delete(s, "its input was refused");
            }
        };
        boolean[] started = new boolean[1];
        try {
            int[] shape = inputShape(s);
            // a batch's shares travel as one tensor of shape [batch, input size], one row per query
            int[] sent = sharesShape(shape, s.batch);
            long size = ShareCodec.tensorPayloadBytes(sent);
            if (request.getLength() > size) {
                throw new ApiException(413, "an input share of model '" + s.modelId + "'" + (s.batch == 1 ? ""
                        : " for a batch of " + s.batch) + " has " + size + " bytes, not " + request.getLength());
            }
            withBody(request, response, callback, size, server.limits(), body -> {
                SharedTensor in = ShareCodec.decodeTensor(body, server.party(), sent);
                server.sessions().start(s, in.rows(s.batch, shape));
                started[0] = true;
                answer.run();
            }, () -> {
                if (!started[0]) {
                    refused.run();
                }
            });
        } catch (RuntimeException e) {
            refused.run();
            throw e;
        }
    }

    /** The longest a GET of the output may wait for the session to end. */
    static final long MAX_OUTPUT_WAIT_MILLIS = 30_000;

    /** {@code waitMillis=N} of the query (0 when absent): how long a GET of the output may wait for the end. */
    private static long waitMillis(String query) {
        if (query == null) {
            return 0;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("waitMillis=")) {
                String v = part.substring("waitMillis=".length());
                try {
                    long ms = Long.parseLong(v);
                    if (ms >= 0 && ms <= MAX_OUTPUT_WAIT_MILLIS) {
                        return ms;
                    }
                } catch (NumberFormatException ignored) {
                    // the message below names it
                }
                throw new ApiException(400, "waitMillis must be a whole number of milliseconds from 0 to "
                        + MAX_OUTPUT_WAIT_MILLIS + ", not '" + io.sonic.cloud.api.ApiJson.printable(v) + "'");
            }
        }
        return 0;
    }

    private static void answerOutput(Response response, Callback callback, ServerSession s) {
        switch (s.state()) {
            case DONE -> Http.sendBytes(response, callback, s.output());
            case FAILED -> Http.sendError(response, callback, 502, s.error());
            case CANCELLED -> Http.sendError(response, callback, 410, "the session was cancelled: " + s.error());
            default -> Http.sendJson(response, callback, 202, new SessionState(s.id.toString(), s.state().api()));
        }
    }

    private SecureConfig config(SessionRequest req, int fractionBits) {
        SecureConfig cfg;
        try {
            cfg = req.config(SecureConfig.DEFAULT.withFractionBits(fractionBits).withTimeout(server.timeout())
                    .withLink(server.linkProfile()));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, io.sonic.cloud.api.ApiJson.printable(e.getMessage()));
        }
        if (cfg.preprocessing() == SecureConfig.Preprocessing.DEALER && !server.hasDealer()) {
            throw new ApiException(409, "this cluster runs without a dealer (its servers were started without"
                    + " --dealer): ask for preprocessing=ot (./sonic infer --preprocessing ot), or start a dealer and"
                    + " the servers with --dealer");
        }
        return cfg;
    }

    /** A session id in the canonical 8-4-4-4-12 hexadecimal form; 400 otherwise. */
    static UUID parseUuid(String s) {
        if (s != null) {
            try {
                UUID u = UUID.fromString(s);
                if (u.toString().equalsIgnoreCase(s)) {
                    return u;
                }
            } catch (RuntimeException e) {
                // answered below
            }
        }
        throw new ApiException(400, "'" + io.sonic.cloud.api.ApiJson.printable(s) + "' is not a session id (a UUID"
                + " such as 3f0c8a52-8e7b-4c53-9d0e-2b6f1f7d9a11)");
    }
}
