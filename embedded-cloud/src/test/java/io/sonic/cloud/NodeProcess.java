package io.sonic.cloud;

import io.sonic.cli.SonicCli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A cluster node started as its own JVM with the real command line, and the lines it prints. */
record NodeProcess(Process process, URI url, BlockingQueue<String> lines, List<String> args) {
    private static final Pattern LISTENING = Pattern.compile("listening on (https://\\S+)");

    /** Starts {@code sonic ARGS} in a new JVM (with {@code jvmArgs}) and waits until it listens. */
    static NodeProcess start(List<String> jvmArgs, List<String> args) throws Exception {
        return start(List.of(), jvmArgs, SonicCli.class.getName(), args);
    }

    /**
     * Starts {@code PREFIX java JVM_ARGS MAIN ARGS} with the test class path and waits until it prints
     * "listening on URL". The prefix runs the JVM elsewhere, e.g. {@code ip netns exec NS}; it must exec the
     * command (not fork it), so that the process is the JVM itself.
     */
    static NodeProcess start(List<String> prefix, List<String> jvmArgs, String mainClass, List<String> args)
            throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        BlockingQueue<String> first = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                    first.add(l);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String l = first.poll(200, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                Matcher m = LISTENING.matcher(l);
                if (m.find()) {
                    return new NodeProcess(p, URI.create(m.group(1)), lines, args);
                }
            }
            if (!p.isAlive() && first.isEmpty()) {
                break;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("node " + args + " did not start: " + String.join(" | ", seen));
    }

    static NodeProcess start(List<String> args) throws Exception {
        return start(List.of(), args);
    }

    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitLine(String contains) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null && l.contains(contains)) {
                return;
            }
        }
        throw new AssertionError("node did not print '" + contains + "'");
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
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }
}
