package io.sonic.engine;

import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.Channel;
import io.sonic.engine.net.InMemoryChannel;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.ot.OtPreprocessing;
import io.sonic.engine.ot.OtSession;
import io.sonic.engine.protocol.PartyContext;
import io.sonic.engine.protocol.Traced;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Test runner for two-party protocol code: both servers on two threads with a plan made by the dealer or by
 * the servers with oblivious transfer ({@link Source}), an
 * in-memory channel (optionally wrapped, e.g. to record what a server receives) and a timeout that
 * closes both ends when one side fails, so a failing test never hangs.
 */
public final class TwoParties {
    public record Run<T>(T out0, T out1, MeteredChannel meter0, MeteredChannel meter1, Dealer.Dealt dealt) {
    }

    private TwoParties() {
    }

    /** Runs the body as both servers, with the plan traced from the body itself. */
    public static <T> Run<T> run(SecureConfig cfg, Function<PartyContext, T> body) {
        return run(null, cfg, c -> c, body);
    }

    public static <T> Run<T> run(SecureConfig cfg, UnaryOperator<Channel> wrap, Function<PartyContext, T> body) {
        return run(null, cfg, wrap, body);
    }

    /** Runs the body as both servers with a given plan (null: traced from the body). */
    public static <T> Run<T> run(List<Need<?>> plan, SecureConfig cfg, Function<PartyContext, T> body) {
        return run(plan, cfg, c -> c, body);
    }

    public static <T> Run<T> run(List<Need<?>> given, SecureConfig cfg, UnaryOperator<Channel> wrap,
                                 Function<PartyContext, T> body) {
        return run(given, cfg, Source.DEALER, wrap, body);
    }

    /**
     * Where the run's correlated randomness comes from: the seeded dealer, or the two servers themselves with
     * oblivious transfer over the same metered link before the body runs (in the meter's scope "offline"; the OT
     * sessions' base OTs were made once before, see {@link #otSessions}).
     */
    public enum Source {
        DEALER, OT
    }

    public static <T> Run<T> run(List<Need<?>> plan, SecureConfig cfg, Source source, Function<PartyContext, T> body) {
        return run(plan, cfg, source, c -> c, body);
    }

    public static <T> Run<T> run(List<Need<?>> given, SecureConfig cfg, Source source, UnaryOperator<Channel> wrap,
                                 Function<PartyContext, T> body) {
        List<Need<?>> plan = given != null ? given : Traced.plan(cfg, body::apply);
        Dealer.Dealt dealt = Dealer.deal(plan, null, 64);
        OtSession[] sessions = source == Source.OT ? otSessions() : null;
        long nonce = NONCES.getAndIncrement();
        MeteredChannel[] m = new MeteredChannel[2];
        List<T> out = both(wrap, m, (party, ch) -> {
            Randomness r;
            if (source == Source.OT) {
                try (MeteredChannel.Scope s = ch.scope("offline")) {
                    r = OtPreprocessing.prepare(party, ch, sessions[party].begin(nonce), plan, null);
                }
            } else {
                r = Randomness.dealt(party, dealt, null);
            }
            try (MeteredChannel.Scope s = ch.scope("test")) {
                T o = body.apply(new PartyContext(party, ch, r, cfg));
                if (r.remaining() != 0) {
                    throw new IllegalStateException(r.remaining() + " randomness items unused");
                }
                return o;
            }
        });
        return new Run<>(out.get(0), out.get(1), m[0], m[1], dealt);
    }

    /** Runs the body as both parties over a fresh in-memory pair, metered; see {@link #both(UnaryOperator, MeteredChannel[], BiFunction)}. */
    public static <T> List<T> both(MeteredChannel[] meters, BiFunction<Integer, MeteredChannel, T> body) {
        return both(c -> c, meters, body);
    }

    /**
     * Runs the body as party 0 and party 1 on two threads over a fresh in-memory pair (each end optionally
     * wrapped, then metered into {@code meters}). The first failure closes both ends, so the other side stops too,
     * and is the one thrown, not the "channel closed" it causes on the other side.
     */
    public static <T> List<T> both(UnaryOperator<Channel> wrap, MeteredChannel[] meters,
                                   BiFunction<Integer, MeteredChannel, T> body) {
        InMemoryChannel[] pair = InMemoryChannel.pair(Duration.ofSeconds(60));
        meters[0] = new MeteredChannel(wrap.apply(pair[0]));
        meters[1] = new MeteredChannel(wrap.apply(pair[1]));
        AtomicReference<Throwable> first = new AtomicReference<>();
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            List<Future<T>> f = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int party = p;
                f.add(ex.submit(() -> {
                    try {
                        return body.apply(party, meters[party]);
                    } catch (RuntimeException | Error e) {
                        first.compareAndSet(null, e);
                        pair[0].close();
                        pair[1].close();
                        throw e;
                    }
                }));
            }
            return List.of(f.get(0).get(120, TimeUnit.SECONDS), f.get(1).get(120, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            Throwable cause = first.get() != null ? first.get() : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the two parties did not finish within 120 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pair[0].close();
            pair[1].close();
            ex.shutdownNow();
        }
    }

    private static final AtomicLong NONCES = new AtomicLong(1);
    private static OtSession[] sessions;

    /**
     * The two servers' OT sessions, set up once for all runs (as a link's session is, before its queries) over a
     * link of their own, so a run's meter and recordings hold only the query's own preprocessing.
     */
    private static synchronized OtSession[] otSessions() {
        if (sessions == null) {
            sessions = both(new MeteredChannel[2], OtSession::establish).toArray(new OtSession[0]);
        }
        return sessions;
    }

    public static long[] sum(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    /** n test values from a seeded (non-secret) generator: uniform over the ring for 64 bits, else in ±2^bits. */
    public static long[] random(int n, long seed, int bits) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = bits == 64 ? r.nextLong() : r.nextLong(-(1L << bits), 1L << bits);
        }
        return x;
    }

    /** Splits plaintext values into two additive shares with a test-seeded (non-secret) generator. */
    public static long[][] share(long[] x, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        long[] s1 = new long[x.length];
        long[] s0 = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            s1[i] = r.nextLong();
            s0[i] = x[i] - s1[i];
        }
        return new long[][] {s0, s1};
    }
}
