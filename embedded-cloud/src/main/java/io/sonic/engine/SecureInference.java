package io.sonic.engine;

import io.sonic.engine.crypto.Prg;
import io.sonic.engine.dealer.Dealer;
import io.sonic.engine.dealer.MaskSeeds;
import io.sonic.engine.dealer.Need;
import io.sonic.engine.dealer.Randomness;
import io.sonic.engine.net.ChannelException;
import io.sonic.engine.net.InMemoryChannel;
import io.sonic.engine.net.MeteredChannel;
import io.sonic.engine.net.Round;
import io.sonic.engine.net.Traffic;
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
    private final MaskSeeds masks;
    private final ExecutorService servers;
    private final InputRange range;
    private Traffic setupTraffic = Traffic.ZERO;

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
        this.servers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sonic-server");
            t.setDaemon(true);
            return t;
        });
        if (config.linear() == SecureConfig.LinearMode.MASK_REUSE) {
            masks = MaskSeeds.fresh();
            MeteredChannel[] ch = channels();
            runBoth(p -> {
                parties[p].openMasks(ch[p], masks.seed(p));
                return null;
            }, ch);
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

    private MeteredChannel[] channels() {
        InMemoryChannel[] pair = InMemoryChannel.pair(config.timeout());
        return new MeteredChannel[] {new MeteredChannel(pair[0]), new MeteredChannel(pair[1])};
    }

    public InferenceResult infer(float[] input) {
        return infer(input, SecureLayerListener.NONE);
    }

    /** One secure query. The listener hears server 0's layer events. */
    public InferenceResult infer(float[] input, SecureLayerListener listener) {
        if (input.length != graph.inputSize()) {
            throw new ModelException("input has " + input.length + " values, but model input '" + graph.inputName()
                    + "' of shape " + Shapes.format(graph.inputShape()) + " needs " + graph.inputSize());
        }
        if (range != null) {
            range.check(input, 0);
        }
        long start = System.nanoTime();
        // user: encode and split the input
        SharedTensor[] in = SharedTensor.split(new RingTensor(graph.inputShape(), fp.encode(input)), Prg.fresh());
        // dealer: this query's correlated randomness
        long offlineStart = System.nanoTime();
        Dealer.Dealt dealt = Dealer.deal(plan, masks, graph.layers().size());
        List<List<io.sonic.engine.dealer.Payload>> payloads = List.of(new ArrayList<>(plan.size()),
                new ArrayList<>(plan.size()));
        for (var it = dealt.payloadsOfBoth(); it.hasNext(); ) {
            io.sonic.engine.dealer.Payload[] both = it.next();
            payloads.get(0).add(both[0]);
            payloads.get(1).add(both[1]);
        }
        long offlineNanos = System.nanoTime() - offlineStart;
        long[] offlinePerLayer = dealt.offlineBytesPerLayer();
        Map<Integer, InferenceResult.LayerStat> stats = new ConcurrentHashMap<>();
        SecureLayerListener collect = new SecureLayerListener() {
            @Override
            public void started(int index, Layer layer, io.sonic.engine.protocol.ProtocolId protocol) {
                listener.started(index, layer, protocol);
            }

            @Override
            public void finished(int index, Layer layer, io.sonic.engine.protocol.ProtocolId protocol, Traffic traffic, List<Round> rounds,
                                 long nanos) {
                stats.put(index, new InferenceResult.LayerStat(index, layer == null ? "output" : layer.name(),
                        layer == null ? "ArgMax" : layer.sourceOp(), protocol, traffic, -1,
                        offlinePerLayer[index], nanos, rounds));
                listener.finished(index, layer, protocol, traffic, rounds, nanos);
            }
        };
        MeteredChannel[] ch = channels();
        SharedTensor[] out = new SharedTensor[2];
        long onlineStart = System.nanoTime();
        runBoth(p -> {
            Randomness r = Randomness.fromPayloads(p, plan, dealt.seed(p), payloads.get(p).iterator(),
                    masks == null ? null : masks.seed(p));
            out[p] = parties[p].run(in[p], ch[p], r, p == 0 ? collect : SecureLayerListener.NONE);
            if (r.remaining() != 0) {
                throw new IllegalStateException("server " + p + " left " + r.remaining() + " randomness items unused");
            }
            return null;
        }, ch);
        long onlineNanos = System.nanoTime() - onlineStart;
        // user: reconstruct
        long[] y = SharedTensor.reconstruct(out[0], out[1]).values();
        long nanos = System.nanoTime() - start;
        List<InferenceResult.LayerStat> layerStats = new ArrayList<>(new java.util.TreeMap<>(stats).values());
        if (config.output() == SecureConfig.OutputMode.LABEL) {
            return new InferenceResult(new double[0], (int) y[0], y, layerStats, ch[0].total(), -1, dealt.offlineBytes(),
                    onlineNanos, offlineNanos, nanos, 0);
        }
        return new InferenceResult(fp.decode(y), null, y, layerStats, ch[0].total(), -1, dealt.offlineBytes(),
                onlineNanos, offlineNanos, nanos, 0);
    }

    @FunctionalInterface
    private interface PartyTask {
        Object run(int party) throws Exception;
    }

    /** Runs both servers; if one fails, closes both channels so the other stops promptly. */
    private void runBoth(PartyTask task, MeteredChannel[] ch) {
        List<Future<Object>> futures = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int party = p;
            futures.add(servers.submit(() -> {
                try {
                    return task.run(party);
                } catch (Exception | Error e) {
                    ch[0].close();
                    ch[1].close();
                    throw e;
                }
            }));
        }
        long deadline = System.nanoTime() + config.timeout().toNanos() * 4 + TimeUnit.SECONDS.toNanos(30);
        Throwable failure = null;
        for (Future<Object> f : futures) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (failure == null || failure instanceof ChannelException) {
                    failure = e.getCause();
                }
            } catch (TimeoutException e) {
                ch[0].close();
                ch[1].close();
                f.cancel(true);
                failure = failure == null ? new ChannelException("secure inference did not finish in time") : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
            }
        }
        ch[0].close();
        ch[1].close();
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
