package io.sonic.cloud.server;

import io.sonic.cloud.api.OnlineTraffic;
import io.sonic.cloud.api.RoundInfo;
import io.sonic.cloud.api.SessionEvent;
import io.sonic.cloud.dealer.DealRequest;
import io.sonic.cloud.dealer.DealAnswer;
import io.sonic.cloud.link.LinkChannel;
import io.sonic.cloud.link.PeerLink;
import io.sonic.cloud.wire.ShareCodec;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureLayerListener;
import io.sonic.engine.SecureParty;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.layer.Layer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
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
        ReadAhead ahead = null;
        try {
            if (!s.open()) {
                return;
            }
            m = store.acquire(s.modelId);
            SecureConfig cfg = s.config;
            List<Need<?>> plan = Plan.of(m.graph, cfg);
            SecureParty p = new SecureParty(party, m.graph, m.share, cfg);
            String hash = m.stored.info().structureHash();
            byte[] maskSeed = null;
            DealRequest request;
            if (cfg.linear() == SecureConfig.LinearMode.MASK_REUSE) {
                MaskUse masks = masks(m, p, s.id, cfg.timeout());
                maskSeed = masks.seed();
                request = DealRequest.of(party, hash, cfg, masks.key(), masks.generation());
            } else {
                sameUpload(m.stored, s.id, cfg.timeout());
                request = DealRequest.of(party, hash, cfg);
            }
            java.io.InputStream deal = dealer.deal(s.id, request, m.structureJson);
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
            ahead = new ReadAhead(part.payloads(), plan.size(), deal, READ_AHEAD_BYTES, cfg.timeout(),
                    "sonic-deal-" + NodeLog.shortId(s.id));
            long offline = Dealer.offlineBytesOf(plan);
            Randomness r = Randomness.fromPayloads(party, plan, part.seed(), ahead, maskSeed);
            // the dealer's part is offline: read it (or as much as the budget holds) before the online phase
            ahead.awaitFilled();
            ch = link.open(s.id, cfg.timeout());
            s.channel(ch);
            MeteredChannel metered = new MeteredChannel(ch);
            long wireBefore = link.wireBytesOut();
            long onlineStart = System.nanoTime();
            Events events = new Events(s, Dealer.offlineBytesPerLayer(plan, m.graph.layers().size()));
            SharedTensor out = p.run(s.input(), metered, r, events);
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
            if (ahead != null) {
                ahead.close();
            }
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

    private static final byte SYNC_FORMAT = 1;
    private static final int SYNC_BYTES = 2 + 2 * Prg.SEED_BYTES;

    /**
     * Mask-reuse mode: makes sure both servers hold E = W − A for this model version's mask seeds. On a
     * control session (not metered) the servers first show each other the version they hold: the upload's
     * mask key, which must be the same on both (else they hold different uploads and the query fails), and
     * each server's own nonce for the version. The joint key SHA-256(mask key ‖ nonce 0 ‖ nonce 1) names
     * the version's mask seeds at the dealer, so that a mask A is used with one stored weight tensor only:
     * a replaced or re-uploaded model gets fresh seeds, whatever key its client sent. Then the servers tell
     * each other whether they already hold E for the dealer's generation of those seeds; if either lacks
     * it, both open it again on a setup session.
     */
    /**
     * Faithful mode: the servers show each other the upload they hold (its mask key, on a control session
     * that is not metered) and refuse to compute when the keys differ, for instance after an upload that
     * reached one server and failed on the other: two different shares would give a silently wrong
     * result. Versions stored without a key (by an older client) cannot be compared and run as before.
     */
    private void sameUpload(ModelStore.Stored st, UUID session, Duration timeout) {
        UUID control = UUID.nameUUIDFromBytes(("sync:" + session).getBytes(StandardCharsets.UTF_8));
        try (LinkChannel c = link.open(control, timeout)) {
            byte[] mine = versionMessage(st);
            byte[] theirs = c.exchange(mine.clone());
            if (theirs.length != SYNC_BYTES || theirs[0] != SYNC_FORMAT) {
                throw new IllegalStateException("server " + (1 - party) + " sent its model version in another"
                        + " format; run the same Sonic version on both servers");
            }
            if (mine[1] == 1 && theirs[1] == 1 && !Arrays.equals(mine, 2, 2 + Prg.SEED_BYTES, theirs, 2,
                    2 + Prg.SEED_BYTES)) {
                throw new ApiException(409, "server 0 and server 1 hold different uploads of model '" + st.id()
                        + "'; upload it again to both servers");
            }
        }
    }

    private MaskUse masks(ModelStore.Loaded m, SecureParty p, UUID session, Duration timeout) {
        ModelStore.Stored st = m.stored;
        String key;
        DealerClient.MaskSeed mask;
        ModelStore.MaskState have;
        UUID control = UUID.nameUUIDFromBytes(("sync:" + session).getBytes(StandardCharsets.UTF_8));
        try (LinkChannel c = link.open(control, timeout)) {
            byte[] mine = versionMessage(st);
            byte[] theirs = c.exchange(mine.clone());
            if (theirs.length != SYNC_BYTES || theirs[0] != SYNC_FORMAT) {
                throw new IllegalStateException("server " + (1 - party) + " set up mask reuse in another format; run"
                        + " the same Sonic version on both servers");
            }
            byte[][] v = party == 0 ? new byte[][] {mine, theirs} : new byte[][] {theirs, mine};
            if (v[0][1] == 0 || v[1][1] == 0) {
                String where = v[0][1] == 0 && v[1][1] == 0 ? "both servers"
                        : "server " + (v[0][1] == 0 ? 0 : 1);
                throw new ApiException(409, "model '" + st.id() + "' on " + where + " was stored without a mask key"
                        + " (uploaded by an older client), so it cannot run in mask-reuse mode; upload it again"
                        + " (faithful mode works as it is)");
            }
            if (!Arrays.equals(v[0], 2, 2 + Prg.SEED_BYTES, v[1], 2, 2 + Prg.SEED_BYTES)) {
                throw new ApiException(409, "server 0 and server 1 hold different uploads of model '" + st.id()
                        + "' (their mask keys differ); upload it again to both servers");
            }
            key = jointKey(v[0], v[1]);
            try {
                mask = dealer.masks(st.info().structureHash(), key, m.structureJson);
            } catch (ApiException e) {
                c.abort("server " + party + ": " + e.getMessage());
                throw e;
            }
            have = m.masks();
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
                return new MaskUse(key, mask.generation(), mask.seed());
            }
        }
        UUID setup = UUID.nameUUIDFromBytes(("setup:" + session).getBytes(StandardCharsets.UTF_8));
        try (LinkChannel c = link.open(setup, timeout)) {
            p.openMasks(new MeteredChannel(c), mask.seed());
        }
        m.masks(new ModelStore.MaskState(key, mask.generation(), p.openedMasks()));
        return new MaskUse(key, mask.generation(), mask.seed());
    }

    /** [format][has key][the upload's mask key, 16 bytes][this server's nonce for the version, 16 bytes]. */
    private static byte[] versionMessage(ModelStore.Stored st) {
        byte[] b = new byte[SYNC_BYTES];
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
