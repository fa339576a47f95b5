package io.sonic.cloud.server;

import io.sonic.cloud.api.OnlineTraffic;
import io.sonic.cloud.api.RoundInfo;
import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.dealer.DealRequest;
import io.sonic.cloud.dealer.DealerService;
import io.sonic.cloud.link.LinkChannel;
import io.sonic.cloud.link.PeerLink;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureLayerListener;
import io.sonic.engine.SecureParty;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.layer.Layer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs one session on a worker thread, apart from HTTP: loads the model's share, fetches this server's
 * randomness from the dealer, (mask-reuse) makes sure both servers hold W − A, and walks the graph on
 * shares over the peer link, emitting an event before and after each layer and pausing at the step gate
 * in step mode. Whatever happens (a protocol or link error, a timeout, a cancel, an OutOfMemoryError),
 * the session ends as failed or cancelled with its counters as they were, the peer is told, and the
 * worker is free again.
 */
final class SessionRunner implements Consumer<ServerSession> {
    /** Where a session's model comes from: the store, or a stand-in in tests. */
    interface Models {
        ModelStore.Loaded acquire(String id);

        void release(ModelStore.Loaded loaded);
    }

    private final int party;
    private final Models store;
    private final DealerClient dealer;
    private final PeerLink link;
    private final Duration pauseTimeout;
    private final Map<String, Object> modelLocks = new ConcurrentHashMap<>();
    private final Consumer<String> log;

    SessionRunner(int party, Models store, DealerClient dealer, PeerLink link, Duration pauseTimeout,
                  Consumer<String> log) {
        this.log = log;
        this.party = party;
        this.store = store;
        this.dealer = dealer;
        this.link = link;
        this.pauseTimeout = pauseTimeout;
    }

    @Override
    public void accept(ServerSession s) {
        LinkChannel ch = null;
        ModelStore.Loaded m = null;
        try {
            if (!s.open()) {
                return;
            }
            m = store.acquire(s.modelId);
            SecureConfig cfg = s.config;
            List<Need> plan = Plan.of(m.graph, cfg);
            byte[] deal = dealer.deal(s.id, DealRequest.of(party, m.stored.info().structureHash(), cfg),
                    m.structureJson);
            DealerService.Part part = DealerService.decode(deal, plan.size(), party);
            long offline = 2L * 16;
            for (Need n : plan) {
                offline += n.correctionLongs() * 8;
            }
            SecureParty p = new SecureParty(party, m.graph, m.share, cfg);
            byte[] maskSeed = null;
            if (cfg.linear() == SecureConfig.LinearMode.MASK_REUSE) {
                maskSeed = masks(m, p, s.id, cfg.timeout());
            }
            Randomness r = new Randomness(party, plan, part.seed(), party == 1 ? part.corrections() : null, maskSeed);
            ch = link.open(s.id, cfg.timeout());
            s.channel(ch);
            MeteredChannel metered = new MeteredChannel(ch);
            long wireBefore = link.wireBytesOut();
            long onlineStart = System.nanoTime();
            SharedTensor out = p.run(s.input(), metered, r, new Events(s, plan));
            long wireAfter = link.wireBytesOut();
            long nanos = System.nanoTime() - onlineStart - s.pausedNanos();
            Traffic t = metered.total();
            s.finish(ShareCodec.encodeTensor(out), new OnlineTraffic(t.bytes(), t.bytesSent(), t.bytesReceived(),
                    t.rounds(), t.messagesSent(), t.messagesReceived(), wireBefore < 0 ? -1 : wireAfter - wireBefore,
                    nanos / 1e6, s.pausedNanos() / 1e6), offline);
            log.accept(String.format(java.util.Locale.ROOT, "session %s done: %,d bytes in %d rounds, %.1f ms online",
                    NodeLog.shortId(s.id), t.bytes(), t.rounds(), nanos / 1e6));
        } catch (ServerSession.EndedException e) {
            abort(ch, s, "server " + party + ": " + e.getMessage());
        } catch (ApiException | ChannelException | IllegalStateException e) {
            abort(ch, s, "server " + party + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            abort(ch, s, "server " + party + " ran out of memory for this session");
        } catch (RuntimeException | Error e) {
            abort(ch, s, "server " + party + ": internal error (" + e.getClass().getSimpleName() + ")");
        } finally {
            if (ch != null) {
                ch.close();
            }
            if (m != null) {
                store.release(m);
            }
        }
    }

    /** Ends the session here (unless it ended already) and tells the peer, with a reason that carries no values. */
    private void abort(LinkChannel ch, ServerSession s, String reason) {
        if (ch != null) {
            ch.abort(reason);
        }
        if (s.fail(reason)) {
            log.accept("session " + NodeLog.shortId(s.id) + " failed: " + reason);
        }
    }

    /** The per-layer events, and the step gate before each layer. */
    private final class Events implements SecureLayerListener {
        private final ServerSession s;
        private final List<Need> plan;
        private long wireAtStart;

        Events(ServerSession s, List<Need> plan) {
            this.s = s;
            this.plan = plan;
        }

        @Override
        public void started(int index, Layer layer, String protocol) {
            if (!s.open()) {
                throw new ServerSession.EndedException(String.valueOf(s.error()));
            }
            if (s.stepping) {
                s.event(layerEvent(SessionEvent.PAUSED, index, layer, protocol));
                s.awaitStep(pauseTimeout);
            }
            s.event(layerEvent(SessionEvent.LAYER_START, index, layer, protocol));
            wireAtStart = link.wireBytesOut();
        }

        @Override
        public void finished(int index, Layer layer, String protocol, Traffic t, List<Round> rounds, long nanos) {
            long wire = link.wireBytesOut();
            SessionEvent start = layerEvent(SessionEvent.LAYER_END, index, layer, protocol);
            s.event(new SessionEvent(start.type(), start.index(), start.name(), start.op(), start.protocol(),
                    start.outputShape(), t.bytes(), t.bytesSent(), t.bytesReceived(), t.rounds(), t.messagesSent(),
                    t.messagesReceived(), wire < 0 || wireAtStart < 0 ? -1 : wire - wireAtStart,
                    offlineOf(plan, index), nanos / 1e6, null, null, rounds.stream()
                    .map(r -> new RoundInfo(r.what(), r.bytesSent(), r.bytesReceived())).toList()));
        }
    }

    private static SessionEvent layerEvent(String type, int index, Layer layer, String protocol) {
        return SessionEvent.layer(type, index, layer == null ? "output" : layer.name(),
                layer == null ? "ArgMax" : layer.sourceOp(), protocol, layer == null ? null : layer.outputShape());
    }

    private static long offlineOf(List<Need> plan, int layer) {
        long b = 0;
        for (Need n : plan) {
            if (n.layer() == layer) {
                b += n.correctionLongs() * 8;
            }
        }
        return b;
    }

    /**
     * Mask-reuse mode: makes sure both servers hold E = W − A for the model's current mask seeds. The
     * two servers first tell each other (on a control session, not metered) whether they already have
     * it; if either lacks it, both open it again on a setup session.
     */
    private byte[] masks(ModelStore.Loaded m, SecureParty p, UUID session, Duration timeout) {
        DealerClient.MaskSeed mask = dealer.masks(m.stored.info().structureHash(), party, m.structureJson);
        String generation = mask.generation();
        byte[] seed = mask.seed();
        synchronized (modelLocks.computeIfAbsent(m.stored.id(), k -> new Object())) {
            ModelStore.MaskState have = m.masks();
            boolean mine = have != null && have.generation().equals(generation);
            UUID control = UUID.nameUUIDFromBytes(("sync:" + session).getBytes(StandardCharsets.UTF_8));
            boolean theirs;
            try (LinkChannel c = link.open(control, timeout)) {
                theirs = c.exchange(new byte[] {(byte) (mine ? 1 : 0)})[0] == 1;
            }
            if (mine && theirs) {
                p.useOpenedMasks(have.opened());
                return seed;
            }
            UUID setup = UUID.nameUUIDFromBytes(("setup:" + session).getBytes(StandardCharsets.UTF_8));
            try (LinkChannel c = link.open(setup, timeout)) {
                p.openMasks(new MeteredChannel(c), seed);
            }
            m.masks(new ModelStore.MaskState(generation, p.openedMasks()));
            return seed;
        }
    }
}
