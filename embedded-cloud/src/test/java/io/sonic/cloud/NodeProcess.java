package io.sonic.cloud;

import io.sonic.cli.ChildNode;
import io.sonic.cli.SonicCli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** A cluster node started as its own JVM with the real command line ({@link ChildNode}). */
record NodeProcess(ChildNode node) {
    /** Starts {@code sonic ARGS} in a new JVM (with {@code jvmArgs}) and waits until it listens. */
    static NodeProcess start(List<String> jvmArgs, List<String> args) throws Exception {
        return start(List.of(), jvmArgs, SonicCli.class.getName(), args);
    }

    /**
     * Starts {@code PREFIX java -Xmx512m JVM_ARGS MAIN ARGS} with the test class path and waits until it prints
     * "listening on URL" (see {@link ChildNode#start(List, List, String, List, Duration)}).
     */
    static NodeProcess start(List<String> prefix, List<String> jvmArgs, String mainClass, List<String> args)
            throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        jvm.addAll(jvmArgs);
        try {
            return new NodeProcess(ChildNode.start(prefix, jvm, mainClass, args, Duration.ofSeconds(60)));
        } catch (IOException e) {
            throw new AssertionError("node " + args + " did not start: " + e.getMessage());
        }
    }

    static NodeProcess start(List<String> args) throws Exception {
        return start(List.of(), args);
    }

    Process process() {
        return node.process();
    }

    URI url() {
        return node.url();
    }

    List<String> args() {
        return node.args();
    }

    void stop() {
        node.stop();
    }

    void awaitLine(String contains) throws InterruptedException {
        try {
            node.await(Pattern.compile(Pattern.quote(contains)), Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new AssertionError("node did not print '" + contains + "'");
        }
    }

    /** The dealer and both servers of one cluster, each its own process, with the link up. */
    record Cluster(NodeProcess dealer, NodeProcess s0, NodeProcess s1) {
        /** Starts the three nodes in {@code dir}; {@code serverArgs} go to both servers. */
        static Cluster start(Path dir, String secret, List<String> serverArgs) throws Exception {
            NodeProcess dealer = NodeProcess.start(List.of("dealer", "--port", "0", "--data",
                    dir.resolve("dealer").toString(), "--secret", secret));
            List<String> a0 = new ArrayList<>(List.of("serve", "--party", "0", "--port", "0", "--dealer",
                    dealer.url().toString(), "--data", dir.resolve("s0").toString(), "--secret", secret));
            a0.addAll(serverArgs);
            NodeProcess s0 = NodeProcess.start(a0);
            NodeProcess s1 = startServer1(dir, secret, s0, dealer, 0, serverArgs);
            s1.awaitLine("link to server 0 is up");
            return new Cluster(dealer, s0, s1);
        }

        /** Starts server 1 (again) on {@code port}, dialing {@code s0}. */
        static NodeProcess startServer1(Path dir, String secret, NodeProcess s0, NodeProcess dealer, int port,
                                        List<String> serverArgs) throws Exception {
            List<String> a1 = new ArrayList<>(List.of("serve", "--party", "1", "--port", Integer.toString(port),
                    "--peer", s0.url().toString(), "--dealer", dealer.url().toString(), "--data",
                    dir.resolve("s1").toString(), "--secret", secret));
            a1.addAll(serverArgs);
            return NodeProcess.start(a1);
        }
    }

    /** Sends a POSIX signal (STOP, CONT, KILL) to the node's process. */
    void signal(String name) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process().pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }
}
