package io.sonic.cloud.tls;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real TLS handshakes against a Jetty server configured by {@link NodeIdentity#jettyServer()}. */
class TlsHandshakeTest {
    private final ClusterTrust trust = ClusterTrust.fromSecret(ClusterTrust.newSecret());
    private final ClusterTrust foreign = ClusterTrust.fromSecret(ClusterTrust.newSecret());
    private final NodeIdentity server0 = trust.issue("server-0", List.of(), List.of());
    private Server server;
    private URI uri;

    @BeforeEach
    void startServer() throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(server0.jettyServer(), HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String body = "ok";
                if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl) {
                    X509Certificate[] chain = ssl.peerCertificates();
                    if (chain != null && chain.length > 0) {
                        body += " " + ClientTrust.commonName(chain[0])
                                + (ClusterTrust.isClusterNode(chain, trust) ? " member" : " stranger");
                    }
                }
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        });
        server.start();
        uri = URI.create("https://127.0.0.1:" + connector.getLocalPort() + "/");
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    private HttpResponse<String> get(SSLContext context) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void userTrustingTheClusterCaConnectsWithoutACertificate() throws Exception {
        HttpResponse<String> response = get(ClientTrust.trusting(trust.caCertificate()));
        assertEquals(200, response.statusCode());
        assertEquals("ok", response.body());
    }

    @Test
    void userTrustingAPemCopyOfTheCaConnects() throws Exception {
        X509Certificate pinned = ClientTrust.fromPem(ClientTrust.toPem(trust.caCertificate()));
        assertEquals(trust.caFingerprint(), ClientTrust.fingerprint(pinned));
        assertEquals(200, get(ClientTrust.trusting(pinned)).statusCode());
    }

    @Test
    void nodeOfTheClusterIsRecognisedByItsCertificate() throws Exception {
        NodeIdentity dealer = trust.issue("dealer", List.of(), List.of());
        HttpResponse<String> response = get(dealer.mutualContext());
        assertEquals(200, response.statusCode());
        assertEquals("ok dealer member", response.body());
    }

    @Test
    void clientTrustingAnotherClusterRefusesTheServer() {
        assertThrows(IOException.class, () -> get(ClientTrust.trusting(foreign.caCertificate())));
        assertThrows(IOException.class, () -> get(foreign.issue("server-1", List.of(), List.of()).mutualContext()));
    }

    @Test
    void serverRefusesANodeOfAnotherCluster() {
        // the intruder trusts our CA, so the only thing that can fail is the server's check of its certificate
        NodeIdentity intruder = foreign.issue("server-1", List.of(), List.of());
        assertThrows(IOException.class, () -> get(intruder.contextTrusting(trust.caCertificate())));
    }

    @Test
    void jettyClientOfANodeConnectsWithAndWithoutHostnameCheck() throws Exception {
        NodeIdentity server1 = trust.issue("server-1", List.of(), List.of());
        for (boolean verifyHostname : new boolean[]{true, false}) {
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(server1.jettyClient(verifyHostname));
            org.eclipse.jetty.client.HttpClient client =
                    new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP(connector));
            client.start();
            try {
                ContentResponse response = client.newRequest(uri).timeout(5, TimeUnit.SECONDS).send();
                assertEquals(200, response.getStatus());
                assertEquals("ok server-1 member", response.getContentAsString());
                ContentResponse byName = client.newRequest(uri.toString().replace("127.0.0.1", "localhost"))
                        .timeout(5, TimeUnit.SECONDS).send();
                assertEquals(200, byName.getStatus());
            } finally {
                client.stop();
            }
        }
    }

    /** A TLS 1.2 handshake offering only the given suites; the suite agreed on, or null when refused. */
    private String handshake12(String... suites) throws Exception {
        SSLContext ctx = ClientTrust.trusting(trust.caCertificate());
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
                uri.getPort())) {
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.setEnabledCipherSuites(suites);
            s.startHandshake();
            return s.getSession().getCipherSuite();
        } catch (javax.net.ssl.SSLException e) {
            return null;
        }
    }

    @Test
    void tls12OffersOnlyAeadSuites() throws Exception {
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", handshake12("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        assertEquals("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                handshake12("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
        for (String cbc : new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}) {
            assertEquals(null, handshake12(cbc), cbc + " must be refused");
        }
    }

    @Test
    void fingerprintsAreAcceptedInEveryCommonSpelling() {
        String fp = trust.caFingerprint();
        String hex = fp.substring("sha256:".length());
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        for (String spelling : new String[] {fp, hex, hex.toUpperCase(), "SHA256:" + hex, colons.toString(),
                colons.toString().toUpperCase(), "sha256 Fingerprint=" + colons.toString().toUpperCase(), "  " + fp + " "}) {
            assertEquals(fp, ClientTrust.normalizeFingerprint(spelling), spelling);
        }
        for (String bad : new String[] {"", "sha256:", hex.substring(2), hex + "00", "md5:" + hex, "zz" + hex.substring(2)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ClientTrust.normalizeFingerprint(bad), bad);
            assertTrue(e.getMessage().contains("64 hexadecimal digits"), e.getMessage());
        }
    }

    @Test
    void jettyClientOfAnotherClusterIsRefused() throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(foreign.issue("server-1", List.of(), List.of()).jettyClient(false));
        org.eclipse.jetty.client.HttpClient client =
                new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP(connector));
        client.start();
        try {
            assertThrows(Exception.class, () -> client.newRequest(uri).timeout(5, TimeUnit.SECONDS).send());
        } finally {
            client.stop();
        }
    }
}
