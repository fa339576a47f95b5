package io.sonic.cli;

import io.sonic.cloud.server.CloudServer;
import io.sonic.cloud.server.NodeConfig;
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

    @Option(names = "--dealer", required = true, paramLabel = "URL", description = "the dealer's URL")
    URI dealer;

    @Option(names = "--data", paramLabel = "DIR", description = "data folder (certificate, model shares). Default:"
            + " ~/.sonic/server<party>")
    Path data;

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
        CloudServer s;
        try {
            s = new CloudServer(new NodeConfig(party, node.host, node.port, dir, secret, peer, dealer,
                    NodeConfig.DEFAULT_TIMEOUT, node.names))
                    .start();
        } catch (java.io.IOException e) {
            throw new UserInputException("cannot listen on " + node.host + ":" + node.port + ": " + e.getMessage());
        }
        out.printf("server %d listening on %s%n", party, s.url());
        out.printf("  certificate  %s%n", s.fingerprint());
        out.printf("  cluster CA   %s   (clients pin it with --ca)%n", s.caFingerprint());
        out.printf("  data         %s%n", dir.toAbsolutePath());
        out.printf("  dealer       %s%n", dealer);
        out.println(party == 0 ? "  waiting for server 1 to connect (it needs --peer " + s.url() + ")"
                : "  connecting to server 0 at " + peer);
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.close();
            stop.countDown();
        }));
        boolean reported = false;
        String lastReason = "";
        while (stop.getCount() > 0) {
            boolean up = s.link().connected();
            String reason = s.link().lastError();
            if (up != reported || !up && !reason.equals(lastReason) && !reason.startsWith("not connected")) {
                out.println(up ? "link to server " + (1 - party) + " is up" : "link to server " + (1 - party)
                        + " is down: " + reason);
                out.flush();
                reported = up;
                lastReason = reason;
            }
            Thread.sleep(250);
        }
        return 0;
    }
}
