package io.sonic.cloud;

import io.sonic.cloud.server.JettyNodes;
import io.sonic.cloud.server.ServerLimits;
import io.sonic.cloud.tls.ClientTrust;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.cloud.tls.NodeIdentity;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's deadline for request headers (the body grace time, 2 s here): a client that sends its headers one byte
 * at a time (slowloris), or never begins a request, loses its connection; a connection idle between requests keeps
 * it (that is the idle timeout's).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HeaderDeadlineTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static JettyNodes.Built node;
    private static URI uri;
    private static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        ClusterTrust trust = ClusterTrust.fromSecret(ClusterTrust.newSecret());
        NodeIdentity id = trust.issue("server-0", List.of(), List.of());
        node = JettyNodes.newServer("test-node", "127.0.0.1", 0, id.jettyServer(),
                ServerLimits.DEFAULT.withConnections(64, Duration.ofSeconds(30), GRACE, 64 * 1024));
        node.server().setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, "ok", callback);
                return true;
            }
        });
        node.server().start();
        uri = URI.create("https://127.0.0.1:" + node.connector().getLocalPort() + "/");
        tls = ClientTrust.trusting(trust.caCertificate());
    }

    @AfterAll
    static void stop() throws Exception {
        node.server().stop();
    }

    /** Sends {@code text} a byte every {@code gapMillis} until the server closes; returns after how many ms (-1: never). */
    private static long trickle(RawHttp c, String text, long gapMillis, long maxMillis) throws Exception {
        long t = System.nanoTime();
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; System.nanoTime() - t < TimeUnit.MILLISECONDS.toNanos(maxMillis); i++) {
            try {
                c.out.write(b[i % b.length]);
                c.out.flush();
            } catch (IOException closed) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            }
            Thread.sleep(gapMillis);
        }
        return -1;
    }

    @Test
    void headersSentOneByteAtATimeLoseTheConnectionAfterTheGraceTime() throws Exception {
        try (RawHttp c = new RawHttp(tls, "127.0.0.1", uri)) {
            c.out.write("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            // each byte comes well inside the 30 s idle timeout: only the header deadline can end this
            long closedAfter = trickle(c, "X-Slow: vvvvvvvvvvvvvvvvvvvvvvvvvvvvvv", 200, 20_000);
            System.out.printf("slowloris headers: closed after %d ms (grace %d ms)%n", closedAfter, GRACE.toMillis());
            assertTrue(closedAfter > 0, "the server never closed a connection trickling its headers");
            assertTrue(closedAfter >= GRACE.toMillis() - 500 && closedAfter < 4 * GRACE.toMillis(),
                    "closed after " + closedAfter + " ms");
        }
    }

    @Test
    void aConnectionThatNeverBeginsARequestIsClosedAndOneIdleBetweenRequestsIsNot() throws Exception {
        try (RawHttp silent = new RawHttp(tls, "127.0.0.1", uri); RawHttp kept = new RawHttp(tls, "127.0.0.1", uri)) {
            RawHttp.Answer first = kept.call("GET", "/v1/health", null, new byte[0]);
            assertEquals(200, first.status());
            Thread.sleep(2 * GRACE.toMillis() + 1000);
            // the kept-alive connection, idle between requests for twice the grace time, still serves
            RawHttp.Answer second = kept.call("GET", "/v1/health", null, new byte[0]);
            assertEquals(200, second.status());
            // the silent one, which never began a request, was closed
            assertEquals(-1, silent.in.read(), "a connection with no request begun is closed");
            // a slow second request on a kept connection is cut off like a first one
            kept.out.write("GET /v1/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            kept.out.flush();
            long closedAfter = trickle(kept, "Host: 127.0.0.1 ", 200, 20_000);
            assertTrue(closedAfter > 0 && closedAfter < 4 * GRACE.toMillis(), "closed after " + closedAfter + " ms");
        }
    }

    @Test
    void aRequestWhoseHeadersArriveInPiecesWithinTheGraceTimeIsServed() throws Exception {
        try (RawHttp c = new RawHttp(tls, "127.0.0.1", uri)) {
            c.out.write("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            Thread.sleep(GRACE.toMillis() / 2);
            c.out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            assertEquals(200, c.read().status());
        }
    }
}
