package io.sonic.engine;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.MaskSeeds;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.DealStream;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.BatchChannel;
import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.InMemoryChannel;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
import io.sonic.engine.ot.OtPreprocessing;
import io.sonic.engine.ot.OtSession;
import io.sonic.engine.protocol.ProtocolId;
import io.sonic.engine.ring.RingTensor;
import io.sonic.engine.ring.SharedTensor;
import io.sonic.model.ModelException;
import io.sonic.model.ModelGraph;
import io.sonic.model.Shapes;
import io.sonic.model.eval.FixedPoint;
import io.sonic.model.layer.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * All roles in one process: the model owner splits the model once, the dealer deals each query's
 * randomness, the user splits the input and reconstructs the output, and the two servers run on two
 * threads joined by an in-memory channel. Thread-safe for sequential queries; close it when done.
 */
public final class SecureInference implements AutoCloseable {
    private final ModelGraph graph;
    private final SecureConfig config;
    private final FixedPoint fp;
    private final SecureParty[] parties = new SecureParty[2];
    private final List<Need<?>> plan;
    private final CostModel.Cost queryCost;
    private final MaskSeeds masks;
    private final ExecutorService servers;
    private final InputRange range;
    private Traffic setupTraffic = Traffic.ZERO;
    private volatile java.util.function.UnaryOperator<io.sonic.engine.net.Channel> linkWrap = c -> c;
    /** Without a dealer: each server's OT session with the other, begun by the first query. */
    private final OtSession[] otSessions = new OtSession[2];
    private long nextNonce = 1;
    private Traffic[] lastPreprocessing = new Traffic[0];
    private long[] otBytesPerLayer;

    /** All roles in one process, without an input range check (engine tests and benchmarks). */
    public SecureInference(ModelGraph graph, SecureConfig config) {
        this(graph, config, null);
    }

    /**
     * All roles in one process; every input is first checked against {@code range} (the model's public
     * input range, as the owner chose it; null for none), as a user's client does.
     */
    public SecureInference(ModelGraph graph, SecureConfig config, InputRange range) {
        this.graph = graph;
        this.config = config;
        this.range = range;
        this.fp = config.fixedPoint();
        Prg ownerPrg = Prg.fresh();
        ModelShare[] shares = ModelShare.split(graph, fp, ownerPrg);
        for (int p = 0; p < 2; p++) {
            parties[p] = new SecureParty(p, graph, shares[p], config);
        }
        this.plan = Plan.of(graph, config);
        if (config.preprocessing() == SecureConfig.Preprocessing.OT) {
            OtPreprocessing.check(plan);
        }
        this.queryCost = CostModel.total(graph, config);
        this.servers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sonic-server");
            t.setDaemon(true);
            return t;
        });
        if (config.linear() == SecureConfig.LinearMode.MASK_REUSE) {
            masks = MaskSeeds.fresh();
            CostModel.Cost setup = CostModel.maskSetup(graph);
            MeteredChannel[] ch = channels(setup);
            runAll(1, (p, k) -> parties[p].openMasks(ch[p], masks.seed(p)), ch, setup);
            setupTraffic = ch[0].total();
        } else {
            masks = null;
        }
    }

    public ModelGraph graph() {
        return graph;
    }

    public SecureConfig config() {
        return config;
    }

    /** Traffic of the once-per-model setup (mask-reuse mode), as seen from server 0. */
    public Traffic setupTraffic() {
        return setupTraffic;
    }

    public List<Need<?>> plan() {
        return plan;
    }

    /**
     * The two ends of a run whose traffic is {@code cost}: the meter above the configuration's simulated link
     * above an in-memory channel whose waits budget for the link's delay of the run's largest message.
     */
    private MeteredChannel[] channels(CostModel.Cost cost) {
        InMemoryChannel[] pair = InMemoryChannel.pair(config.channelTimeout(cost.onlineBytes() / 2));
        return new MeteredChannel[] {new MeteredChannel(config.link().wrap(linkWrap.apply(pair[0]))),
                new MeteredChannel(config.link().wrap(linkWrap.apply(pair[1])))};
    }

    /** Tests: puts {@code f} around each server's end of the in-memory link (under the simulation and the meter). */
    void wrapLinks(java.util.function.UnaryOperator<io.sonic.engine.net.Channel> f) {
        linkWrap = f;
    }

    public InferenceResult infer(float[] input) {
        return infer(input, SecureLayerListener.NONE);
    }

    /** One secure query. The listener hears server 0's layer events. */
    public InferenceResult infer(float[] input, SecureLayerListener listener) {
        return run(List.of(input), listener).samples().get(0);
    }

    /**
     * A batch of secure queries in one run: every round carries all the samples' messages ({@link BatchChannel}),
     * so the batch costs the rounds of one query; each sample has its own correlated randomness, shares and
     * meter, and its result is the one it would have alone.
     */
    public BatchResult inferBatch(List<float[]> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one input");
        }
        return run(inputs, SecureLayerListener.NONE);
    }

    /** Runs the samples as one batch; the listener hears server 0's events of sample 0. */
    private BatchResult run(List<float[]> inputs, SecureLayerListener listener) {
        int n = inputs.size();
        for (int k = 0; k < n; k++) {
            float[] input = inputs.get(k);
            if (input.length != graph.inputSize()) {
                throw new ModelException((n == 1 ? "input" : "input " + (k + 1) + " of the batch") + " has "
                        + input.length + " values, but model input '" + graph.inputName() + "' of shape "
                        + Shapes.format(graph.inputShape()) + " needs " + graph.inputSize());
            }
            if (range != null) {
                range.check(input, n == 1 ? 0 : k + 1);
            }
        }
        long start = System.nanoTime();
        // user: encode and split each input
        SharedTensor[][] in = new SharedTensor[n][];
        for (int k = 0; k < n; k++) {
            in[k] = SharedTensor.split(new RingTensor(graph.inputShape(), fp.encode(inputs.get(k))), Prg.fresh());
        }
        // each query's own correlated randomness: dealt ahead of the parties within a budget, or made by the
        // servers themselves with oblivious transfer before the online phase
        long offlineStart = System.nanoTime();
        boolean ot = config.preprocessing() == SecureConfig.Preprocessing.OT;
        Dealer.Dealt[] dealt = new Dealer.Dealt[n];
        DealStream[] deals = new DealStream[n];
        Randomness[][] made = ot ? preprocess(n) : null;
        long offlineBytes = 0;
        try {
            for (int k = 0; !ot && k < n; k++) {
                dealt[k] = Dealer.deal(plan, masks, graph.layers().size());
                deals[k] = new DealStream(dealt[k], Math.max(1L << 20, DEALER_AHEAD_BYTES / n), config.timeout(),
                        "sonic-dealer-" + k);
                offlineBytes += dealt[k].offlineBytes();
            }
            for (DealStream d : deals) {
                if (d != null) {
                    d.awaitFilled();
                }
            }
            long offlineNanos = System.nanoTime() - offlineStart;
            List<Map<Integer, InferenceResult.LayerStat>> stats = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                stats.add(new ConcurrentHashMap<>());
            }
            CostModel.Cost cost = new CostModel.Cost(queryCost.onlineBytes() * n, queryCost.rounds(), 0);
            MeteredChannel[] link = channels(cost);
            BatchChannel[] batch = {new BatchChannel(link[0], n, config.channelTimeout(cost.onlineBytes() / 2)),
                    new BatchChannel(link[1], n, config.channelTimeout(cost.onlineBytes() / 2))};
            MeteredChannel[][] meters = new MeteredChannel[2][n];
            SharedTensor[][] out = new SharedTensor[n][2];
            long onlineStart = System.nanoTime();
            runAll(n, (p, k) -> {
                meters[p][k] = new MeteredChannel(batch[p].member(k));
                Randomness r = ot ? made[k][p] : Randomness.fromPayloads(p, plan, dealt[k].seed(p), deals[k].of(p),
                        masks == null ? null : masks.seed(p));
                SecureLayerListener l = p != 0 ? SecureLayerListener.NONE : collect(stats.get(k),
                        ot ? otBytesPerLayer : dealt[k].offlineBytesPerLayer(), k == 0 ? listener : SecureLayerListener.NONE);
                out[k][p] = parties[p].run(in[k][p], meters[p][k], r, l);
                if (r.remaining() != 0) {
                    throw new IllegalStateException("server " + p + " left " + r.remaining()
                            + " randomness items unused");
                }
            }, batch, cost);
            long onlineNanos = System.nanoTime() - onlineStart;
            // user: reconstruct
            long nanos = System.nanoTime() - start;
            List<InferenceResult> results = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                long[] y = SharedTensor.reconstruct(out[k][0], out[k][1]).values();
                List<InferenceResult.LayerStat> layerStats = new ArrayList<>(new java.util.TreeMap<>(stats.get(k))
                        .values());
                boolean label = config.output() == SecureConfig.OutputMode.LABEL;
                results.add(new InferenceResult(label ? new double[0] : fp.decode(y), label ? (Integer) (int) y[0]
                        : null, y, layerStats, meters[0][k].total(), -1, ot ? 0 : dealt[k].offlineBytes(), onlineNanos,
                        offlineNanos, nanos, 0, config.link(), ot ? lastPreprocessing[k] : Traffic.ZERO));
            }
            return new BatchResult(results, link[0].total(), onlineNanos, offlineBytes, offlineNanos, nanos);
        } finally {
            for (DealStream d : deals) {
                if (d != null) {
                    d.close();
                }
            }
        }
    }

    /**
     * Without a dealer: both servers make every sample's correlated randomness with oblivious transfer over a
     * metered link of their own (the first query also runs the session's base OTs), one sample after the
     * other; returns each sample's sources {server 0's, server 1's} and keeps each sample's traffic.
     */
    private synchronized Randomness[][] preprocess(int n) {
        if (otBytesPerLayer == null) {
            otBytesPerLayer = OtPreprocessing.bytesPerLayer(plan, graph.layers().size());
        }
        long first = nextNonce;
        nextNonce += n;
        long bytes = OtPreprocessing.bytesSent(plan, 0) + OtPreprocessing.bytesSent(plan, 1);
        CostModel.Cost cost = new CostModel.Cost(bytes, OtPreprocessing.rounds(plan) + OtSession.SETUP_ROUNDS, 0);
        MeteredChannel[] link = channels(cost);
        Randomness[][] made = new Randomness[n][2];
        Traffic[] traffic = new Traffic[n];
        runAll(1, (p, unused) -> {
            for (int k = 0; k < n; k++) {
                try (MeteredChannel.Scope s = link[p].scope("preprocessing")) {
                    if (otSessions[p] == null) {
                        otSessions[p] = OtSession.establish(p, link[p]);
                    }
                    made[k][p] = OtPreprocessing.prepare(p, link[p], otSessions[p].begin(first + k), plan,
                            masks == null ? null : masks.seed(p));
                    if (p == 0) {
                        traffic[k] = s.traffic();
                    }
                }
            }
        }, link, cost);
        lastPreprocessing = traffic;
        return made;
    }

    /**
     * How far the dealer runs ahead of each party in one process, for all queries of a batch together: a query
     * dealt within it is dealt whole before its online phase; a larger one (C1 under the FSS suite: 359 MB per
     * party) is dealt on while the online phase runs, as the servers read the dealer's streamed answer.
     */
    static final long DEALER_AHEAD_BYTES = 256L << 20;

    /** Server 0's layer events of one sample, kept as its layer figures and passed on. */
    private static SecureLayerListener collect(Map<Integer, InferenceResult.LayerStat> stats, long[] offlinePerLayer,
                                               SecureLayerListener listener) {
        return new SecureLayerListener() {
            @Override
            public void started(int index, Layer layer, ProtocolId protocol) {
                listener.started(index, layer, protocol);
            }

            @Override
            public void finished(int index, Layer layer, ProtocolId protocol, Traffic traffic, List<Round> rounds,
                                 long nanos) {
                stats.put(index, new InferenceResult.LayerStat(index, layer == null ? "output" : layer.name(),
                        layer == null ? "ArgMax" : layer.sourceOp(), protocol, traffic, -1,
                        offlinePerLayer[index], nanos, rounds));
                listener.finished(index, layer, protocol, traffic, rounds, nanos);
            }
        };
    }

    @FunctionalInterface
    private interface SampleTask {
        void run(int party, int sample) throws Exception;
    }

    /**
     * Runs both servers, {@code perParty} tasks each; if one fails, closes both ends so that every other
     * task stops promptly.
     */
    private void runAll(int perParty, SampleTask task, AutoCloseable[] ends, CostModel.Cost cost) {
        Runnable closeBoth = () -> {
            for (AutoCloseable c : ends) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing is best effort; the failure that caused it is reported
                }
            }
        };
        List<Future<Object>> futures = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            for (int k = 0; k < perParty; k++) {
                int party = p;
                int sample = k;
                futures.add(servers.submit(() -> {
                    try {
                        task.run(party, sample);
                        return null;
                    } catch (Exception | Error e) {
                        closeBoth.run();
                        throw e;
                    }
                }));
            }
        }
        long deadline = System.nanoTime() + config.timeout().toNanos() * 4 + TimeUnit.SECONDS.toNanos(30)
                + config.link().networkNanos(cost.rounds(), cost.onlineBytes() / 2);
        Throwable failure = null;
        for (Future<Object> f : futures) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (failure == null || failure instanceof ChannelException) {
                    failure = e.getCause();
                }
            } catch (TimeoutException e) {
                closeBoth.run();
                f.cancel(true);
                failure = failure == null ? new ChannelException("secure inference did not finish in time") : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            }
        }
        closeBoth.run();
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure != null) {
            throw new IllegalStateException("secure inference failed", failure);
        }
    }

    @Override
    public void close() {
        servers.shutdownNow();
    }
}
