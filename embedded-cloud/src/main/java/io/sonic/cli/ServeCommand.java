package io.sonic.cli;

import io.sonic.cloud.server.CloudServer;
import io.sonic.cloud.server.NodeConfig;
import io.sonic.cloud.server.ServerLimits;
import io.sonic.engine.net.LinkProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run one cloud server (party 0 or 1) on embedded Jetty: HTTPS API for the model owner and the user,"
                + " a TLS WebSocket link to the other server (server 1 dials server 0), sessions on a worker pool.",
                "Runs until stopped (Ctrl-C)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--party", required = true, paramLabel = "0|1", description = "which server this is")
    int party;

    @Option(names = "--peer", paramLabel = "URL", description = "server 0's URL (required for server 1)")
    URI peer;

    @Option(names = "--dealer", paramLabel = "URL", description = "the dealer's URL; without it the cluster runs"
            + " without a dealer and every query must ask for preprocessing=ot (the servers make the randomness"
            + " themselves with oblivious transfer)")
    URI dealer;

    @Option(names = "--data", paramLabel = "DIR", description = "data folder (certificate, model shares). Default:"
            + " ~/.sonic/server<party>")
    Path data;

    @Option(names = "--upload-credential", paramLabel = "CREDENTIAL",
            description = "the credential owners need to upload, replace or delete models (default:"
                    + " $SONIC_UPLOAD_CREDENTIAL, else one derived from the cluster secret, the same on both servers)")
    String uploadCredential;

    @Option(names = "--max-models", paramLabel = "N", description = "models stored at most. Default: ${DEFAULT-VALUE}")
    int maxModels = ServerLimits.DEFAULT.maxModels();

    @Option(names = "--max-model-mb", paramLabel = "MIB",
            description = "largest model upload in MiB. Default: ${DEFAULT-VALUE}")
    long maxModelMb = ServerLimits.DEFAULT.maxModelBytes() / ServerLimits.MIB;

    @Option(names = "--max-store-mb", paramLabel = "MIB",
            description = "all stored shares together, in MiB. Default: ${DEFAULT-VALUE}")
    long maxStoreMb = ServerLimits.DEFAULT.maxStoreBytes() / ServerLimits.MIB;

    @Option(names = "--max-sessions", paramLabel = "N",
            description = "sessions open at once (created or running). Default: ${DEFAULT-VALUE}")
    int maxSessions = ServerLimits.DEFAULT.maxSessions();

    @Option(names = "--max-sessions-per-client", paramLabel = "N",
            description = "the same per client address. Default: ${DEFAULT-VALUE}")
    int maxSessionsPerClient = ServerLimits.DEFAULT.maxSessionsPerClient();

    @Option(names = "--max-step-sessions", paramLabel = "N",
            description = "classroom step-mode sessions at once (each may hold a worker while paused). Default:"
                    + " ${DEFAULT-VALUE}")
    int maxPaused = ServerLimits.DEFAULT.maxPaused();

    @Option(names = "--pause-timeout-minutes", paramLabel = "MIN",
            description = "a step-mode session nobody continues fails after this. Default: ${DEFAULT-VALUE}")
    long pauseMinutes = ServerLimits.DEFAULT.pauseTimeout().toMinutes();

    @Option(names = "--link", paramLabel = "PROFILE", defaultValue = "loopback",
            description = "simulate this network on the link to the other server, for sessions that do not ask for"
                    + " one (demos on one machine): loopback (none), lan (0.25 ms, 1 Gbit/s), wan (20 ms one way,"
                    + " 100 Mbit/s) or latency=20ms,bandwidth=100mbit[,jitter=2ms]. Default: ${DEFAULT-VALUE}")
    String link;

    @Option(names = "--input-wait-seconds", paramLabel = "S",
            description = "a session whose input does not arrive within this is dropped. Default: ${DEFAULT-VALUE}")
    long inputWaitSeconds = ServerLimits.DEFAULT.inputWait().toSeconds();

    @Mixin
    NodeOptions node;

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (party != 0 && party != 1) {
            throw new UserInputException("--party must be 0 or 1");
        }
        if (party == 1 && peer == null) {
            throw new UserInputException("server 1 needs --peer https://HOST:PORT of server 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = data != null ? data : Path.of(System.getProperty("user.home"), ".sonic", "server" + party);
        String secret = cluster.resolve(dir, out);
        ServerLimits limits;
        try {
            limits = ServerLimits.DEFAULT.withStore(maxModels, maxModelMb * ServerLimits.MIB, maxStoreMb * ServerLimits.MIB)
                    .withSessions(maxSessions, maxSessionsPerClient)
                    .withStepMode(maxPaused, Math.min(maxPaused, ServerLimits.DEFAULT.maxPausedPerClient()),
                            java.time.Duration.ofMinutes(pauseMinutes))
                    .withSessionTimes(java.time.Duration.ofSeconds(inputWaitSeconds), ServerLimits.DEFAULT.keepFinished());
        } catch (IllegalArgumentException e) {
            throw new UserInputException("a limit is out of range: " + e.getMessage());
        }
        LinkProfile profile;
        try {
            profile = LinkProfile.parse(link);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--" + e.getMessage());
        }
        String credential = uploadCredential != null ? uploadCredential : System.getenv("SONIC_UPLOAD_CREDENTIAL");
        CloudServer s;
        try {
            s = new CloudServer(new NodeConfig(party, node.host, node.port, dir, secret, peer, dealer,
                    NodeConfig.DEFAULT_TIMEOUT, node.names, limits, credential, profile))
                    .start();
        } catch (java.io.IOException e) {
            throw new UserInputException("cannot listen on " + node.host + ":" + node.port + ": " + e.getMessage());
        }
        out.printf("server %d listening on %s%n", party, s.url());
        out.printf("  certificate  %s%n", s.fingerprint());
        out.printf("  cluster CA   %s   (clients pin it with --ca)%n", s.caFingerprint());
        out.printf("  upload credential  %s   (owners pass it to sonic upload --credential)%n", s.uploadCredential());
        out.printf("  data         %s%n", dir.toAbsolutePath());
        out.printf("  dealer       %s%n", dealer != null ? dealer
                : "none: the servers make every query's randomness themselves (preprocessing=ot)");
        if (profile.simulated()) {
            out.printf("  link         simulated %s (sessions may ask for another)%n", profile.summary());
        }
        out.println(party == 0 ? "  waiting for server 1 to connect (it needs --peer " + s.url() + ")"
                : "  connecting to server 0 at " + peer);
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.close();
            stop.countDown();
        }));
        // the node's own log, as it happens: sessions, the link, the dealer, models
        long seen = 0;
        while (stop.getCount() > 0) {
            var page = s.log().after(seen, 200);
            for (var e : page.entries()) {
                if (!e.text().startsWith("link to server " + (1 - party) + " is down: not connected yet")) {
                    out.println(e.text());
                }
            }
            out.flush();
            seen = page.next();
            Thread.sleep(250);
        }
        return 0;
    }
}
