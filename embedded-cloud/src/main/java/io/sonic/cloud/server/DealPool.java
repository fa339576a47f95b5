package io.sonic.cloud.server;

import io.sonic.cloud.api.ApiJson;
import io.sonic.cloud.dealer.DealRequest;
import io.sonic.cloud.link.PeerLink;
import io.sonic.engine.Plan;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Correlated randomness fetched from the dealer ahead of the queries that use it, so that a query does not
 * wait for the dealer: per model and configuration, up to {@value #DEPTH} queries' worth on each server.
 *
 * <p>Server 0 leads. When a single query of a model and configuration is done, it makes sure that the next
 * ones' randomness is on its way: it picks a fresh deal id, announces it to server 1 over the link (a control
 * message with the model id and the dealer request, no values), and both servers fetch their part of that
 * deal from the dealer, as they would for a query. Server 1 answers when it holds its part (or why it
 * could not fetch it). Only a deal that both servers hold, announced over the link's current connection,
 * is ever used: server 0 takes it for one query and sends its id to server 1 on the query's control
 * channel; server 1 takes the same one. A deal is taken once and then forgotten on both sides, so no
 * triple, mask or key is used twice; the dealer itself hands each part out once.
 *
 * <p>Bounded: at most {@value #MAX_ENTRY_MIB} MiB of dealer data per deal (larger queries fetch their own,
 * streamed), {@value #MAX_POOL_MIB} MiB in all, and a deal unused for {@link #MAX_AGE} is dropped, as is
 * every deal when the link's connection changes (a restart of either server).
 */
final class DealPool implements AutoCloseable {
    /** How many queries' randomness each model and configuration has ready or on its way. */
    static final int DEPTH = 2;
    static final int MAX_ENTRY_MIB = 32;
    static final int MAX_POOL_MIB = 128;
    /** Server 0 drops an unused deal after this long; server 1 keeps its part twice as long. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final byte ANNOUNCE = 1;
    private static final byte ANSWER = 2;

    /** One query's answer from the dealer: its deal id, this server's seed, and its payloads as they are read ahead. */
    record Fetched(UUID deal, byte[] seed, ReadAhead ahead) {
    }

    /** What a pooled deal is for: a model id and the dealer request (written for party 0). */
    record Key(String modelId, DealRequest request) {
    }

    /** Server 0's announcement (the deal id travels beside it). */
    record Announcement(String model, DealRequest request) {
    }

    /** Server 1's answer to an announcement. */
    record Answer(boolean held, String why) {
    }

    /** One deal: fetched here, and (on server 0) held by server 1 too once it said so. */
    private static final class Entry {
        final UUID id;
        final Key key;
        final long epoch;
        final long bytes;
        final long created = System.nanoTime();
        volatile Fetched fetched;
        volatile boolean peerHolds;
        volatile boolean failed;

        Entry(UUID id, Key key, long epoch, long bytes) {
            this.id = id;
            this.key = key;
            this.epoch = epoch;
            this.bytes = bytes;
        }

        boolean ready() {
            return fetched != null && !failed;
        }
    }

    /** Fetches one deal's part of this server (the same request a query makes). */
    interface Fetcher {
        Fetched fetch(UUID deal, DealRequest request, ModelStore.Loaded m, List<Need<?>> plan, String name);
    }

    private final int party;
    private final SessionRunner.Models store;
    private final PeerLink link;
    private final Fetcher fetcher;
    private final Duration timeout;
    private final Consumer<String> log;
    private final Map<UUID, Entry> entries = new LinkedHashMap<>();
    private final ExecutorService workers;

    DealPool(int party, SessionRunner.Models store, PeerLink link, Fetcher fetcher, Duration timeout, Consumer<String> log) {
        this.party = party;
        this.store = store;
        this.link = link;
        this.fetcher = fetcher;
        this.timeout = timeout;
        this.log = log;
        this.workers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sonic-deal-pool-" + party);
            t.setDaemon(true);
            return t;
        });
        link.onControl(this::onControl);
    }

    /** Bytes of a deal of this plan held on server {@code party}: its seed and its payload of every item. */
    static long bytesOf(List<Need<?>> plan, int party) {
        long n = io.sonic.engine.crypto.Prg.SEED_BYTES;
        for (Need<?> need : plan) {
            n += 8 * Dealer.payloadLongs(need, party);
        }
        return n;
    }

    // ------------------------------------------------------------------ server 0

    /**
     * Server 0: a deal of this key that both servers hold, taken (it is never handed out again), or null.
     */
    synchronized Taken take(Key key) {
        long now = link.epoch();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.key.equals(key) && e.epoch == now && e.ready() && e.peerHolds) {
                it.remove();
                return new Taken(e.id, e.fetched);
            }
        }
        return null;
    }

    /** A deal taken from the pool: its id at the dealer and this server's part. */
    record Taken(UUID id, Fetched fetched) {
    }

    /**
     * Server 0: starts fetching deals of this key ahead until {@value #DEPTH} are ready or on their way
     * (within the bounds); returns at once.
     */
    void refill(Key key, ModelStore.Loaded m, List<Need<?>> plan) {
        long bytes = bytesOf(plan, party);
        if (party != 0 || bytes > (long) MAX_ENTRY_MIB << 20 || !link.connected()) {
            return;
        }
        List<Entry> started = new ArrayList<>();
        synchronized (this) {
            long epoch = link.epoch();
            long have = entries.values().stream().filter(e -> e.key.equals(key) && e.epoch == epoch && !e.failed)
                    .count();
            for (long k = have; k < DEPTH && used() + bytes <= (long) MAX_POOL_MIB << 20; k++) {
                Entry e = new Entry(UUID.randomUUID(), key, epoch, bytes);
                entries.put(e.id, e);
                started.add(e);
            }
        }
        for (Entry e : started) {
            byte[] message = message(ANNOUNCE, e.id, ApiJson.write(new Announcement(key.modelId(), key.request())));
            try {
                workers.execute(() -> {
                    try {
                        link.sendControl(message, timeout);
                    } catch (RuntimeException x) {
                        drop(e, null);
                        return;
                    }
                    fetchInto(e, key.request(), m, plan);
                });
            } catch (RejectedExecutionException x) {
                drop(e, null);
            }
        }
    }

    private void onAnswer(UUID id, Answer a) {
        Entry e;
        synchronized (this) {
            e = entries.get(id);
        }
        if (e == null) {
            return;
        }
        if (a.held()) {
            e.peerHolds = true;
        } else {
            drop(e, "server 1 could not fetch randomness ahead: " + a.why());
        }
    }

    // ------------------------------------------------------------------ server 1

    private void onAnnouncement(UUID id, Announcement a) {
        DealRequest mine = a.request().forParty(1);
        try {
            workers.execute(() -> {
                String why = fetchAnnounced(id, a.model(), mine);
                byte[] answer = message(ANSWER, id, ApiJson.write(new Answer(why == null, why)));
                try {
                    link.sendControl(answer, timeout);
                } catch (RuntimeException x) {
                    // the link dropped: server 0 forgets its deals with the connection
                }
            });
        } catch (RejectedExecutionException x) {
            // closing
        }
    }

    /** Fetches an announced deal; null when held, else why not (no values in it). */
    private String fetchAnnounced(UUID id, String modelId, DealRequest request) {
        ModelStore.Loaded m;
        try {
            m = store.acquire(modelId);
        } catch (RuntimeException e) {
            return "model '" + modelId + "' is not here (" + e.getMessage() + ")";
        }
        try {
            if (!m.stored.info().structureHash().equals(request.structureHash())) {
                return "server 1 holds another version of model '" + modelId + "'";
            }
            SecureConfig cfg;
            try {
                cfg = request.config(timeout);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            List<Need<?>> plan = Plan.of(m.graph, cfg);
            long bytes = bytesOf(plan, party);
            Entry e;
            synchronized (this) {
                if (entries.containsKey(id) || used() + bytes > (long) MAX_POOL_MIB << 20) {
                    return entries.containsKey(id) ? "deal announced twice" : "server 1's pool is full";
                }
                e = new Entry(id, new Key(modelId, request.forParty(0)), link.epoch(), bytes);
                entries.put(id, e);
            }
            fetchInto(e, request, m, plan);
            return e.ready() ? null : "the dealer did not answer";
        } finally {
            store.release(m);
        }
    }

    /**
     * Server 1: the deal server 0 chose for a query of {@code key}, taken, waiting for it while it is still being
     * fetched; null when this server does not hold it, or holds it for another model or configuration.
     */
    Fetched take(UUID id, Key key) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                Entry e = entries.get(id);
                if (e == null || e.failed || e.epoch != link.epoch() || !e.key.equals(key)) {
                    entries.remove(id);
                    if (e != null && e.fetched != null) {
                        e.fetched.ahead().close();
                    }
                    return null;
                }
                if (e.ready()) {
                    entries.remove(id);
                    return e.fetched;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /**
     * Server 1: forgets a deal server 0 named for a query that then did not use it (its set-up took the slow
     * path, and server 0 dropped its own part), so that it does not stay here until it expires.
     */
    void discard(UUID id) {
        Entry e;
        synchronized (this) {
            e = entries.get(id);
        }
        if (e != null) {
            drop(e, null);
        }
    }

    // ------------------------------------------------------------------ both

    private void fetchInto(Entry e, DealRequest request, ModelStore.Loaded m, List<Need<?>> plan) {
        DealRequest forMe = request.forParty(party);
        try {
            Fetched f = fetcher.fetch(e.id, forMe, m, plan, "sonic-deal-ahead-" + NodeLog.shortId(e.id));
            f.ahead().awaitFilled();
            boolean kept;
            synchronized (this) {
                kept = entries.get(e.id) == e;
                if (kept) {
                    e.fetched = f;
                }
                notifyAll();
            }
            if (!kept) {
                f.ahead().close();
            }
        } catch (RuntimeException x) {
            drop(e, party == 0 ? "fetching randomness ahead failed: " + x.getMessage() : null);
        }
    }

    private void drop(Entry e, String why) {
        synchronized (this) {
            e.failed = true;
            if (entries.remove(e.id) == null) {
                return;
            }
            notifyAll();
        }
        Fetched f = e.fetched;
        if (f != null) {
            f.ahead().close();
        }
        if (why != null) {
            log.accept(why);
        }
    }

    private long used() {
        long n = 0;
        for (Entry e : entries.values()) {
            n += e.bytes;
        }
        return n;
    }

    /** Drops deals unused for too long, and every deal agreed over an earlier connection of the link. */
    void expire() {
        long limit = System.nanoTime() - MAX_AGE.toNanos() * (party == 0 ? 1 : 2);
        long epoch = link.epoch();
        List<Entry> old = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries.values()) {
                if (e.epoch != epoch || e.created < limit) {
                    old.add(e);
                }
            }
        }
        for (Entry e : old) {
            drop(e, null);
        }
    }

    /** How many deals this server holds ready (server 0: that server 1 holds too), for the status page. */
    synchronized int ready() {
        long epoch = link.epoch();
        return (int) entries.values().stream().filter(e -> e.ready() && e.epoch == epoch
                && (party == 1 || e.peerHolds)).count();
    }

    private static byte[] message(byte kind, UUID id, byte[] json) {
        return ByteBuffer.allocate(17 + json.length).put(kind).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).put(json).array();
    }

    private void onControl(byte[] m) {
        if (m.length < 17) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(m);
        byte kind = b.get();
        UUID id = new UUID(b.getLong(), b.getLong());
        byte[] json = new byte[b.remaining()];
        b.get(json);
        try {
            if (kind == ANNOUNCE && party == 1) {
                onAnnouncement(id, ApiJson.answer(json, Announcement.class));
            } else if (kind == ANSWER && party == 0) {
                onAnswer(id, ApiJson.answer(json, Answer.class));
            }
        } catch (RuntimeException e) {
            log.accept("ignored a malformed control message from server " + (1 - party) + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
        }
        for (Entry e : all) {
            drop(e, null);
        }
    }
}
