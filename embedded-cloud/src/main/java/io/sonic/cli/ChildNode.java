package io.sonic.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node of a cluster (dealer or server) as a JVM of its own, started with this JVM's class path and the real
 * command line, and the lines it prints; for {@code bench --scale} and for tests that run nodes as processes.
 */
public final class ChildNode {
    private static final Pattern LISTENING = Pattern.compile("listening on (https://\\S+)");

    private final Process process;
    private final URI url;
    private final List<String> args;
    private final BlockingQueue<String> lines;

    private ChildNode(Process process, URI url, List<String> args, BlockingQueue<String> lines) {
        this.process = process;
        this.url = url;
        this.args = args;
        this.lines = lines;
    }

    /** Starts {@code sonic ARGS} in a new JVM and waits until it listens. */
    public static ChildNode start(List<String> args) throws IOException {
        return start(List.of(), List.of(), SonicCli.class.getName(), args, Duration.ofSeconds(60));
    }

    /**
     * Starts {@code PREFIX java JVM_ARGS MAIN ARGS} with this JVM's class path and waits (at most {@code wait})
     * until it prints "listening on URL". The prefix runs the JVM elsewhere, e.g. {@code ip netns exec NS}; it
     * must exec the command (not fork it), so that the process is the JVM itself.
     */
    public static ChildNode start(List<String> prefix, List<String> jvmArgs, String mainClass, List<String> args,
                                  Duration wait) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // every line goes to lines (for later waits, from the first line on) and to first (for the start)
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
                // the node ended
            }
        }, "sonic-child-node");
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        String url = await(p, first, LISTENING, wait, seen);
        if (url == null) {
            p.destroyForcibly();
            throw new IOException("'" + String.join(" ", args) + "' did not start: " + String.join(" | ", seen));
        }
        return new ChildNode(p, URI.create(url), List.copyOf(args), lines);
    }

    /**
     * Waits (at most {@code wait}) for a line that {@code pattern} finds something in and returns its first
     * group (the whole match without one); the lines up to it (from the node's first line on, for the first
     * wait) are consumed.
     */
    public String await(Pattern pattern, Duration wait) throws IOException {
        String found = await(process, lines, pattern, wait, new ArrayList<>());
        if (found == null) {
            throw new IOException("'" + String.join(" ", args) + "' printed no line matching '" + pattern + "' within "
                    + wait.toSeconds() + " s");
        }
        return found;
    }

    private static String await(Process process, BlockingQueue<String> lines, Pattern pattern, Duration wait,
                                List<String> seen) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline && (process.isAlive() || !lines.isEmpty())) {
                String l = lines.poll(200, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                seen.add(l);
                Matcher m = pattern.matcher(l);
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return null;
    }

    public Process process() {
        return process;
    }

    public URI url() {
        return url;
    }

    public List<String> args() {
        return args;
    }

    /** Ends the node (SIGTERM, then SIGKILL after 10 s). */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
