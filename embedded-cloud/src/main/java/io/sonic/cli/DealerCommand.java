package io.sonic.cli;

import io.sonic.cloud.dealer.DealerServer;
import io.sonic.cloud.server.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "dealer", mixinStandardHelpOptions = true,
        description = {"Run the dealer service: input-independent correlated randomness (Beaver triples, AND triples,"
                + " random bits) for the two servers, over mutual TLS. It never sees a weight, an input or a result.",
                "Runs until stopped (Ctrl-C)."})
final class DealerCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "port to bind (0: any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--data", paramLabel = "DIR", description = "data folder (certificate, mask seeds). Default:"
            + " ~/.sonic/dealer")
    Path data;

    @Option(names = "--name", split = ",", paramLabel = "HOST",
            description = "further host names or addresses that clients use for this node (they go into its"
                    + " certificate; needed with --host 0.0.0.0)")
    java.util.List<String> names;

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = data != null ? data : Path.of(System.getProperty("user.home"), ".sonic", "dealer");
        String secret = cluster.resolve(dir, out);
        DealerServer d;
        try {
            d = new DealerServer(new NodeConfig(-1, host, port, dir, secret, null, null, NodeConfig.DEFAULT_TIMEOUT,
                    names))
                    .start();
        } catch (java.io.IOException e) {
            throw new UserInputException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        out.printf("dealer listening on %s%n", d.url());
        out.printf("  certificate  %s%n", d.fingerprint());
        out.printf("  cluster CA   %s%n", d.caFingerprint());
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
