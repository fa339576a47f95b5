package io.sonic.cloud.server;

import io.sonic.cloud.api.LogEntry;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.client.LocalCloud;
import io.sonic.engine.CostModel;
import io.sonic.engine.ErrorBound;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FixedPointEvaluator;
import io.sonic.model.eval.LayerListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Randomness fetched ahead ({@link DealPool}): after a model's first query, both servers hold the next queries'
 * deals; each is used by one query only, by both servers alike, and the results and traffic are those of a
 * query that fetched its own.
 */
class DealPoolTest {
    private static final Pattern DONE = Pattern.compile("session (\\w{8}) done: .*?(?:randomness fetched ahead \\(deal (\\w{8})\\))?$");
    private static LocalCloud cloud;
    private static CloudClient client;

    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(null);
        client = cloud.client();
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    /** Session → deal fetched ahead (null: its own), from one server's log. */
    private static Map<String, String> deals(int party) {
        Map<String, String> m = new LinkedHashMap<>();
        for (LogEntry e : cloud.server(party).log().after(0, 10_000).entries()) {
            Matcher x = DONE.matcher(e.text());
            if (x.matches()) {
                m.put(x.group(1), x.group(2));
            }
        }
        return m;
    }

    /** Deals ahead that both servers hold now (of every model and configuration). */
    private static int heldByBoth() {
        return Math.min(client.status(0).dealsAhead(), client.status(1).dealsAhead());
    }

    private static void awaitReady(int deals) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (client.status(0).dealsAhead() < deals || client.status(1).dealsAhead() < deals) {
            assertTrue(System.nanoTime() < deadline, "the servers did not fetch " + deals + " deals ahead within 20 s: "
                    + client.status(0).dealsAhead() + ", " + client.status(1).dealsAhead());
            Thread.sleep(20);
        }
    }

    @Test
    void laterQueriesUseDealsFetchedAheadEachOnceOnBothServersWithTheSameResults() throws Exception {
        SampleModels m1 = new SampleModels("mnist-m1");
        ModelGraph g = m1.graph();
        client.upload(g, "m1-ahead", "owner", SecureConfig.DEFAULT.fixedPoint(), m1.inputRange());
        Set<String> used = new HashSet<>();
        for (SecureConfig cfg : List.of(SecureConfig.DEFAULT,
                SecureConfig.DEFAULT.withLinear(SecureConfig.LinearMode.MASK_REUSE),
                SecureConfig.DEFAULT.withSuite(SecureConfig.Suite.FSS).withLinear(SecureConfig.LinearMode.MASK_REUSE))) {
            FixedPointEvaluator ideal = new FixedPointEvaluator(g, cfg.fixedPoint());
            int before = deals(0).size();
            // deals of the configurations before stay in the pools: this one's come on top of them
            int base = heldByBoth();
            // the first query of a configuration fetches its own; the pool fills once it is done
            client.infer("m1-ahead", m1.inputs().get(0), cfg, e -> { });
            awaitReady(base + DealPool.DEPTH);
            List<CompletableFuture<InferenceResult>> runs = new ArrayList<>();
            for (int k = 1; k <= 3; k++) {
                float[] x = m1.inputs().get(k);
                // two at once and one after: concurrent queries never take the same deal
                runs.add(CompletableFuture.supplyAsync(() -> client.infer("m1-ahead", x, cfg, e -> { })));
                if (k == 2) {
                    runs.forEach(CompletableFuture::join);
                    awaitReady(base + DealPool.DEPTH);
                }
            }
            for (int k = 1; k <= 3; k++) {
                InferenceResult r = runs.get(k - 1).join();
                long[] want = ideal.run(ideal.encodeInput(m1.inputs().get(k)), LayerListener.NONE);
                for (int i = 0; i < want.length; i++) {
                    assertTrue(Math.abs(want[i] - r.outputRing()[i]) <= ErrorBound.units(g, cfg), cfg.text()
                            + " query " + k + " output " + i);
                }
                assertEquals(CostModel.total(g, cfg).onlineBytes(), r.online().bytes(), cfg.text());
                assertEquals(CostModel.total(g, cfg).rounds(), r.online().rounds(), cfg.text());
            }
            Map<String, String> s0 = deals(0);
            Map<String, String> s1 = deals(1);
            List<String> sessions = new ArrayList<>(s0.keySet()).subList(before, s0.size());
            assertEquals(4, sessions.size(), s0.toString());
            assertEquals(null, s0.get(sessions.get(0)), "the first query fetched its own deal");
            for (String s : sessions.subList(1, 4)) {
                String deal = s0.get(s);
                assertTrue(deal != null, cfg.text() + ": session " + s + " did not use a deal fetched ahead");
                assertEquals(deal, s1.get(s), "both servers used the same deal for session " + s);
                assertTrue(used.add(deal), "deal " + deal + " was used twice");
            }
        }
    }

    /**
     * A query whose set-up takes the slow path (server 1 no longer holds the opened masks) although server 0 took
     * a deal fetched ahead: both servers drop that deal, so that afterwards they hold the same deals again
     * instead of server 1 keeping the one server 0 dropped until it expires.
     */
    @Test
    void aDealTakenForAQueryThatSetsUpAgainIsDroppedOnBothServers() throws Exception {
        SampleModels m1 = new SampleModels("mnist-m1");
        ModelGraph g = m1.graph();
        SecureConfig cfg = SecureConfig.DEFAULT.withLinear(SecureConfig.LinearMode.MASK_REUSE);
        client.upload(g, "m1-drop", "owner", cfg.fixedPoint(), m1.inputRange());
        int base = heldByBoth();
        client.infer("m1-drop", m1.inputs().get(0), cfg, e -> { });
        awaitReady(base + DealPool.DEPTH);
        awaitSameDeals("before");
        // server 1 forgets its opened masks (as when its cache let the model go): the next query sets them up again
        ModelStore store = cloud.server(1).store();
        ModelStore.Loaded l = store.acquire("m1-drop");
        try {
            l.masks(null);
        } finally {
            store.release(l);
        }
        int before = deals(0).size();
        InferenceResult r = client.infer("m1-drop", m1.inputs().get(1), cfg, e -> { });
        assertEquals(new io.sonic.model.eval.FloatEvaluator(g).run(m1.inputs().get(1)).argmax(), r.predictedLabel());
        Map<String, String> s0 = deals(0);
        String session = new ArrayList<>(s0.keySet()).get(before);
        assertEquals(null, s0.get(session), "the query set up again and used its own deal");
        awaitReady(base + DealPool.DEPTH);
        // server 1 holds exactly the deals server 0 holds: it dropped the one server 0 took and dropped
        awaitSameDeals("after the query that set up again");
    }

    /** Waits (at most 20 s) until both servers hold as many deals ahead, three looks in a row. */
    private static void awaitSameDeals(String when) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        int same = 0;
        while (same < 3) {
            int a = client.status(0).dealsAhead();
            int b = client.status(1).dealsAhead();
            same = a == b ? same + 1 : 0;
            assertTrue(System.nanoTime() < deadline, when + ": server 0 holds " + a + " deals ahead, server 1 " + b);
            Thread.sleep(50);
        }
    }
}
