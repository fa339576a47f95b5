package io.sonic.cloud;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw TLS connection (from a chosen loopback address) speaking HTTP/1.1 by hand, for tests of what strangers send. */
final class RawHttp implements AutoCloseable {
    /** An answer: status, headers (names in lower case) and body. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    final SSLSocket socket;
    final OutputStream out;
    final InputStream in;

    RawHttp(SSLContext tls, String from, URI server) throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(from, 0));
        plain.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5000);
        socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, server.getHost(), server.getPort(), true);
        socket.setSoTimeout(15000);
        socket.setTcpNoDelay(true);
        socket.startHandshake();
        out = new java.io.BufferedOutputStream(socket.getOutputStream());
        in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    void head(String method, String path, Map<String, String> headers) throws IOException {
        StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends a whole request and reads the answer. */
    Answer call(String method, String path, String token, byte[] body) throws IOException {
        return call(method, path, token, Map.of(), body);
    }

    /** As {@link #call(String, String, String, byte[])}, with further headers. */
    Answer call(String method, String path, String token, Map<String, String> headers, byte[] body) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        if (token != null) {
            h.put("Authorization", "Bearer " + token);
        }
        h.put("Content-Length", Integer.toString(body.length));
        head(method, path, h);
        out.write(body);
        out.flush();
        return read();
    }

    Answer read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 ")) {
            throw new IOException("no HTTP answer");
        }
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int k = lines[i].indexOf(':');
            if (k > 0) {
                headers.put(lines[i].substring(0, k).trim().toLowerCase(Locale.ROOT), lines[i].substring(k + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
