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
                + " random bits, truncation pairs, FSS keys) for the two servers, streamed over mutual TLS. It never"
                + " sees a weight, an input or a result.",
                "Runs until stopped (Ctrl-C)."})
final class DealerCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "data folder (certificate, mask seeds). Default:"
            + " ~/.sonic/dealer")
    Path data;

    @Mixin
    NodeOptions node;

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
            d = new DealerServer(new NodeConfig(-1, node.host, node.port, dir, secret, null, null,
                    NodeConfig.DEFAULT_TIMEOUT, node.names)).start();
        } catch (java.io.IOException e) {
            throw new UserInputException("cannot listen on " + node.host + ":" + node.port + ": " + e.getMessage());
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
