package io.sonic.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay that delays every byte by a fixed time in each direction, as a long link would. Run as
 * {@code DelayRelay LISTEN_ADDRESS TARGET_URL DELAY_MILLIS}: it listens on an ephemeral port of
 * LISTEN_ADDRESS, prints {@code relay listening on SCHEME://LISTEN_ADDRESS:PORT} (the target's scheme: the
 * relay passes TLS through untouched), and for each connection it accepts dials the target's host and port.
 * Each chunk read from one side is written to the other {@code DELAY_MILLIS} after it was read, in order,
 * and at once when due (TCP_NODELAY on both sockets), so the relay adds the delay and nothing else.
 * It runs until killed.
 */
final class DelayRelay {
    private static final int CHUNK = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    /** One chunk and when it is due; {@code data == null} marks the end of the stream. */
    private record Chunk(long dueNanos, byte[] data) {
    }

    private DelayRelay() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: DelayRelay LISTEN_ADDRESS TARGET_URL DELAY_MILLIS");
            System.exit(2);
        }
        InetAddress listen = InetAddress.getByName(args[0]);
        URI target = URI.create(args[1]);
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        try (ServerSocket server = new ServerSocket(0, 50, listen)) {
            System.out.println("relay listening on " + target.getScheme() + "://" + args[0] + ":"
                    + server.getLocalPort() + " (to " + target.getHost() + ":" + target.getPort() + ", " + args[2]
                    + " ms each way)");
            System.out.flush();
            while (true) {
                Socket a = server.accept();
                Socket b = new Socket();
                try {
                    b.connect(new InetSocketAddress(target.getHost(), target.getPort()), CONNECT_TIMEOUT_MILLIS);
                } catch (IOException e) {
                    System.out.println("relay: cannot reach the target: " + e.getMessage());
                    closeQuietly(a);
                    closeQuietly(b);
                    continue;
                }
                a.setTcpNoDelay(true);
                b.setTcpNoDelay(true);
                AtomicInteger open = new AtomicInteger(2);
                forward(a, b, delayNanos, open);
                forward(b, a, delayNanos, open);
            }
        }
    }

    /**
     * Copies {@code from} to {@code to} through a queue: a reader stamps each chunk with its due time, a
     * writer waits for it and writes it. The last direction to end closes both sockets.
     */
    private static void forward(Socket from, Socket to, long delayNanos, AtomicInteger open) throws IOException {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        String name = from.getPort() + "->" + to.getPort();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    byte[] data = java.util.Arrays.copyOf(buf, n);
                    queue.add(new Chunk(System.nanoTime() + delayNanos, data));
                }
            } catch (IOException ignored) {
                // the socket closed: end this direction
            }
            queue.add(new Chunk(System.nanoTime() + delayNanos, null));
        }, "relay-read-" + name);
        Thread writer = new Thread(() -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    long wait;
                    while ((wait = c.dueNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (c.data() == null) {
                        to.shutdownOutput();
                        break;
                    }
                    out.write(c.data());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side is gone: end both directions
                closeQuietly(from);
                closeQuietly(to);
            }
            if (open.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-write-" + name);
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
