package io.sonic.cloud.tls;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeIdentityTest {
    @TempDir
    Path dataDir;

    private final String secret = ClusterTrust.newSecret();
    private final ClusterTrust trust = ClusterTrust.fromSecret(secret);

    private Path storeFile() {
        return dataDir.resolve("tls").resolve("node.p12");
    }

    private Path passwordFile() {
        return dataDir.resolve("tls").resolve("node.pass");
    }

    @Test
    void createsTheFilesThenLoadsTheSameIdentity() throws Exception {
        NodeIdentity first = NodeIdentity.loadOrCreate(dataDir, trust, "server-0", List.of("s0.internal"), List.of("10.0.0.5"));
        assertTrue(Files.isRegularFile(storeFile()));
        assertTrue(Files.isRegularFile(passwordFile()));
        String password = Files.readString(passwordFile(), StandardCharsets.US_ASCII).strip();
        assertEquals(24, Base64.getUrlDecoder().decode(password).length);
        try (Stream<Path> files = Files.list(dataDir.resolve("tls"))) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }

        NodeIdentity second = NodeIdentity.loadOrCreate(dataDir, ClusterTrust.fromSecret(secret), "server-0",
                List.of("s0.internal"), List.of("10.0.0.5"));
        assertEquals(first.fingerprint(), second.fingerprint());
        assertEquals(first.certificate(), second.certificate());
        assertEquals("server-0", second.commonName());
        // the loaded key still works with the certificate: mutual TLS is exercised in TlsHandshakeTest
        assertTrue(ClusterTrust.isClusterNode(new java.security.cert.X509Certificate[]{second.certificate()}, trust));

        // a subset of the stored SANs is satisfied by the stored certificate
        NodeIdentity third = NodeIdentity.loadOrCreate(dataDir, trust, "server-0", List.of(), List.of());
        assertEquals(first.fingerprint(), third.fingerprint());
    }

    @Test
    void anotherClusterSecretReissues() throws Exception {
        NodeIdentity first = NodeIdentity.loadOrCreate(dataDir, trust, "server-1", List.of(), List.of());
        byte[] before = Files.readAllBytes(storeFile());
        ClusterTrust other = ClusterTrust.fromSecret(ClusterTrust.newSecret());
        NodeIdentity reissued = NodeIdentity.loadOrCreate(dataDir, other, "server-1", List.of(), List.of());

        assertNotEquals(first.fingerprint(), reissued.fingerprint());
        reissued.certificate().verify(other.caCertificate().getPublicKey());
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(storeFile())), "the store was replaced");
        // and it is the new one that is loaded from now on
        assertEquals(reissued.fingerprint(),
                NodeIdentity.loadOrCreate(dataDir, other, "server-1", List.of(), List.of()).fingerprint());
    }

    @Test
    void newSansOrANewNameReissue() {
        NodeIdentity first = NodeIdentity.loadOrCreate(dataDir, trust, "dealer", List.of("d.internal"), List.of());
        NodeIdentity moreDns = NodeIdentity.loadOrCreate(dataDir, trust, "dealer", List.of("d.internal", "d2.internal"), List.of());
        assertNotEquals(first.fingerprint(), moreDns.fingerprint());
        NodeIdentity moreIp = NodeIdentity.loadOrCreate(dataDir, trust, "dealer", List.of("d.internal", "d2.internal"), List.of("192.168.7.1"));
        assertNotEquals(moreDns.fingerprint(), moreIp.fingerprint());
        NodeIdentity renamed = NodeIdentity.loadOrCreate(dataDir, trust, "dealer-2", List.of("d.internal", "d2.internal"), List.of("192.168.7.1"));
        assertNotEquals(moreIp.fingerprint(), renamed.fingerprint());
        assertEquals("dealer-2", renamed.commonName());
    }

    @Test
    void anUnreadableStoreIsReplaced() throws Exception {
        NodeIdentity first = NodeIdentity.loadOrCreate(dataDir, trust, "server-0", List.of(), List.of());
        Files.writeString(passwordFile(), "wrong-password\n");
        NodeIdentity second = NodeIdentity.loadOrCreate(dataDir, trust, "server-0", List.of(), List.of());
        assertNotEquals(first.fingerprint(), second.fingerprint());
        Files.write(storeFile(), new byte[]{1, 2, 3});
        NodeIdentity third = NodeIdentity.loadOrCreate(dataDir, trust, "server-0", List.of(), List.of());
        assertNotEquals(second.fingerprint(), third.fingerprint());
        assertEquals(third.fingerprint(),
                NodeIdentity.loadOrCreate(dataDir, trust, "server-0", List.of(), List.of()).fingerprint());
    }

    @Test
    void passwordAndStoreAreReadableByTheOwnerOnly() throws Exception {
        Assumptions.assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        NodeIdentity.loadOrCreate(dataDir, trust, "server-0", List.of(), List.of());
        Set<PosixFilePermission> owner = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertEquals(owner, Files.getPosixFilePermissions(passwordFile()));
        assertEquals(owner, Files.getPosixFilePermissions(storeFile()));
        assertFalse(Files.getPosixFilePermissions(dataDir.resolve("tls")).contains(PosixFilePermission.OTHERS_READ));

        // still owner-only after a re-issue replaced the files
        NodeIdentity.loadOrCreate(dataDir, ClusterTrust.fromSecret(ClusterTrust.newSecret()), "server-0", List.of(), List.of());
        assertEquals(owner, Files.getPosixFilePermissions(passwordFile()));
    }
}
