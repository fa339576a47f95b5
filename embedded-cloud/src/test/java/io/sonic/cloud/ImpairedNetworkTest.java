package io.sonic.cloud;

import io.sonic.cli.SonicCli;
import io.sonic.cloud.client.CloudClient;
import io.sonic.cloud.tls.ClusterTrust;
import io.sonic.engine.InferenceResult;
import io.sonic.engine.SampleModels;
import io.sonic.engine.SecureConfig;
import io.sonic.engine.SecureInference;
import io.sonic.engine.net.LinkProfile;
import io.sonic.model.ModelGraph;
import io.sonic.model.eval.FloatEvaluator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real cluster across a real impaired network: server 0 and server 1 each run in their own network
 * namespace (A and B), joined by a veth pair rate-limited to 100 Mbit/s each way (tbf), and every byte
 * between them passes a relay in A that delays it by 20 ms each way. The dealer and this test (the client)
 * stay in the root namespace, reaching A and B over two further veth pairs without limits. Each link is
 * point to point and every process uses the address on its own end of a link, so no routing (no
 * ip_forward) is needed.
 *
 * <p>The query is mnist-m2 in the default configuration (Sonic suite, faithful linear layers: 64 rounds,
 * 930,720 bytes sent by each server). It must give the float model's label and exactly the in-process run's
 * bytes and rounds, every byte between the servers must cross the shaped link, and its online time (as
 * server 0 measured it) must match the simulator's: the same query in one process on the simulated
 * {@link LinkProfile#WAN} link (whose latency and bandwidth this network has). The median of the samples'
 * real / simulated lies in [{@value #MIN_RATIO}, {@value #MAX_RATIO}]; the link model's prediction
 * ({@link LinkProfile#predictNanos}: compute + one delay per round + one server's bytes at the rate) is
 * printed beside both.
 *
 * <p>Why these bounds. On this 2-core machine, quiet, real / simulated was 1.08 to 1.12 per sample; against
 * the link model's prediction alone the median ratio of a run was 1.12 to 1.35 over 12 runs while another
 * build shared the cores (load average up to 10), single samples up to 1.42. It is above 1 because the real
 * stack costs what the in-process run does not: TLS, WebSocket frames, Jetty's threads and the relay's hops
 * between five JVMs add about 2 to 4 ms per round (the same cluster with no delay and no rate limit takes 200
 * to 250 ms online where one process takes 20 ms), and this grows when other work shares the cores, hence
 * the upper bound of 1.6; rounds that waited for a round trip instead of one crossing would give 2 or more.
 * Nothing makes a query faster than its compute plus its delays, hence the close lower bound; without the
 * delay the ratio would be about 0.2. The median keeps one sample stalled by a garbage collection or by other
 * work from failing the test. (The servers start the online clock only once both are ready, so server 0's
 * wait for server 1's input and dealer data is not part of it.)
 *
 * <p>Skipped when network namespaces cannot be made here (not root, or {@code ip netns add} fails).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ImpairedNetworkTest {
    private static final String PREFIX = "sonicnet-";
    /** The network made here is the simulator's wan profile. */
    private static final LinkProfile WAN = LinkProfile.WAN;
    private static final long DELAY_MILLIS = WAN.latencyNanos() / 1_000_000;
    private static final String RATE = WAN.bitsPerSecond() + "bit";
    /**
     * The token bucket holds one full-size frame, so every byte crosses at the rate. With a larger bucket
     * (64 KiB, say) the bucket refills during each round's 20 ms wait and the first bucketful of every round
     * crosses at veth speed: most of this model's rounds would not see the rate at all.
     */
    private static final String BURST = "1600";
    private static final double MIN_RATIO = 0.9;
    private static final double MAX_RATIO = 1.6;
    private static final int WARMUP = 3;
    private static final int SAMPLES = 3;
    /** In-process runs per sample; their median is the compute time (one run alone jitters by tens of ms). */
    private static final int COMPUTE_RUNS = 5;
    /** Runs per sample on the simulated link (each takes as long as the real one). */
    private static final int SIMULATED_RUNS = 2;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static String nsA;
    static String nsB;
    static String rootLinkA;
    static String rootLinkB;
    /** What this run made, to be removed at the end: namespaces and processes, in the order they were made. */
    static final List<String> namespaces = new ArrayList<>();
    static final List<NodeProcess> nodes = new ArrayList<>();
    static CloudClient client;

    /** The addresses: third octet from the pid, so that a run beside another one gets its own subnets. */
    static String serverLinkA;
    static String serverLinkB;
    static String rootSideA;
    static String nsSideA;
    static String rootSideB;
    static String nsSideB;

    @BeforeAll
    static void startClusterAcrossTwoNamespaces() throws Exception {
        long pid = ProcessHandle.current().pid();
        nsA = PREFIX + pid + "-a";
        nsB = PREFIX + pid + "-b";
        String unavailable = netnsUnavailable();
        if (unavailable != null) {
            System.out.println("ImpairedNetworkTest skipped: " + unavailable);
            Assumptions.abort(unavailable);
        }
        namespaces.add(nsA);
        removeStale(pid);
        ip("netns", "add", nsB);
        namespaces.add(nsB);
        int n = (int) (pid % 250) + 1;
        serverLinkA = "10.77." + n + ".1";
        serverLinkB = "10.77." + n + ".2";
        rootSideA = "10.78." + n + ".1";
        nsSideA = "10.78." + n + ".2";
        rootSideB = "10.79." + n + ".1";
        nsSideB = "10.79." + n + ".2";
        rootLinkA = "sonic" + pid + "a";
        rootLinkB = "sonic" + pid + "b";

        // A <-> B: the servers' link, 100 Mbit/s on the egress of each end
        ip("-n", nsA, "link", "set", "lo", "up");
        ip("-n", nsB, "link", "set", "lo", "up");
        ip("-n", nsA, "link", "add", "s2s", "type", "veth", "peer", "name", "s2s", "netns", nsB);
        for (String[] end : new String[][] {{nsA, serverLinkA}, {nsB, serverLinkB}}) {
            ip("-n", end[0], "addr", "add", end[1] + "/24", "dev", "s2s");
            ip("-n", end[0], "link", "set", "s2s", "up");
            ip("netns", "exec", end[0], "tc", "qdisc", "add", "dev", "s2s", "root", "tbf", "rate", RATE, "burst",
                    BURST, "latency", "200ms");
        }
        // root <-> A and root <-> B: the client's and the dealer's way in, unlimited
        for (String[] l : new String[][] {{rootLinkA, nsA, rootSideA, nsSideA}, {rootLinkB, nsB, rootSideB, nsSideB}}) {
            ip("link", "add", l[0], "type", "veth", "peer", "name", "uplink", "netns", l[1]);
            ip("addr", "add", l[2] + "/24", "dev", l[0]);
            ip("link", "set", l[0], "up");
            ip("-n", l[1], "addr", "add", l[3] + "/24", "dev", "uplink");
            ip("-n", l[1], "link", "set", "uplink", "up");
        }

        // the dealer listens on every address of the root namespace; each server dials it over its own link
        String secret = ClusterTrust.newSecret();
        NodeProcess dealer = started(NodeProcess.start(List.of("dealer", "--host", "0.0.0.0", "--name",
                rootSideA + "," + rootSideB, "--port", "0", "--data", dir.resolve("dealer").toString(),
                "--secret", secret)));
        int dealerPort = dealer.url().getPort();
        NodeProcess s0 = started(NodeProcess.start(netnsExec(nsA), List.of(), SonicCli.class.getName(),
                List.of("serve", "--party", "0", "--host", "0.0.0.0", "--name", nsSideA + "," + serverLinkA,
                        "--port", "0", "--dealer", "https://" + rootSideA + ":" + dealerPort,
                        "--data", dir.resolve("s0").toString(), "--secret", secret)));
        // the relay takes server 1's connection on A's end of the servers' link and passes it to server 0
        NodeProcess relay = started(NodeProcess.start(netnsExec(nsA), List.of("-Xmx64m"), DelayRelay.class.getName(),
                List.of(serverLinkA, "https://127.0.0.1:" + s0.url().getPort(), Long.toString(DELAY_MILLIS))));
        NodeProcess s1 = started(NodeProcess.start(netnsExec(nsB), List.of(), SonicCli.class.getName(),
                List.of("serve", "--party", "1", "--host", "0.0.0.0", "--name", nsSideB, "--port", "0",
                        "--peer", relay.url().toString(), "--dealer", "https://" + rootSideB + ":" + dealerPort,
                        "--data", dir.resolve("s1").toString(), "--secret", secret)));
        s1.awaitLine("link to server 0 is up");

        ClusterTrust trust = ClusterTrust.fromSecret(secret);
        client = CloudClient.connect(List.of(s0.url(), s1.url()), trust.caFingerprint(), Duration.ofSeconds(10),
                w -> { }).withUploadCredential(trust.uploadCredential());
        SampleModels m2 = new SampleModels("mnist-m2");
        client.upload(m2.graph(), "m2", "owner-token", SecureConfig.DEFAULT.fixedPoint(), m2.inputRange());
    }

    @AfterAll
    static void stopClusterAndRemoveNamespaces() throws Exception {
        if (client != null) {
            client.close();
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
        // deleting a namespace deletes the veth ends in it, and with them their peers in the root namespace
        for (String ns : namespaces) {
            run("ip", "netns", "del", ns);
        }
        for (String link : new String[] {rootLinkA, rootLinkB}) {
            if (link != null && run("ip", "link", "show", link).code() == 0) {
                run("ip", "link", "del", link);
            }
        }
    }

    @Test
    void theRealNetworksOnlineTimeMatchesTheSimulatedWanLinks() throws Exception {
        SampleModels m2 = new SampleModels("mnist-m2");
        ModelGraph g = m2.graph();
        FloatEvaluator f = new FloatEvaluator(g);
        SecureConfig cfg = SecureConfig.DEFAULT;
        List<float[]> inputs = m2.inputs().subList(0, SAMPLES);
        double[] ratios = new double[SAMPLES];
        long[] sent = new long[2];
        try (SecureInference local = new SecureInference(g, cfg);
             SecureInference simulated = new SecureInference(g, cfg.withLink(WAN))) {
            // warm both sides' JIT up first: the in-process figure stands for the servers' compute time
            for (int i = 0; i < WARMUP; i++) {
                local.infer(inputs.get(i % SAMPLES));
                client.infer("m2", inputs.get(i % SAMPLES), cfg, e -> { });
            }
            simulated.infer(inputs.get(0));
            long[] shapedBefore = {shapedBytes(nsA), shapedBytes(nsB)};
            for (int i = 0; i < SAMPLES; i++) {
                float[] x = inputs.get(i);
                InferenceResult remote = client.infer("m2", x, cfg, e -> { });
                long[] compute = new long[COMPUTE_RUNS];
                InferenceResult inProcess = null;
                for (int k = 0; k < COMPUTE_RUNS; k++) {
                    inProcess = local.infer(x);
                    compute[k] = inProcess.onlineNanos();
                }
                assertEquals(f.run(x).argmax(), remote.predictedLabel(), "sample " + i);
                assertEquals(inProcess.online().bytesSent(), remote.online().bytesSent(), "sample " + i);
                assertEquals(inProcess.online().bytesReceived(), remote.online().bytesReceived(), "sample " + i);
                assertEquals(inProcess.online().rounds(), remote.online().rounds(), "sample " + i);
                assertTrue(remote.online().rounds() >= 15, "enough rounds for the delay to matter");
                sent[0] += remote.online().bytesSent();
                sent[1] += remote.online().bytesReceived();

                long computeNanos = median(compute);
                long predicted = WAN.predictNanos(computeNanos, remote.online().rounds(), remote.online().bytesSent());
                long[] sim = new long[SIMULATED_RUNS];
                for (int k = 0; k < SIMULATED_RUNS; k++) {
                    InferenceResult r = simulated.infer(x);
                    assertEquals(remote.online(), r.online(), "the simulated link carries the same traffic");
                    sim[k] = r.onlineNanos();
                }
                long simulatedNanos = median(sim);
                assertTrue(simulatedNanos >= WAN.networkNanos(remote.online().rounds(), remote.online().bytesSent()),
                        "the simulator is never faster than its own delays");
                ratios[i] = (double) remote.onlineNanos() / simulatedNanos;
                System.out.printf(Locale.ROOT, "ImpairedNetworkTest sample %d: online %.1f ms over the real network,"
                                + " %.1f ms on the simulated wan link, %.1f ms predicted (compute %.1f ms + %d rounds x"
                                + " %d ms + %,d bytes at %s); real / simulated %.3f; payload %,d bytes both ways,"
                                + " wire %,d%n", i, remote.onlineNanos() / 1e6, simulatedNanos / 1e6, predicted / 1e6,
                        computeNanos / 1e6, remote.online().rounds(), DELAY_MILLIS, remote.online().bytesSent(), RATE,
                        ratios[i], remote.online().bytes(), remote.wireBytes());
            }
            // every server-to-server byte crossed the shaped link (with TCP/IP and TLS headers), and little else did
            for (int p = 0; p < 2; p++) {
                long shaped = shapedBytes(p == 0 ? nsA : nsB) - shapedBefore[p];
                System.out.printf(Locale.ROOT, "ImpairedNetworkTest server %d sent %,d payload bytes, its shaped"
                        + " link end %,d bytes (%.3f)%n", p, sent[p], shaped, (double) shaped / sent[p]);
                assertTrue(shaped >= sent[p] && shaped < sent[p] * 1.25,
                        "server " + p + " sent " + sent[p] + " bytes, its end of the shaped link " + shaped);
            }
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double median = sorted[SAMPLES / 2];
        assertTrue(median >= MIN_RATIO && median <= MAX_RATIO, String.format(Locale.ROOT,
                "median online time over the real network / on the simulated link = %.3f, outside [%.2f, %.2f]; all: %s", median, MIN_RATIO, MAX_RATIO,
                Arrays.toString(ratios)));
    }


    /** Bytes the shaper on this namespace's end of the servers' link has sent so far (frames, headers included). */
    private static long shapedBytes(String ns) throws Exception {
        Result r = run("ip", "netns", "exec", ns, "tc", "-s", "qdisc", "show", "dev", "s2s");
        Matcher m = Pattern.compile("Sent (\\d+) bytes").matcher(r.output());
        if (r.code() != 0 || !m.find()) {
            throw new AssertionError("no tbf statistics in " + ns + ": " + r.output());
        }
        return Long.parseLong(m.group(1));
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static NodeProcess started(NodeProcess p) {
        nodes.add(p);
        return p;
    }

    private static List<String> netnsExec(String ns) {
        return List.of("ip", "netns", "exec", ns);
    }

    /** Why namespaces cannot be made here, or null when they can (then {@link #nsA} exists). */
    private static String netnsUnavailable() throws InterruptedException {
        try {
            Result r = run("ip", "netns", "add", nsA);
            return r.code() == 0 ? null : "'ip netns add' failed (not root?): " + r.output().strip();
        } catch (IOException e) {
            return "no 'ip' command: " + e.getMessage();
        }
    }

    /**
     * Removes what an earlier run of this test left behind when it was killed: its namespaces (after killing
     * the processes still in them) and its root-side veths, for runs whose process is gone.
     */
    private static void removeStale(long self) throws Exception {
        Pattern ns = Pattern.compile("^(" + Pattern.quote(PREFIX) + "(\\d+)-[ab])\\b");
        for (String l : run("ip", "netns", "list").output().split("\n")) {
            Matcher m = ns.matcher(l);
            if (m.find() && gone(Long.parseLong(m.group(2)), self)) {
                for (String p : run("ip", "netns", "pids", m.group(1)).output().split("\\s+")) {
                    if (p.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                run("ip", "netns", "del", m.group(1));
            }
        }
        Pattern link = Pattern.compile("^\\d+: (sonic(\\d+)[ab])@");
        for (String l : run("ip", "-o", "link", "show").output().split("\n")) {
            Matcher m = link.matcher(l);
            if (m.find() && gone(Long.parseLong(m.group(2)), self)) {
                run("ip", "link", "del", m.group(1));
            }
        }
    }

    private static boolean gone(long pid, long self) {
        return pid != self && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private record Result(int code, String output) {
    }

    /** Runs {@code ip ARGS}; fails unless it exits with 0. */
    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Result r = run(cmd.toArray(String[]::new));
        if (r.code() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.output().strip());
        }
    }

    /** Runs a command to its end, at most {@link #COMMAND_TIMEOUT}; its exit code and output (both streams). */
    private static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not end within " + COMMAND_TIMEOUT);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
