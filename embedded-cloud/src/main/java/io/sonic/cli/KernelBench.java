package io.sonic.cli;

import io.sonic.engine.SecureConfig;
import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Bilinear;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.InMemoryChannel;
import io.sonic.engine.net.LinkProfile;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.protocol.PartyContext;
import io.sonic.engine.fss.Dcf;
import io.sonic.engine.fss.FixedKeyAes;
import io.sonic.engine.protocol.Suite;
import io.sonic.engine.protocol.Traced;
import io.sonic.model.geometry.ConvGeometry;
import io.sonic.model.geometry.MatMulGeometry;
import io.sonic.model.geometry.Windows;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Microbenchmarks of the hot kernels (the FSS suite's DCF kernel among them), each timed over repeated runs after a warm-up (the median is
 * printed; the machine's noise shows in the spread between p10 and p90).
 */
final class KernelBench {
    /** Warm-up: at least this many calls, and on until the JIT has had this long (but never more calls than the cap). */
    private static final int WARMUP = 20;
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final int WARMUP_CAP = 5_000;
    private static final int RUNS = 40;
    /** Keeps the results alive so that the JIT cannot drop the measured work. */
    static volatile long blackhole;

    private KernelBench() {
    }

    static void run(PrintWriter out) {
        Table t = new Table(List.of("kernel", "size", "median", "p10", "p90", "throughput"),
                false, false, true, true, true, true);
        Prg prg = Prg.fresh();
        int n = 1 << 20;
        double[] prgMs = time(() -> prg.longs(n)[0]);
        t.row("AES-CTR PRG", "2^20 ring elements", ms(prgMs[1]), ms(prgMs[0]), ms(prgMs[2]),
                String.format("%.0f MB/s", n * 8 / 1e6 / (prgMs[1] / 1e3)));

        MatMulGeometry mg = MatMulGeometry.of(new int[] {1, 784}, false, new int[] {784, 128}, false);
        Bilinear mm = Bilinear.matmul(mg, 784 * 128, 784, false);
        long[] w = prg.longs(784 * 128);
        long[] x = prg.longs(784);
        double[] mmMs = time(() -> mm.apply(w, x)[0]);
        t.row("share matmul (M1 layer 1)", "784x128", ms(mmMs[1]), ms(mmMs[0]), ms(mmMs[2]),
                String.format("%.0f MMAC/s", 784 * 128 / 1e6 / (mmMs[1] / 1e3)));

        Windows win = Windows.of(new int[] {12, 12}, new int[] {5, 5}, new int[] {1, 1}, new int[] {1, 1},
                new int[4], "NOTSET", false);
        ConvGeometry cg = new ConvGeometry(new int[] {1, 16, 12, 12}, new int[] {16, 16, 5, 5}, win, 1);
        Bilinear conv = Bilinear.conv(cg, 16 * 16 * 25);
        long[] cw = prg.longs(16 * 16 * 25);
        long[] cx = prg.longs(16 * 144);
        double[] convMs = time(() -> conv.apply(cw, cx)[0]);
        t.row("share conv (M2 layer 4)", "16x12x12 * 16x16x5x5", ms(convMs[1]), ms(convMs[0]), ms(convMs[2]),
                String.format("%.0f MMAC/s", cg.multiplyAccumulates() / 1e6 / (convMs[1] / 1e3)));

        int relus = 4096;
        long[] rx = prg.longs(relus);
        for (SecureConfig.Suite suite : SecureConfig.Suite.values()) {
            SecureConfig cfg = SecureConfig.DEFAULT.withSuite(suite);
            double[] reluMs = time(() -> relu(cfg, rx));
            t.row(suite.cliName() + " suite ReLU incl. dealing, two threads", relus + " elements", ms(reluMs[1]),
                    ms(reluMs[0]), ms(reluMs[2]), String.format("%.0f ReLU/ms", relus / reluMs[1]));
        }
        out.print(t.render());
        out.println();

        // the FSS suite's DCF kernel: fixed-key AES blocks per second, σ, control bits and payload words included
        Table d = new Table(List.of("DCF kernel (evaluation on one thread)", "gates", "AES blocks", "ms", "AES blocks/s"),
                false, true, true, true, true);
        FixedKeyAes.KernelBench raw = FixedKeyAes.benchmark(4096, 20000);
        d.row("fixed-key hash H(x) = AES(σ(x)) ⊕ σ(x), bulk", "-", String.format("%,d", raw.aesBlocks()),
                ms(raw.elapsedNanos() / 1e6), String.format("%.0f M", raw.blocksPerSecond() / 1e6));
        int[][] shapes = {{63, 2}, {63, 3}, {16, 1}};
        for (int[] sh : shapes) {
            FixedKeyAes.KernelBench e = Dcf.benchmarkEval(5000, sh[0], sh[1]);
            d.row("evaluation, batched by level, n = " + sh[0] + ", m = " + sh[1], "5,000",
                    String.format("%,d", e.aesBlocks()), ms(e.elapsedNanos() / 1e6),
                    String.format("%.0f M", e.blocksPerSecond() / 1e6));
        }
        FixedKeyAes.KernelBench g = Dcf.benchmarkGen(5000, 63, 2);
        d.row("key generation (dealer, " + Dcf.THREADS + " threads), n = 63, m = 2", "5,000", String.format("%,d", g.aesBlocks()),
                ms(g.elapsedNanos() / 1e6), String.format("%.0f M", g.blocksPerSecond() / 1e6));
        out.print(d.render());
        out.println();
        links(out);
    }

    /**
     * The links' own cost: a ping-pong round (both ends exchange 8 bytes, as a protocol round does, warm) and bulk
     * throughput (16 MiB each way at once, warm), on the in-memory pair, a simulated LAN and the servers' real
     * WebSocket link (two local servers, mutual TLS).
     */
    private static void links(PrintWriter out) {
        Table t = new Table(List.of("link (two threads; a round: both ends exchange 8 B at once)",
                "per round (median block, range)",
                "bulk, 16 MiB each way at once"), false, true, true);
        java.time.Duration timeout = java.time.Duration.ofSeconds(30);
        linkRow(t, "in-memory", InMemoryChannel.pair(timeout), 10_000, 5000);
        InMemoryChannel[] lanPair = InMemoryChannel.pair(timeout);
        linkRow(t, "simulated lan over in-memory (0.25 ms one way, 1 Gbit/s)", new io.sonic.engine.net.Channel[] {
                LinkProfile.LAN.wrap(lanPair[0]), LinkProfile.LAN.wrap(lanPair[1])}, 1000, 500);
        try (io.sonic.cloud.client.LocalCloud cloud = io.sonic.cloud.client.LocalCloud.start(null)) {
            java.util.UUID id = java.util.UUID.randomUUID();
            linkRow(t, "WebSocket link, TLS, loopback (two local servers)", new io.sonic.engine.net.Channel[] {
                    cloud.server(0).link().open(id, timeout), cloud.server(1).link().open(id, timeout)}, 15_000, 2000);
        } catch (Exception e) {
            t.row("WebSocket link: could not start two local servers (" + e.getMessage() + ")", "-", "-");
        }
        out.print(t.render());
    }

    /** 16 MiB exchanges to warm a link's bulk path up (its JIT), then those measured. */
    private static final int BULK_WARMUP = 10;
    private static final int BULK_RUNS = 10;
    /** Blocks of rounds measured after as many rounds to warm up: a link's round path takes some 10,000 to compile. */
    private static final int ROUND_BLOCKS = 5;

    /**
     * The mean time of a round in each of {@value #ROUND_BLOCKS} blocks of {@code rounds} back-to-back rounds (the
     * median block, and the spread of the blocks), measured after {@code warmRounds} rounds and the bulk exchanges to
     * warm up; and the median of {@value #BULK_RUNS} 16 MiB exchanges after {@value #BULK_WARMUP} to warm up.
     */
    private static void linkRow(Table t, String name, io.sonic.engine.net.Channel[] ends, int warmRounds, int rounds) {
        try {
            pings(ends, warmRounds);
            int size = 16 << 20;
            double[] secs = new double[BULK_RUNS];
            for (int rep = 0; rep < BULK_WARMUP + BULK_RUNS; rep++) {
                CompletableFuture<Void> other = CompletableFuture.runAsync(() -> ends[1].exchange("bulk",
                        new byte[size]));
                long b = System.nanoTime();
                ends[0].exchange("bulk", new byte[size]);
                other.join();
                if (rep >= BULK_WARMUP) {
                    secs[rep - BULK_WARMUP] = (System.nanoTime() - b) / 1e9;
                }
            }
            java.util.Arrays.sort(secs);
            double[] perRound = new double[ROUND_BLOCKS];
            for (int b = 0; b < ROUND_BLOCKS; b++) {
                perRound[b] = pings(ends, rounds) / 1e6 / rounds;
            }
            java.util.Arrays.sort(perRound);
            t.row(name, String.format("%s (%s–%s)", ms(perRound[ROUND_BLOCKS / 2]), ms(perRound[0]),
                    ms(perRound[ROUND_BLOCKS - 1])), String.format("%.0f MB/s each way", size / 1e6 / secs[BULK_RUNS / 2]));
        } finally {
            ends[0].close();
            ends[1].close();
        }
    }

    /** Nanoseconds of {@code rounds} back-to-back rounds of 8 bytes each way. */
    private static long pings(io.sonic.engine.net.Channel[] ends, int rounds) {
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < rounds; i++) {
                ends[1].exchange("ping", new byte[8]);
            }
        });
        long s = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            ends[0].exchange("ping", new byte[8]);
        }
        long nanos = System.nanoTime() - s;
        echo.join();
        return nanos;
    }

    private static long relu(SecureConfig cfg, long[] x) {
        Suite suite = Suite.of(cfg);
        List<Need<?>> plan = Traced.plan(cfg, ctx -> suite.relu(ctx, 0, x));
        Dealer.Dealt dealt = Dealer.deal(plan, null, 1);
        InMemoryChannel[] pair = InMemoryChannel.pair(cfg.timeout());
        CompletableFuture<long[]> other = CompletableFuture.supplyAsync(() -> suite.relu(
                new PartyContext(1, new MeteredChannel(pair[1]), Randomness.dealt(1, dealt, null), cfg), 0,
                new long[x.length]));
        long[] mine = suite.relu(new PartyContext(0, new MeteredChannel(pair[0]), Randomness.dealt(0, dealt, null),
                cfg), 0, x);
        return mine[0] + other.join()[0];
    }

    /** {p10, median, p90} in milliseconds. */
    private static double[] time(LongSupplier body) {
        long sink = 0;
        long until = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; i < WARMUP_CAP && (i < WARMUP || System.nanoTime() < until); i++) {
            sink += body.getAsLong();
        }
        double[] t = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long s = System.nanoTime();
            sink += body.getAsLong();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        blackhole = sink;
        Arrays.sort(t);
        return new double[] {t[RUNS / 10], t[RUNS / 2], t[RUNS * 9 / 10]};
    }

    private static String ms(double v) {
        if (v < 0.01) {
            return String.format("%.1f us", v * 1000);
        }
        return v < 1 ? String.format("%.0f us", v * 1000) : String.format("%.2f ms", v);
    }
}
