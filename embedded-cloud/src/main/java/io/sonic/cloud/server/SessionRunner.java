package io.sonic.cloud.server;

import io.sonic.cloud.api.OnlineTraffic;
import io.sonic.cloud.api.RoundInfo;
import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.dealer.DealRequest;
import io.sonic.cloud.dealer.DealAnswer;
import io.sonic.cloud.link.LinkChannel;
import io.sonic.cloud.link.PeerLink;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.CostModel;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureLayerListener;
import io.sonic.engine.SecureParty;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.BatchChannel;
import io.sonic.engine.net.Channel;
import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.ot.OtPreprocessing;
import io.sonic.engine.ot.OtSession;
import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.layer.Layer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs one session on a worker thread, apart from HTTP: loads the model's share, (mask-reuse) checks with
 * the other server that both hold the same upload and makes sure both hold W − A for that upload's masks,
 * fetches this server's randomness from the dealer, and walks the graph on
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
    private final Consumer<String> log;
    private final DealPool pool;

    SessionRunner(int party, Models store, DealerClient dealer, PeerLink link, Duration pauseTimeout,
                  Duration timeout, Consumer<String> log) {
        this.log = log;
        this.party = party;
        this.store = store;
        this.dealer = dealer;
        this.link = link;
        this.pauseTimeout = pauseTimeout;
        this.pool = new DealPool(party, store, link, (id, request, m, plan, name) -> fetch(id, request, m, plan,
                READ_AHEAD_BYTES, name, timeout), timeout, log);
    }

    /** The randomness fetched ahead of queries. */
    DealPool pool() {
        return pool;
    }

    @Override
    public void accept(ServerSession s) {
        LinkChannel ch = null;
        Channel stack = null;
        ModelStore.Loaded m = null;
        List<ReadAhead> aheads = new ArrayList<>();
        try {
            if (!s.open()) {
                return;
            }
            m = store.acquire(s.modelId);
            SecureConfig cfg = s.config;
            List<Need<?>> plan = Plan.of(m.graph, cfg);
            SecureParty p = new SecureParty(party, m.graph, m.share, cfg);
            boolean ot = cfg.preprocessing() == SecureConfig.Preprocessing.OT;
            if (ot) {
                try {
                    OtPreprocessing.check(plan);
                } catch (IllegalArgumentException e) {
                    throw new ApiException(422, e.getMessage());
                }
            } else if (dealer == null) {
                throw new ApiException(409, "this cluster runs without a dealer: ask for preprocessing=ot");
            }
            int n = s.batch;
            Setup setup = setUp(s, m, p, cfg, plan, ot);
            byte[] maskSeed = setup.maskSeed();
            // the dealer's part is offline: each query's own answer, read (as far as the budget holds) first
            List<Randomness> sources = new ArrayList<>(n);
            UUID ahead = null;
            for (int k = 0; !ot && k < n; k++) {
                DealPool.Fetched f = n == 1 ? setup.single() : fetch(sampleId(s.id, k), setup.request(), m, plan,
                        READ_AHEAD_BYTES / n, "sonic-deal-" + NodeLog.shortId(s.id) + "-" + k, cfg.timeout());
                aheads.add(f.ahead());
                ahead = f.deal().equals(sampleId(s.id, k)) ? null : f.deal();
                sources.add(Randomness.fromPayloads(party, plan, f.seed(), f.ahead(), maskSeed));
            }
            for (ReadAhead a : aheads) {
                a.awaitFilled();
            }
            long offline = ot ? 0 : Dealer.offlineBytesOf(plan) * n;
            long queryBytes = CostModel.total(m.graph, cfg).onlineBytes() / 2;
            long largest = Math.max(queryBytes * n, ot ? OtPreprocessing.bytesSent(plan, party) : 0);
            // without a dealer a message of the offline phase is followed by work in proportion to its size (M2:
            // 106 MB, then the Gilboa sums), so each wait also gets 1 s per 20 MB of the largest
            ch = link.open(s.id, cfg.channelTimeout(largest).plusMillis(ot ? largest / 20_000 : 0));
            s.channel(ch);
            stack = cfg.link().wrap(ch);
            OnlineTraffic betweenServers = null;
            if (ot) {
                // without a dealer: both servers make each query's randomness with oblivious transfer, metered apart;
                // server 0 makes one session's at a time and server 1 follows it (see otTurn)
                boolean turn = party == 0 && awaitOtTurn(cfg);
                try {
                    long start = System.nanoTime();
                    MeteredChannel offlineMeter = new MeteredChannel(stack);
                    OtSession session = otSession(s, cfg, offlineMeter);
                    for (int k = 0; k < n; k++) {
                        UUID q = sampleId(s.id, k);
                        sources.add(OtPreprocessing.prepare(party, offlineMeter, session.begin(
                                q.getMostSignificantBits() ^ q.getLeastSignificantBits()), plan, maskSeed));
                    }
                    Traffic o = offlineMeter.total();
                    betweenServers = new OnlineTraffic(o.bytes(), o.bytesSent(), o.bytesReceived(), o.rounds(),
                            o.messagesSent(), o.messagesReceived(), -1, (System.nanoTime() - start) / 1e6, 0);
                } finally {
                    if (turn) {
                        otTurn.release();
                    }
                }
            }
            MeteredChannel metered = new MeteredChannel(stack);
            BatchChannel batch = new BatchChannel(metered, n, cfg.channelTimeout(queryBytes * n));
            // both servers start the clock once both are ready (input and dealer data in hand): one byte each
            // way under the simulation and below the meter, like the control exchanges before it; a query whose
            // randomness both servers held ahead was ready at the set-up exchange already
            if (!setup.ahead()) {
                stack.exchange("ready", new byte[] {READY});
            }
            long wireBefore = link.wireBytesOut();
            long onlineStart = System.nanoTime();
            Events events = new Events(s, ot ? OtPreprocessing.bytesPerLayer(plan, m.graph.layers().size())
                    : Dealer.offlineBytesPerLayer(plan, m.graph.layers().size()));
            List<SharedTensor> out = runBatch(s, p, batch, sources, events);
            long wireAfter = link.wireBytesOut();
            long nanos = System.nanoTime() - onlineStart - s.pausedNanos();
            Traffic t = metered.total();
            s.finish(ShareCodec.encodeTensor(SharedTensor.stack(out)), new OnlineTraffic(t.bytes(), t.bytesSent(),
                    t.bytesReceived(), t.rounds(), t.messagesSent(), t.messagesReceived(), wireBefore < 0 ? -1
                    : wireAfter - wireBefore, nanos / 1e6, s.pausedNanos() / 1e6), offline, betweenServers);
            if (n == 1 && party == 0 && !ot) {
                // the next queries' randomness is fetched now that this one's online phase is over
                pool.refill(poolKey(s, setup.request()), m, plan);
            }
            log.accept(String.format(java.util.Locale.ROOT, "session %s done: %s%,d bytes in %d rounds, %.1f ms online%s",
                    NodeLog.shortId(s.id), n == 1 ? "" : n + " queries, ", t.bytes(), t.rounds(), nanos / 1e6,
                    ahead == null ? "" : ", randomness fetched ahead (deal " + NodeLog.shortId(ahead) + ")")
                    + (betweenServers == null ? "" : String.format(java.util.Locale.ROOT,
                    ", randomness made by the servers: %,d bytes in %d rounds, %.1f ms", betweenServers.bytes(),
                    betweenServers.rounds(), betweenServers.millis())));
        } catch (ServerSession.EndedException e) {
            abort(s, "server " + party + ": " + e.getMessage());
        } catch (ApiException | ChannelException | IllegalStateException e) {
            abort(s, "server " + party + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            abort(s, "server " + party + " ran out of memory for this session");
        } catch (RuntimeException | Error e) {
            abort(s, "server " + party + ": internal error (" + e.getClass().getSimpleName() + ")");
        } finally {
            for (ReadAhead a : aheads) {
                a.close();
            }
            if (stack != null) {
                stack.close();
            }
            if (ch != null) {
                ch.close();
            }
            if (m != null) {
                store.release(m);
            }
        }
    }

    /**
     * Without a dealer a query's oblivious transfers hold hundreds of MB at each server while they run (M2: an
     * item's corrections, up to 106 MB each way) and share the one link anyway, so sessions take turns: server 0
     * runs one session's offline phase at a time, in the order its workers ask, and server 1, whose transfers
     * cannot start before server 0's first message, follows without a bound of its own.
     */
    private final java.util.concurrent.Semaphore otTurn = new java.util.concurrent.Semaphore(1, true);

    /** How long a session waits for its turn at the offline phase: six times its timeout (60 s by default). */
    static Duration otTurnWait(SecureConfig cfg) {
        return cfg.timeout().multipliedBy(6);
    }

    /** Server 0 waits its session's turn at the offline phase, at most {@link #otTurnWait}. */
    private boolean awaitOtTurn(SecureConfig cfg) {
        try {
            if (otTurn.tryAcquire(otTurnWait(cfg).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the session was stopped while it waited for its turn");
        }
        throw new ApiException(503, "the servers are busy making other queries' randomness (without a dealer they"
                + " make one query's at a time, and this one waited " + otTurnWait(cfg).toSeconds() + " s): retry later");
    }

    private final java.util.Map<String, DealerClient.MaskSeed> ownMasks = new java.util.HashMap<>();

    /**
     * Without a dealer, this server's own mask seed for a model version (its joint key), drawn once and kept while
     * the server runs; the peer keeps its own. A server that restarts draws a new one, and both open E again.
     */
    private DealerClient.MaskSeed ownMask(String key) {
        synchronized (ownMasks) {
            return ownMasks.computeIfAbsent(key, k -> new DealerClient.MaskSeed("servers' own", Prg.newSeed()));
        }
    }

    /** The longest wait for a note to the peer that a session ended to be written. */
    private static final Duration ABORT_WAIT = Duration.ofSeconds(2);

    private static final byte OT_FORMAT = 1;
    private static final int OT_BYTES = 1 + 16;
    /** OT sessions kept per server (the newest are offered first). */
    private static final int OT_SESSIONS_KEPT = 4;
    private final java.util.LinkedHashMap<UUID, OtSession> otSessions = new java.util.LinkedHashMap<>();

    /**
     * The OT session (base OTs) this query extends from: on a control session that is not metered, server 0 names
     * the newest it holds and server 1 answers whether it holds it too; if not (first query, or a server
     * restarted), both set a new one up on the query's own link, in its offline traffic, named by the query.
     */
    private OtSession otSession(ServerSession s, SecureConfig cfg, Channel offline) {
        UUID offered = null;
        OtSession offeredSession = null;
        if (party == 0) {
            synchronized (otSessions) {
                for (var e : otSessions.entrySet()) {
                    offered = e.getKey();
                    offeredSession = e.getValue();
                }
            }
        }
        ByteBuffer mine = ByteBuffer.allocate(OT_BYTES).put(OT_FORMAT);
        mine.putLong(offered == null ? 0 : offered.getMostSignificantBits())
                .putLong(offered == null ? 0 : offered.getLeastSignificantBits());
        UUID control = control("ot", s.id);
        OtSession use = null;
        // server 1 waits here while server 0 waits its turn (otTurn)
        Duration wait = party == 1 ? cfg.channelTimeout(OT_BYTES).plus(otTurnWait(cfg)) : cfg.channelTimeout(OT_BYTES);
        try (Channel c = cfg.link().wrap(link.open(control, wait))) {
            byte[] theirs = c.exchange(mine.array());
            if (theirs.length != OT_BYTES || theirs[0] != OT_FORMAT) {
                throw new IllegalStateException("server " + (1 - party) + " named its OT session in another format;"
                        + " run the same Sonic version on both servers");
            }
            if (party == 1) {
                ByteBuffer b = ByteBuffer.wrap(theirs, 1, 16);
                UUID named = new UUID(b.getLong(), b.getLong());
                synchronized (otSessions) {
                    use = otSessions.get(named);
                }
                c.exchange(new byte[] {(byte) (use == null ? 0 : 1)});
            } else {
                byte[] held = c.exchange(new byte[] {0});
                if (held.length == 1 && held[0] == 1) {
                    use = offeredSession;
                }
            }
        }
        if (use == null) {
            use = OtSession.establish(party, offline);
            synchronized (otSessions) {
                otSessions.put(s.id, use);
                while (otSessions.size() > OT_SESSIONS_KEPT) {
                    otSessions.remove(otSessions.keySet().iterator().next());
                }
            }
        }
        return use;
    }

    /** Query k's id at the dealer: the session's own for the first, one derived from it for the others. */
    private static UUID sampleId(UUID session, int k) {
        return k == 0 ? session : UUID.nameUUIDFromBytes(("sample " + k + " of " + session)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static DealPool.Key poolKey(ServerSession s, DealRequest request) {
        return new DealPool.Key(s.modelId, request.forParty(0));
    }

    /** Asks the dealer for one query's randomness and starts reading its answer ahead. */
    private DealPool.Fetched fetch(UUID id, DealRequest request, ModelStore.Loaded m, List<Need<?>> plan, long budget,
                                   String name, Duration timeout) {
        java.io.InputStream deal;
        try {
            deal = dealer.deal(id, request, m.structureJson);
        } catch (DealerClient.MasksRenewed e) {
            // the opened masks held are of a generation the dealer no longer keeps: the next query sets them up again
            ModelStore.MaskState held = m.masks();
            if (held != null && held.generation().equals(request.maskGeneration())) {
                m.masks(null);
                log.accept("the dealer no longer keeps mask generation " + NodeLog.shortId(held.generation())
                        + " of model '" + m.stored.id() + "'; the next query opens its weight masks again");
            }
            throw e;
        }
        DealAnswer.Part part;
        try {
            part = DealAnswer.decode(deal, plan, party);
        } catch (RuntimeException e) {
            try {
                deal.close();
            } catch (java.io.IOException ignored) {
                // the answer is abandoned either way
            }
            throw e;
        }
        return new DealPool.Fetched(id, part.seed(), new ReadAhead(part.payloads(), plan.size(), deal, budget, timeout,
                name));
    }

    /**
     * Runs the batch's queries, each on a thread of its own (the first on this one, with the session's events):
     * every round carries all of them. A query that fails aborts the batch, which ends every other query.
     */
    private List<SharedTensor> runBatch(ServerSession s, SecureParty p, BatchChannel batch, List<Randomness> sources,
                                        Events events) {
        int n = batch.size();
        List<SharedTensor> in = s.input();
        SharedTensor[] out = new SharedTensor[n];
        RuntimeException[] failed = new RuntimeException[n];
        List<Thread> threads = new ArrayList<>();
        for (int k = 1; k < n; k++) {
            int sample = k;
            Thread t = new Thread(() -> {
                try {
                    out[sample] = runOne(p, in.get(sample), batch, sample, sources.get(sample), SecureLayerListener.NONE);
                } catch (RuntimeException e) {
                    failed[sample] = e;
                    batch.abort("server " + party + ": query " + (sample + 1) + " of the batch failed: "
                            + e.getMessage());
                }
            }, "sonic-batch-" + NodeLog.shortId(s.id) + "-" + k);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            out[0] = runOne(p, in.get(0), batch, 0, sources.get(0), events);
        } catch (RuntimeException e) {
            if (n > 1) {
                batch.abort("server " + party + ": " + e.getMessage());
            }
            throw e;
        } finally {
            for (Thread t : threads) {
                try {
                    t.join(s.config.channelTimeout(0).toMillis() * 2 + 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (int k = 1; k < n; k++) {
            if (failed[k] != null) {
                throw failed[k];
            }
            if (out[k] == null) {
                throw new IllegalStateException("query " + (k + 1) + " of the batch did not finish");
            }
        }
        return List.of(out);
    }

    private static SharedTensor runOne(SecureParty p, SharedTensor input, BatchChannel batch, int k, Randomness r,
                                       SecureLayerListener events) {
        SharedTensor y = p.run(input, new MeteredChannel(batch.member(k)), r, events);
        if (r.remaining() != 0) {
            throw new IllegalStateException(r.remaining() + " randomness items left unused");
        }
        return y;
    }

    /** The set-up steps that talk to the peer on a channel of their own before the session's channel opens. */
    private static final List<String> CONTROLS = List.of("sync", "setup", "ot");

    /** The channel of one of a session's set-up steps ({@link #CONTROLS}) on the link. */
    static UUID control(String step, UUID session) {
        if (!CONTROLS.contains(step)) {
            throw new IllegalArgumentException("no set-up step " + step);
        }
        return UUID.nameUUIDFromBytes((step + ":" + session).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Ends the session here (unless it ended already) and tells the peer, with a reason that carries no values, on
     * the session's channel and on those of its set-up steps: the peer may be waiting in any of them (for instance
     * to name the query's randomness while this server waited its turn), and its wait then ends at once with this
     * reason instead of running out. A step the peer passed already only leaves it a note that expires.
     */
    private void abort(ServerSession s, String reason) {
        link.abort(s.id, reason, ABORT_WAIT);
        for (String step : CONTROLS) {
            link.abort(control(step, s.id), reason, ABORT_WAIT);
        }
        if (s.fail(reason)) {
            log.accept("session " + NodeLog.shortId(s.id) + " failed: " + reason);
        }
    }

    /** The per-layer events, and the step gate before each layer. */
    private final class Events implements SecureLayerListener {
        private final ServerSession s;
        /** Dealer bytes per layer index (the last: the output's argmax). */
        private final long[] offline;
        private long wireAtStart;

        Events(ServerSession s, long[] offline) {
            this.s = s;
            this.offline = offline;
        }

        @Override
        public void started(int index, Layer layer, ProtocolId protocol) {
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
        public void finished(int index, Layer layer, ProtocolId protocol, Traffic t, List<Round> rounds, long nanos) {
            long wire = link.wireBytesOut();
            SessionEvent start = layerEvent(SessionEvent.LAYER_END, index, layer, protocol);
            s.event(new SessionEvent(start.type(), start.index(), start.name(), start.op(), start.protocol(),
                    start.protocolId(), start.outputShape(), t.bytes(), t.bytesSent(), t.bytesReceived(), t.rounds(), t.messagesSent(),
                    t.messagesReceived(), wire < 0 || wireAtStart < 0 ? -1 : wire - wireAtStart,
                    offline[index], nanos / 1e6, null, null, rounds.stream()
                    .map(r -> new RoundInfo(r.what(), r.bytesSent(), r.bytesReceived())).toList()));
        }
    }

    private static SessionEvent layerEvent(String type, int index, Layer layer, ProtocolId protocol) {
        return SessionEvent.layer(type, index, layer == null ? "output" : layer.name(),
                layer == null ? "ArgMax" : layer.sourceOp(), protocol.label(), protocol.code(),
                layer == null ? null : layer.outputShape());
    }

    /** What a mask-reuse query uses: the servers' joint key of the version, its mask generation, this server's seed. */
    record MaskUse(String key, String generation, byte[] seed) {
    }

    /** How far a session reads the dealer's answer ahead of its protocols. */
    private static final long READ_AHEAD_BYTES = 64L << 20;

    private static final byte SYNC_FORMAT = 2;
    private static final byte READY = 1;
    /** A version message: format, has key, the upload's mask key, this server's nonce. */
    private static final int VERSION_BYTES = 2 + 2 * Prg.SEED_BYTES;
    /** The fixed part of the set-up message: version message, deal id, held masks' digest. */
    private static final int SYNC_BYTES = VERSION_BYTES + 16 + 32;

    /**
     * What a session's set-up settled with the peer: the mask seed (mask reuse), the dealer request, a single
     * query's randomness, and whether both servers held that ahead (then nothing is left to wait for).
     */
    private record Setup(byte[] maskSeed, DealRequest request, DealPool.Fetched single, boolean ahead) {
    }

    /**
     * A query's set-up with the peer, on one control session (not metered), in one exchange when the servers
     * already hold what the query needs. Each server sends its version of the model (the upload's mask key
     * and its own nonce for the version), the session's settings as text, the randomness it names for the
     * query (server 0: a deal both servers fetched ahead, see {@link DealPool}; zero: the query's own, fetched
     * now) and, in mask-reuse mode, a digest of the opened masks it holds (joint key and the dealer's
     * generation). A peer asked for other settings, or holding another upload, is refused (409).
     *
     * <p>Mask reuse: the joint key SHA-256(mask key ‖ nonce 0 ‖ nonce 1) names the version's mask seeds at
     * the dealer, so that a mask A is used with one stored weight tensor only: a replaced or re-uploaded
     * model gets fresh seeds, whatever key its client sent. When both servers hold E = W − A for that key and
     * the same generation, the query uses it at once. Otherwise (the first query of a version, a server that
     * restarted, a dealer that renewed its seeds) each asks the dealer for the version's seeds, the servers
     * compare generations in a second exchange, and, unless both hold E for that generation, open it again on
     * a setup session; the query then uses its own randomness. A dealer that renewed the seeds while the
     * servers held E refuses their next deal (see {@link #fetch}), which makes the query after it set up again.
     */
    private Setup setUp(ServerSession s, ModelStore.Loaded m, SecureParty p, SecureConfig cfg, List<Need<?>> plan,
                        boolean ot) {
        String hash = m.stored.info().structureHash();
        boolean reuse = cfg.linear() == SecureConfig.LinearMode.MASK_REUSE;
        ModelStore.MaskState held = reuse ? m.masks() : null;
        // the dealer request of this query if the masks held are current on both servers (always so when faithful)
        DealRequest expected = !reuse ? DealRequest.of(party, hash, cfg)
                : held == null ? null : DealRequest.of(party, hash, cfg, held.key(), held.generation());
        boolean single = s.batch == 1 && !ot;
        DealPool.Taken taken = party == 0 && single && expected != null ? pool.take(poolKey(s, expected)) : null;
        // server 1: the deal server 0 named, until the query takes it or it is dropped with server 0's part
        UUID named = null;
        try {
            DealPool.Fetched one;
            byte[] maskSeed;
            DealRequest request;
            LinkChannel control = link.open(control("sync", s.id), cfg.channelTimeout(SYNC_BYTES));
            // a user who deletes the session while this server waits for the peer here frees the worker at once
            s.channel(control);
            if (!s.open()) {
                control.close();
                throw new ServerSession.EndedException(String.valueOf(s.error()));
            }
            try (Channel c = cfg.link().wrap(control)) {
                Sync sync = exchangeSync(c, m.stored, s, taken == null ? null : taken.id(), heldDigest(held));
                named = party == 1 ? sync.deal() : null;
                byte[][] v = party == 0 ? new byte[][] {sync.mine(), sync.theirs()}
                        : new byte[][] {sync.theirs(), sync.mine()};
                String key = null;
                if (!reuse) {
                    // versions stored without a key (by an older client) cannot be compared and run as before
                    if (v[0][1] == 1 && v[1][1] == 1 && !sameMaskKey(v)) {
                        throw new ApiException(409, "server 0 and server 1 hold different uploads of model '"
                                + m.stored.id() + "'; upload it again to both servers");
                    }
                } else {
                    if (v[0][1] == 0 || v[1][1] == 0) {
                        String where = v[0][1] == 0 && v[1][1] == 0 ? "both servers"
                                : "server " + (v[0][1] == 0 ? 0 : 1);
                        throw new ApiException(409, "model '" + m.stored.id() + "' on " + where + " was stored"
                                + " without a mask key (uploaded by an older client), so it cannot run in mask-reuse"
                                + " mode; upload it again (faithful mode works as it is)");
                    }
                    if (!sameMaskKey(v)) {
                        throw new ApiException(409, "server 0 and server 1 hold different uploads of model '"
                                + m.stored.id() + "' (their mask keys differ); upload it again to both servers");
                    }
                    key = jointKey(v[0], v[1]);
                }
                // faithful, or both servers hold the current opened masks: the query runs with the deal named
                if (!reuse || held != null && held.key().equals(key)
                        && Arrays.equals(sync.theirHeld(), heldDigest(held))) {
                    if (reuse) {
                        p.useOpenedMasks(held.opened());
                    }
                    return new Setup(reuse ? held.seed() : null, expected, single ? chosen(s, cfg, expected, m, plan,
                            taken, sync.deal()) : null, single && (party == 0 ? taken != null : sync.deal() != null));
                }
                // the deal taken ahead was for masks that are not current on both servers: the query fetches its own
                if (taken != null) {
                    taken.fetched().ahead().close();
                    taken = null;
                }
                if (named != null) {
                    pool.discard(named);
                    named = null;
                }
                MaskUse use = currentMasks(s.id, c, m, p, cfg, key);
                maskSeed = use.seed();
                request = DealRequest.of(party, hash, cfg, use.key(), use.generation());
            }
            one = single ? chosen(s, cfg, request, m, plan, null, null) : null;
            return new Setup(maskSeed, request, one, false);
        } catch (RuntimeException e) {
            if (taken != null) {
                taken.fetched().ahead().close();
            }
            if (named != null) {
                pool.discard(named);
            }
            throw e;
        }
    }

    /**
     * Mask reuse when the servers do not both hold current masks: the dealer's seeds for the version (the
     * servers' own without a dealer), a second exchange comparing generations and whether each holds E for
     * it, and, unless both do, E opened again on a setup session and kept with the model.
     */
    private MaskUse currentMasks(UUID session, Channel c, ModelStore.Loaded m, SecureParty p, SecureConfig cfg,
                                 String key) {
        ModelStore.Stored st = m.stored;
        DealerClient.MaskSeed mask;
        try {
            mask = cfg.preprocessing() == SecureConfig.Preprocessing.OT ? ownMask(key)
                    : dealer.masks(st.info().structureHash(), key, m.structureJson);
        } catch (ApiException e) {
            c.abort("server " + party + ": " + e.getMessage());
            throw e;
        }
        ModelStore.MaskState have = m.masks();
        boolean holds = have != null && have.key().equals(key) && have.generation().equals(mask.generation());
        byte[] generation = digest(mask.generation().getBytes(StandardCharsets.UTF_8));
        byte[] state = new byte[1 + Prg.SEED_BYTES];
        state[0] = (byte) (holds ? 1 : 0);
        System.arraycopy(generation, 0, state, 1, Prg.SEED_BYTES);
        byte[] other = c.exchange(state);
        if (other.length != state.length) {
            throw new IllegalStateException("server " + (1 - party) + " sent a malformed mask state");
        }
        if (!Arrays.equals(generation, 0, Prg.SEED_BYTES, other, 1, 1 + Prg.SEED_BYTES)) {
            throw new ApiException(409, "server 0 and server 1 got different mask generations of model '"
                    + st.id() + "' from the dealer (it renewed the seeds meanwhile); retry the query");
        }
        if (holds && other[0] == 1) {
            p.useOpenedMasks(have.opened());
            // the seed too, should the generation have been kept from before this server held the seed
            m.masks(new ModelStore.MaskState(key, mask.generation(), have.opened(), mask.seed()));
            return new MaskUse(key, mask.generation(), mask.seed());
        }
        log.accept("session " + NodeLog.shortId(session) + ": opening the weight masks of model '" + st.id()
                + "' (W − A) for mask generation " + NodeLog.shortId(mask.generation()));
        UUID setup = control("setup", session);
        try (LinkChannel sc = link.open(setup, cfg.channelTimeout(CostModel.maskSetup(m.graph).onlineBytes() / 2));
             Channel simulated = cfg.link().wrap(sc)) {
            p.openMasks(simulated, mask.seed());
        }
        m.masks(new ModelStore.MaskState(key, mask.generation(), p.openedMasks(), mask.seed()));
        return new MaskUse(key, mask.generation(), mask.seed());
    }

    /**
     * A single query's randomness: server 0's deal taken ahead, or (none, or on server 1 none named) the
     * query's own, fetched now; server 1 takes the deal server 0 named from its own pool.
     */
    private DealPool.Fetched chosen(ServerSession s, SecureConfig cfg, DealRequest request, ModelStore.Loaded m,
                                    List<Need<?>> plan, DealPool.Taken taken, UUID named) {
        UUID own = sampleId(s.id, 0);
        if (party == 0 && taken != null) {
            return taken.fetched();
        }
        if (party == 0 || named == null) {
            return fetch(own, request, m, plan, READ_AHEAD_BYTES, "sonic-deal-" + NodeLog.shortId(s.id), cfg.timeout());
        }
        DealPool.Fetched f = pool.take(named, poolKey(s, request));
        if (f == null) {
            throw new IllegalStateException("server 1 does not hold the randomness that server 0 fetched ahead for"
                    + " this query (it expired, server 1 restarted, or it was fetched for another model or"
                    + " configuration); retry the query");
        }
        return f;
    }

    private static boolean sameMaskKey(byte[][] v) {
        return Arrays.equals(v[0], 2, 2 + Prg.SEED_BYTES, v[1], 2, 2 + Prg.SEED_BYTES);
    }

    /** The peer's answer to a set-up exchange: both version messages, the deal server 0 named, the peer's held masks. */
    private record Sync(byte[] mine, byte[] theirs, UUID deal, byte[] theirHeld) {
    }

    /** The session's settings, which both servers must have been asked for alike (public: the client chose them). */
    static String settings(ServerSession s) {
        return s.config.text() + " batch=" + s.batch + " step=" + s.stepping + " model=" + s.modelId;
    }

    /**
     * The set-up exchange: [version message][deal id, 16 bytes, zero for none][held masks' digest, 32 bytes, zero
     * for none][settings as text]. Refuses another format, and (409) a peer asked for other settings: a client that
     * opened the session differently on the two servers gets that said at once, instead of two protocols that
     * wait for each other.
     */
    private Sync exchangeSync(Channel c, ModelStore.Stored st, ServerSession s, UUID deal, byte[] held) {
        byte[] text = settings(s).getBytes(StandardCharsets.UTF_8);
        ByteBuffer mine = ByteBuffer.allocate(SYNC_BYTES + text.length).put(versionMessage(st))
                .putLong(deal == null ? 0 : deal.getMostSignificantBits())
                .putLong(deal == null ? 0 : deal.getLeastSignificantBits()).put(held).put(text);
        byte[] theirs = c.exchange(mine.array());
        if (theirs.length < SYNC_BYTES || theirs[0] != SYNC_FORMAT) {
            throw new IllegalStateException("server " + (1 - party) + " sent its set-up in another format; run"
                    + " the same Sonic version on both servers");
        }
        String other = new String(theirs, SYNC_BYTES, theirs.length - SYNC_BYTES, StandardCharsets.UTF_8);
        if (!other.equals(settings(s))) {
            throw new ApiException(409, "server 0 and server 1 were asked for different settings for this session"
                    + " (server " + party + ": " + settings(s) + "; server " + (1 - party) + ": "
                    + io.sonic.cloud.api.ApiJson.printable(other) + "); open it with the same settings on both servers");
        }
        ByteBuffer b = ByteBuffer.wrap(theirs, VERSION_BYTES, 16);
        UUID named = new UUID(b.getLong(), b.getLong());
        return new Sync(Arrays.copyOf(mine.array(), VERSION_BYTES), Arrays.copyOf(theirs, VERSION_BYTES),
                named.getMostSignificantBits() == 0 && named.getLeastSignificantBits() == 0 ? null : named,
                Arrays.copyOfRange(theirs, VERSION_BYTES + 16, SYNC_BYTES));
    }

    /** What a server holds of a version's opened masks, as it tells the peer: a digest of key and generation, or zeros. */
    private static byte[] heldDigest(ModelStore.MaskState held) {
        return held == null ? new byte[32] : digest(("sonic held masks v1 " + held.key() + " " + held.generation())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** [format][has key][the upload's mask key, 16 bytes][this server's nonce for the version, 16 bytes]. */
    private static byte[] versionMessage(ModelStore.Stored st) {
        byte[] b = new byte[VERSION_BYTES];
        b[0] = SYNC_FORMAT;
        if (st.maskKey() != null && st.maskNonce() != null) {
            b[1] = 1;
            System.arraycopy(HexFormat.of().parseHex(st.maskKey()), 0, b, 2, Prg.SEED_BYTES);
            System.arraycopy(HexFormat.of().parseHex(st.maskNonce()), 0, b, 2 + Prg.SEED_BYTES, Prg.SEED_BYTES);
        }
        return b;
    }

    /** The joint mask key of a version, from server 0's and server 1's version messages: 64 hex digits. */
    static String jointKey(byte[] of0, byte[] of1) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("sonic mask key v1".getBytes(StandardCharsets.US_ASCII));
            d.update(of0, 2, Prg.SEED_BYTES);
            d.update(of0, 2 + Prg.SEED_BYTES, Prg.SEED_BYTES);
            d.update(of1, 2 + Prg.SEED_BYTES, Prg.SEED_BYTES);
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
