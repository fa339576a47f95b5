package io.sonic.cloud.link;

import io.sonic.cloud.client.LocalCloud;
import io.sonic.engine.net.Channel;
import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.InMemoryChannel;
import io.sonic.engine.net.LinkProfile;
import io.sonic.engine.net.MeteredChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One contract for every channel the engine runs on: the in-memory pair, the WebSocket link (a
 * {@link LinkChannel} on each of two real {@link PeerLink}s of two local servers, over mutual TLS), a
 * simulated link above each, and the meter above all. Ordering, ownership, bounded waits, a close that
 * wakes the peer and an abort whose reason reaches both sides.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChannelContractTest {
    private static final LinkProfile FAST = LinkProfile.parse("latency=2ms,bandwidth=1gbit");
    private static LocalCloud cloud;

    /** A way to make two connected ends whose receives wait at most {@code timeout}. */
    record Kind(String name, Function<Duration, Channel[]> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void startServers() throws Exception {
        cloud = LocalCloud.start(null);
    }

    @AfterAll
    static void stopServers() {
        if (cloud != null) {
            cloud.close();
        }
    }

    static Channel[] link(Duration timeout) {
        UUID session = UUID.randomUUID();
        return new Channel[] {cloud.server(0).link().open(session, timeout), cloud.server(1).link().open(session, timeout)};
    }

    static Channel[] wrap(Channel[] ends, Function<Channel, Channel> f) {
        return new Channel[] {f.apply(ends[0]), f.apply(ends[1])};
    }

    static Stream<Kind> kinds() {
        return Stream.of(
                new Kind("in-memory", InMemoryChannel::pair),
                new Kind("websocket link", ChannelContractTest::link),
                new Kind("simulated over in-memory", t -> wrap(InMemoryChannel.pair(t), FAST::wrap)),
                new Kind("simulated over websocket link", t -> wrap(link(t), FAST::wrap)),
                new Kind("metered over simulated over websocket link",
                        t -> wrap(wrap(link(t), FAST::wrap), MeteredChannel::new)));
    }

    private static byte[] random(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }

    /** A receive on {@code end} that waits on another thread; it completes with what ended it (null: a message). */
    private static CompletableFuture<Throwable> pendingReceive(Channel end) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                end.receive();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
    }

    private static void closeAll(Channel[] ends) {
        ends[0].close();
        ends[1].close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void messagesArriveWholeAndInOrder(Kind kind) throws Exception {
        Channel[] ends = kind.make().apply(Duration.ofSeconds(20));
        try {
            SplittableRandom r = new SplittableRandom(7);
            List<byte[]> sent = new ArrayList<>();
            for (int size : new int[] {0, 1, 17, 4096, 65_537, 1 << 20, 3, 0, 250_000}) {
                sent.add(random(r, size));
            }
            CompletableFuture<List<byte[]>> got = CompletableFuture.supplyAsync(() -> {
                List<byte[]> l = new ArrayList<>();
                for (int i = 0; i < sent.size(); i++) {
                    l.add(ends[1].receive());
                }
                return l;
            });
            for (byte[] m : sent) {
                ends[0].send(m.clone());
            }
            List<byte[]> received = got.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), received.get(i), kind + ": message " + i);
            }
        } finally {
            closeAll(ends);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void bothSidesExchangeAtOnceAndOwnWhatTheyReceive(Kind kind) throws Exception {
        Channel[] ends = kind.make().apply(Duration.ofSeconds(20));
        try {
            int rounds = 50;
            CompletableFuture<Void> one = CompletableFuture.runAsync(() -> {
                byte[] m = new byte[] {1};
                for (int i = 0; i < rounds; i++) {
                    // the received array is the receiver's own: it sends it on after changing it
                    m = ends[1].exchange("test round", m);
                    m[0]++;
                }
            });
            byte[] m = new byte[] {0};
            for (int i = 0; i < rounds; i++) {
                byte[] peer = ends[0].exchange("test round", new byte[] {(byte) i});
                assertEquals(i == 0 ? 1 : i, peer[0], kind + ": round " + i);
                m = peer;
            }
            one.get(60, TimeUnit.SECONDS);
            assertEquals(rounds - 1, m[0]);
        } finally {
            closeAll(ends);
        }
    }

    /** A receive that finds its message waiting, one whose message comes soon and one that waits long, in turn. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void messagesThatComeAtOnceSoonOrLateAllArriveInOrder(Kind kind) throws Exception {
        Channel[] ends = kind.make().apply(Duration.ofSeconds(20));
        try {
            long[] delaysMicros = {0, 0, 20_000, 0, 10, 5_000, 0, 30_000, 200, 0};
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < delaysMicros.length; i++) {
                    java.util.concurrent.locks.LockSupport.parkNanos(delaysMicros[i] * 1000);
                    ends[0].send(new byte[] {(byte) i});
                }
            });
            for (int i = 0; i < delaysMicros.length; i++) {
                assertArrayEquals(new byte[] {(byte) i}, ends[1].receive(), kind + ": message " + i);
            }
            sender.get(30, TimeUnit.SECONDS);
        } finally {
            closeAll(ends);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aReceiveWithNothingComingFailsAfterItsTimeout(Kind kind) {
        Duration timeout = Duration.ofMillis(400);
        Channel[] ends = kind.make().apply(timeout);
        try {
            long start = System.nanoTime();
            ChannelException e = assertThrows(ChannelException.class, ends[0]::receive);
            long waited = System.nanoTime() - start;
            assertTrue(waited >= timeout.toNanos() * 9 / 10, kind + ": waited only " + waited / 1e6 + " ms");
            assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        } finally {
            closeAll(ends);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void closingOneEndWakesThePeersPendingReceive(Kind kind) throws Exception {
        Channel[] ends = kind.make().apply(Duration.ofSeconds(30));
        CompletableFuture<Throwable> pending = pendingReceive(ends[1]);
        Thread.sleep(100);
        long start = System.nanoTime();
        ends[0].close();
        Throwable t = pending.get(20, TimeUnit.SECONDS);
        assertTrue(t instanceof ChannelException, kind + ": " + t);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(), kind + ": the close woke the peer"
                + " only near its 30 s timeout");
        ends[1].close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anAbortEndsBothSidesWithItsReason(Kind kind) throws Exception {
        Channel[] ends = kind.make().apply(Duration.ofSeconds(30));
        try {
            CompletableFuture<Throwable> pending = pendingReceive(ends[1]);
            Thread.sleep(100);
            ends[0].abort("server 0: the model is gone");
            Throwable t = pending.get(20, TimeUnit.SECONDS);
            assertTrue(t instanceof ChannelException, kind + ": " + t);
            assertTrue(t.getMessage().contains("server 0: the model is gone"), kind + ": " + t.getMessage());
            assertThrows(ChannelException.class, ends[1]::receive, kind + ": a later receive fails too");
        } finally {
            closeAll(ends);
        }
    }

    /** The simulated link's timing: latency per message, bandwidth per byte, and the two directions apart. */
    @Test
    void aSimulatedLinkDelaysEachMessageByLatencyAndTransmission() throws Exception {
        LinkProfile p = LinkProfile.parse("latency=150ms,bandwidth=1mbit");
        Channel[] ends = wrap(InMemoryChannel.pair(Duration.ofSeconds(20)), p::wrap);
        try {
            long start = System.nanoTime();
            ends[0].send(new byte[12_500]); // 100 ms on the wire at 1 Mbit/s
            ends[0].send(new byte[12_500]); // waits for the first: delivered 200 ms + latency after the start
            ends[1].receive();
            long first = System.nanoTime() - start;
            ends[1].receive();
            long second = System.nanoTime() - start;
            assertTrue(first >= Duration.ofMillis(250).toNanos(), "first after " + first / 1e6 + " ms");
            assertTrue(second >= Duration.ofMillis(350).toNanos(), "second after " + second / 1e6 + " ms");
            // a round: both send at once, each waits for one latency (the directions are simulated apart)
            CompletableFuture<byte[]> other = CompletableFuture.supplyAsync(() -> ends[1].exchange("r", new byte[1]));
            long roundStart = System.nanoTime();
            ends[0].exchange("r", new byte[1]);
            other.get(10, TimeUnit.SECONDS);
            long round = System.nanoTime() - roundStart;
            assertTrue(round >= Duration.ofMillis(150).toNanos(), "round took " + round / 1e6 + " ms");
            assertTrue(round < Duration.ofMillis(290).toNanos(), "round took " + round / 1e6
                    + " ms: the two directions waited for each other");
        } finally {
            closeAll(ends);
        }
    }

    @Test
    void linkProfilesReadBackFromTheirTextAndRefuseNonsense() {
        for (LinkProfile p : List.of(LinkProfile.LOOPBACK, LinkProfile.LAN, LinkProfile.WAN,
                LinkProfile.parse("latency=0.25ms,bandwidth=2.5gbit,jitter=10us"))) {
            assertEquals(p, LinkProfile.parse(p.text()));
        }
        assertEquals(20_000_000, LinkProfile.WAN.latencyNanos());
        assertEquals(100_000_000, LinkProfile.WAN.bitsPerSecond());
        assertEquals(List.of(LinkProfile.LOOPBACK, LinkProfile.LAN, LinkProfile.parse("latency=5ms,bandwidth=10mbit"),
                LinkProfile.WAN), LinkProfile.parseList("loopback,lan,latency=5ms,bandwidth=10mbit,wan"));
        assertEquals("wan: 20 ms one way, 100 Mbit/s", LinkProfile.WAN.summary());
        for (String bad : List.of("", "moon", "latency=fast", "bandwidth=0", "latency=11s", "speed=1",
                "latency=1ms,latency=2ms")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkProfile.parse(bad), bad);
            assertTrue(e.getMessage().contains("link"), e.getMessage());
        }
        // rounds × latency + one server's bytes ÷ bandwidth
        assertEquals(5_000_000 + 64 * 20_000_000L + 80_000_000L,
                LinkProfile.WAN.predictNanos(5_000_000, 64, 1_000_000));
        assertTrue(Arrays.stream(LinkProfile.named()).noneMatch(p -> p.name().equals(LinkProfile.CUSTOM)));
    }
}
