package io.sonic.cloud.server;

import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.link.PeerLink;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.ring.SharedTensor;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions apart from HTTP: limits, the step gate, and failures that must end a session cleanly. */
class SessionsTest {
    private static final java.util.List<SharedTensor> INPUT = java.util.List.of(new SharedTensor(0, new int[] {1, 2},
            new long[2]));

    static void awaitEnd(ServerSession s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.open()) {
            assertTrue(System.nanoTime() < deadline, "the session did not end");
            Thread.sleep(10);
        }
    }

    @Test
    void anOutOfMemoryErrorInAWorkerFailsThatSessionAndFreesTheWorker() throws Exception {
        SessionRunner.Models exhausted = new SessionRunner.Models() {
            @Override
            public ModelStore.Loaded acquire(String id) {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public void release(ModelStore.Loaded loaded) {
            }
        };
        PeerLink link = new PeerLink("server 1");
        DealerClient dealer = new DealerClient(URI.create("https://127.0.0.1:9"), SSLContext.getDefault(),
                Duration.ofSeconds(1));
        NodeLog log = new NodeLog();
        try (Sessions sessions = new Sessions(0, ServerLimits.DEFAULT,
                new SessionRunner(0, exhausted, dealer, link, Duration.ofMinutes(1), Duration.ofSeconds(10), log::add), log::add)) {
            for (int k = 0; k < 3; k++) {
                ServerSession s = sessions.create(UUID.randomUUID(), "m", Tokens.hash("t"), SecureConfig.DEFAULT,
                        false, "127.0.0.1", 1);
                sessions.start(s, INPUT);
                awaitEnd(s);
                assertEquals(ServerSession.State.FAILED, s.state());
                assertEquals("server 0 ran out of memory for this session", s.error());
                assertTrue(s.eventsFrom(0).get(s.eventsFrom(0).size() - 1).terminal());
            }
            var lines = log.after(0, 100).entries().stream().map(io.sonic.cloud.api.LogEntry::text).toList();
            assertEquals(6, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("session ") && lines.get(0).contains("started (model 'm'"), lines.get(0));
            assertTrue(lines.get(1).endsWith("failed: server 0 ran out of memory for this session"), lines.get(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sessions.activeWorkers() > 0 || sessions.running() > 0) {
                assertTrue(System.nanoTime() < deadline, "a worker stayed busy");
                Thread.sleep(10);
            }
        } finally {
            link.close();
        }
    }

    @Test
    void aSessionThatFailsBeforeItsChannelOpensTellsThePeerWhereverItWaits() throws Exception {
        // server 1 fails at once (its model cannot be loaded); server 0 of the same session is waiting in a set-up
        // step, e.g. to name the query's randomness without a dealer: its wait ends with server 1's reason at once
        SessionRunner.Models missing = new SessionRunner.Models() {
            @Override
            public ModelStore.Loaded acquire(String id) {
                throw new ApiException(404, "model '" + id + "' cannot be read here");
            }

            @Override
            public void release(ModelStore.Loaded loaded) {
            }
        };
        try (io.sonic.cloud.client.LocalCloud cloud = io.sonic.cloud.client.LocalCloud.start(null)) {
            NodeLog log = new NodeLog();
            try (Sessions sessions = new Sessions(1, ServerLimits.DEFAULT, new SessionRunner(1, missing, null,
                    cloud.server(1).link(), Duration.ofMinutes(1), Duration.ofSeconds(10), log::add), log::add)) {
                for (String step : new String[] {"ot", "sync", "setup", null}) {
                    UUID id = UUID.randomUUID();
                    UUID waitsOn = step == null ? id : SessionRunner.control(step, id);
                    try (io.sonic.cloud.link.LinkChannel peer = cloud.server(0).link().open(waitsOn,
                            Duration.ofSeconds(30))) {
                        java.util.concurrent.CompletableFuture<RuntimeException> ended =
                                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                                    try {
                                        peer.receive();
                                        return null;
                                    } catch (RuntimeException e) {
                                        return e;
                                    }
                                });
                        long t = System.nanoTime();
                        ServerSession s = sessions.create(id, "m", Tokens.hash("t"),
                                SecureConfig.DEFAULT.withPreprocessing(SecureConfig.Preprocessing.OT), false,
                                "127.0.0.1", 1);
                        sessions.start(s, INPUT);
                        RuntimeException e = ended.get(10, TimeUnit.SECONDS);
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
                        assertTrue(e instanceof io.sonic.engine.net.ChannelException, String.valueOf(e));
                        assertEquals("server 1 ended the session: server 1: model 'm' cannot be read here",
                                e.getMessage(), "waiting in " + step);
                        assertTrue(ms < 5000, "the peer's wait in " + step + " ended after " + ms + " ms");
                        awaitEnd(s);
                        assertEquals(ServerSession.State.FAILED, s.state());
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SessionRunner.control("unknown", UUID.randomUUID()));
    }

    @Test
    void theStepGateWaitsForContinueAndWakesAtOnceWhenTheSessionIsCancelled() throws Exception {
        ServerSession s = new ServerSession(UUID.randomUUID(), "m", Tokens.hash("t"), SecureConfig.DEFAULT, true,
                "127.0.0.1", 1);
        assertTrue(s.start(INPUT));
        s.proceed(false);
        s.awaitStep(Duration.ofSeconds(1));  // one step granted: passes at once
        Thread waiter = new Thread(() -> assertThrows(ServerSession.EndedException.class,
                () -> s.awaitStep(Duration.ofMinutes(10))));
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!s.pausedNow()) {
            assertTrue(System.nanoTime() < deadline);
            Thread.sleep(5);
        }
        long t = System.nanoTime();
        assertTrue(s.cancel("the user cancelled the session"));
        waiter.join(2000);
        assertTrue(!waiter.isAlive(), "the paused worker was not woken");
        assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(1));
        assertEquals(ServerSession.State.CANCELLED, s.state());
        assertEquals(SessionEvent.CANCELLED, s.eventsFrom(0).get(s.eventsFrom(0).size() - 1).type());
        assertTrue(s.pausedNanos() > 0);
        ApiException timeout = assertThrows(ApiException.class, () -> {
            ServerSession t2 = new ServerSession(UUID.randomUUID(), "m", Tokens.hash("t"), SecureConfig.DEFAULT, true,
                    "127.0.0.1", 1);
            t2.start(INPUT);
            t2.awaitStep(Duration.ofMillis(50));
        });
        assertEquals(408, timeout.status());
    }

    @Test
    void anUnknownSessionAndAWrongTokenGetTheSameAnswer() {
        try (Sessions sessions = new Sessions(0, ServerLimits.DEFAULT, s -> { }, line -> { })) {
            UUID id = UUID.randomUUID();
            sessions.create(id, "m", Tokens.hash("right"), SecureConfig.DEFAULT, false, "127.0.0.1", 1);
            ApiException wrong = assertThrows(ApiException.class, () -> sessions.find(id, "wrong"));
            UUID other = UUID.randomUUID();
            ApiException unknown = assertThrows(ApiException.class, () -> sessions.find(other, "right"));
            assertEquals(404, wrong.status());
            assertEquals(wrong.getMessage().replace(id.toString(), other.toString()), unknown.getMessage());
            assertEquals(id, sessions.find(id, "right").id);
        }
    }
}
