package io.sonic.cloud.tls;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TLS identity of one cluster node: its private key and its certificate signed by the
 * cluster CA. The same identity serves both directions: as a server it presents the certificate
 * and asks (but does not require) clients for theirs, accepting only certificates of the
 * cluster CA; as a client of another node it presents the certificate and trusts only the CA.
 * Users and model owners connect without a certificate (see {@link ClientTrust}).
 *
 * <p>On disk an identity lives in {@code <data dir>/tls/node.p12} (PKCS#12) with its password in
 * {@code <data dir>/tls/node.pass}, both readable by the owner only where the file system has
 * POSIX permissions.
 */
public final class NodeIdentity {
    static final String TLS_DIR = "tls";
    static final String KEY_STORE_FILE = "node.p12";
    static final String PASSWORD_FILE = "node.pass";
    private static final String ALIAS = "node";
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * The cipher suites every node offers and accepts: TLS 1.3's (all AEAD) and, for TLS 1.2, only
     * ECDHE with ECDSA (node certificates are P-256) and an AEAD cipher; no CBC suite.
     */
    public static final String[] CIPHER_SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterTrust trust;
    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String fingerprint;
    private final String commonName;

    NodeIdentity(ClusterTrust trust, PrivateKey privateKey, X509Certificate certificate) {
        this.trust = trust;
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fingerprint = ClientTrust.fingerprint(certificate);
        this.commonName = ClientTrust.commonName(certificate);
    }

    /**
     * Loads the node identity stored under {@code dataDir/tls} when it was issued by this cluster
     * CA, is valid now, has the requested common name and carries every requested SAN
     * (localhost and 127.0.0.1 included); otherwise issues a new identity and stores it,
     * replacing the old files atomically. A store that cannot be read (missing password,
     * corrupt file) is replaced too: a node can always issue itself a new certificate.
     *
     * @throws UncheckedIOException when the files cannot be written
     */
    public static NodeIdentity loadOrCreate(Path dataDir, ClusterTrust trust, String commonName,
                                            List<String> dnsNames, List<String> ipAddresses) {
        Set<String> wantedDns = ClusterTrust.dnsNames(dnsNames);
        Set<String> wantedIps = ClusterTrust.ipAddresses(ipAddresses);
        Path dir = dataDir.resolve(TLS_DIR);
        Path storeFile = dir.resolve(KEY_STORE_FILE);
        Path passwordFile = dir.resolve(PASSWORD_FILE);
        NodeIdentity stored = load(storeFile, passwordFile, trust);
        if (stored != null && stored.fits(commonName, wantedDns, wantedIps)) {
            return stored;
        }
        NodeIdentity issued = trust.issue(commonName, dnsNames, ipAddresses);
        issued.store(dir, storeFile, passwordFile);
        return issued;
    }

    /** This node's certificate, signed by the cluster CA. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** {@code "sha256:"} followed by the lowercase hex SHA-256 of this node's DER certificate. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The common name of this node's certificate. */
    public String commonName() {
        return commonName;
    }

    /**
     * A Jetty server TLS configuration: presents this node's certificate, asks clients for a
     * certificate without requiring one (users present none, nodes present theirs) and accepts
     * only certificates of the cluster CA, TLS 1.3 and 1.2 only, no SNI required (so clients
     * may connect to an IP address). Key and trust stores are held in memory.
     */
    public SslContextFactory.Server jettyServer() {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        String password = newPassword();
        factory.setKeyStore(keyStore(password.toCharArray()));
        factory.setKeyStorePassword(password);
        factory.setCertAlias(ALIAS);
        factory.setTrustStore(trustStore());
        factory.setWantClientAuth(true);
        factory.setNeedClientAuth(false);
        factory.setSniRequired(false);
        factory.setIncludeProtocols(PROTOCOLS);
        factory.setIncludeCipherSuites(CIPHER_SUITES);
        return factory;
    }

    /**
     * An SSLContext presenting this node's certificate and trusting only the cluster CA, for
     * node-to-node HTTPS (for example with {@code java.net.http.HttpClient}).
     */
    public SSLContext mutualContext() {
        return contextTrusting(trust.caCertificate());
    }

    /**
     * A Jetty client TLS configuration (for a {@code ClientConnector}, such as the WebSocket
     * client of the peer link): presents this node's certificate and trusts only the cluster CA,
     * TLS 1.3 and 1.2 only. With {@code verifyHostname} the peer's certificate must name the
     * host connected to (node certificates carry their SANs); without it any certificate of the
     * cluster CA is accepted.
     */
    public SslContextFactory.Client jettyClient(boolean verifyHostname) {
        SslContextFactory.Client factory = new SslContextFactory.Client();
        String password = newPassword();
        factory.setKeyStore(keyStore(password.toCharArray()));
        factory.setKeyStorePassword(password);
        factory.setCertAlias(ALIAS);
        factory.setTrustStore(trustStore());
        factory.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        factory.setIncludeProtocols(PROTOCOLS);
        factory.setIncludeCipherSuites(CIPHER_SUITES);
        return factory;
    }

    /** An SSLContext presenting this node's certificate and trusting only {@code ca}. */
    SSLContext contextTrusting(X509Certificate ca) {
        try {
            char[] password = newPassword().toCharArray();
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(password), password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), ClientTrust.trustManagers(ca).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up mutual TLS for this node", e);
        }
    }

    /** An in-memory PKCS#12 store holding the key and the chain (node certificate, CA). */
    KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, privateKey, password,
                    new Certificate[]{certificate, trust.caCertificate()});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the node key store", e);
        }
    }

    private KeyStore trustStore() {
        try {
            return ClientTrust.trustStore(trust.caCertificate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the cluster trust store", e);
        }
    }

    private boolean fits(String wantedCommonName, Set<String> wantedDns, Set<String> wantedIps) {
        if (!wantedCommonName.equals(commonName) || !ClusterTrust.currentlyValid(certificate)
                || !trust.signedByCa(certificate)) {
            return false;
        }
        Set<String> dns = new HashSet<>();
        Set<String> ips = new HashSet<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            for (List<?> name : names) {
                int type = (Integer) name.get(0);
                String value = String.valueOf(name.get(1));
                if (type == 2) {
                    dns.add(value.toLowerCase(Locale.ROOT));
                } else if (type == 7) {
                    ips.add(ClusterTrust.canonicalIp(value));
                }
            }
        } catch (CertificateParsingException | IllegalArgumentException e) {
            return false;
        }
        return dns.containsAll(wantedDns) && ips.containsAll(wantedIps);
    }

    private static NodeIdentity load(Path storeFile, Path passwordFile, ClusterTrust trust) {
        if (!Files.isRegularFile(storeFile) || !Files.isRegularFile(passwordFile)) {
            return null;
        }
        char[] password = null;
        try {
            password = Files.readString(passwordFile, StandardCharsets.US_ASCII).strip().toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(Files.readAllBytes(storeFile)), password);
            Key key = store.getKey(ALIAS, password);
            Certificate certificate = store.getCertificate(ALIAS);
            if (key instanceof PrivateKey privateKey && certificate instanceof X509Certificate x509) {
                return new NodeIdentity(trust, privateKey, x509);
            }
            return null;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private void store(Path dir, Path storeFile, Path passwordFile) {
        String password = newPassword();
        char[] chars = password.toCharArray();
        try {
            boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            ByteArrayOutputStream p12 = new ByteArrayOutputStream();
            keyStore(chars).store(p12, chars);
            writeAtomically(dir, passwordFile, (password + "\n").getBytes(StandardCharsets.US_ASCII), posix);
            writeAtomically(dir, storeFile, p12.toByteArray(), posix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the node identity in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the node key store", e);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** Writes a temporary file next to {@code target} (owner-only where POSIX) and moves it in place. */
    private static void writeAtomically(Path dir, Path target, byte[] content, boolean posix) throws IOException {
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(
                        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp", attributes);
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** 24 random bytes, base64url without padding. */
    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + commonName + " " + fingerprint + "]";
    }
}
