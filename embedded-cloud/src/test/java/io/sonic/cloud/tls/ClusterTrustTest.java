package io.sonic.cloud.tls;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterTrustTest {
    private static final String SECRET = "c29uaWMtdGVzdC1jbHVzdGVyLXNlY3JldC0zMmJ5dGVz";

    @Test
    void newSecretsAre32RandomBytesInBase64Url() {
        String a = ClusterTrust.newSecret();
        String b = ClusterTrust.newSecret();
        assertEquals(43, a.length());
        assertTrue(a.matches("[A-Za-z0-9_-]+"), a);
        assertEquals(32, Base64.getUrlDecoder().decode(a).length);
        assertNotEquals(a, b);
    }

    @Test
    void sameSecretGivesByteIdenticalCa() throws Exception {
        ClusterTrust one = ClusterTrust.fromSecret(SECRET);
        ClusterTrust two = ClusterTrust.fromSecret(SECRET);
        assertArrayEquals(one.caCertificate().getEncoded(), two.caCertificate().getEncoded());
        assertEquals(one.caFingerprint(), two.caFingerprint());
        assertTrue(one.caFingerprint().matches("sha256:[0-9a-f]{64}"), one.caFingerprint());
        assertEquals(ClientTrust.fingerprint(one.caCertificate()), one.caFingerprint());
    }

    @Test
    void differentSecretGivesDifferentCa() throws Exception {
        ClusterTrust one = ClusterTrust.fromSecret(SECRET);
        ClusterTrust other = ClusterTrust.fromSecret(ClusterTrust.newSecret());
        assertNotEquals(one.caFingerprint(), other.caFingerprint());
        assertNotEquals(one.caCertificate().getPublicKey(), other.caCertificate().getPublicKey());
        assertNotEquals(one.caCertificate().getSerialNumber(), other.caCertificate().getSerialNumber());
    }

    @Test
    void badSecretsAreRefusedWithAMessageNamingTheProblem() {
        assertTrue(refusal("").contains("empty"), refusal(""));
        assertTrue(refusal(null).contains("empty"), refusal(null));
        assertTrue(refusal("abc").contains("too short"), refusal("abc"));
        assertTrue(refusal("not base64!").contains("not base64url"), refusal("not base64!"));
        // standard base64 ('+', '/') is not base64url
        assertTrue(refusal("ab+/ab+/ab+/ab+/ab+/ab+/").contains("not base64url"));
        // 15 bytes is one short
        assertTrue(refusal(Base64.getUrlEncoder().encodeToString(new byte[15])).contains("too short"));
        // 16 bytes, with or without padding, is accepted
        ClusterTrust.fromSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]));
        ClusterTrust.fromSecret(Base64.getUrlEncoder().encodeToString(new byte[16]));
    }

    private static String refusal(String secret) {
        return assertThrows(IllegalArgumentException.class, () -> ClusterTrust.fromSecret(secret)).getMessage();
    }

    @Test
    void caCertificateIsASelfSignedCaWithFixedValidity() throws Exception {
        X509Certificate ca = ClusterTrust.fromSecret(SECRET).caCertificate();
        ca.verify(ca.getPublicKey());
        assertEquals(3, ca.getVersion());
        assertEquals("Sonic cluster CA", ClientTrust.commonName(ca));
        assertEquals(ca.getSubjectX500Principal(), ca.getIssuerX500Principal());
        assertTrue(ca.getBasicConstraints() >= 0, "CA=true");
        boolean[] usage = ca.getKeyUsage();
        assertTrue(usage[5], "keyCertSign");
        assertTrue(usage[6], "cRLSign");
        assertFalse(usage[0], "no digitalSignature");
        assertTrue(ca.getCriticalExtensionOIDs().containsAll(List.of("2.5.29.19", "2.5.29.15")));
        assertEquals("SHA256withECDSA", ca.getSigAlgName());
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), ca.getNotBefore().toInstant());
        assertEquals(Instant.parse("2124-01-01T00:00:00Z"), ca.getNotAfter().toInstant());
        assertEquals("EC", ca.getPublicKey().getAlgorithm());
        assertEquals(1, ca.getSerialNumber().signum());
    }

    /**
     * Recomputes the CA private scalar with the JDK alone (HKDF-SHA256 from javax.crypto.Mac,
     * d = 1 + OKM mod (n - 1)) and checks that a signature made with it verifies against the
     * derived CA certificate: the documented derivation is the one implemented.
     */
    @Test
    void caKeyFollowsTheDocumentedDerivation() throws Exception {
        byte[] ikm = Base64.getUrlDecoder().decode(SECRET);
        byte[] okm = hkdfSha256(ikm, "sonic cluster ca v1".getBytes(StandardCharsets.US_ASCII), 48);
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
        BigInteger n = p256.getOrder();
        BigInteger d = new BigInteger(1, okm).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, p256));

        byte[] message = "cluster CA derivation".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        byte[] signature = signer.sign();

        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(ClusterTrust.fromSecret(SECRET).caCertificate().getPublicKey());
        verifier.update(message);
        assertTrue(verifier.verify(signature));

        byte[] serial = hkdfSha256(ikm, "sonic cluster ca serial v1".getBytes(StandardCharsets.US_ASCII), 16);
        serial[0] &= 0x7f;
        assertEquals(new BigInteger(1, serial), ClusterTrust.fromSecret(SECRET).caCertificate().getSerialNumber());
    }

    /** RFC 5869 with an empty salt (HashLen zero bytes). */
    private static byte[] hkdfSha256(byte[] ikm, byte[] info, int length) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int i = 1; out.size() < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            out.write(t);
        }
        byte[] okm = new byte[length];
        System.arraycopy(out.toByteArray(), 0, okm, 0, length);
        return okm;
    }

    @Test
    void issuedNodeCertificateIsSignedByTheCaAndCarriesSansAndBothEkus() throws Exception {
        ClusterTrust trust = ClusterTrust.fromSecret(SECRET);
        NodeIdentity node = trust.issue("server-0", List.of("s0.example.org"), List.of("10.1.2.3", "::1"));
        X509Certificate cert = node.certificate();

        cert.verify(trust.caCertificate().getPublicKey());
        cert.checkValidity();
        assertEquals(trust.caCertificate().getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertEquals("server-0", ClientTrust.commonName(cert));
        assertEquals("server-0", node.commonName());
        assertEquals(ClientTrust.fingerprint(cert), node.fingerprint());
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertEquals("EC", cert.getPublicKey().getAlgorithm());

        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        for (List<?> san : sans) {
            if ((Integer) san.get(0) == 2) {
                dns.add((String) san.get(1));
            } else if ((Integer) san.get(0) == 7) {
                ips.add((String) san.get(1));
            }
        }
        assertEquals(List.of("localhost", "s0.example.org"), dns);
        assertEquals(3, ips.size(), ips.toString());
        assertTrue(ips.containsAll(List.of("127.0.0.1", "10.1.2.3")), ips.toString());
        assertTrue(ips.stream().anyMatch(ip -> ip.equals("0:0:0:0:0:0:0:1")), ips.toString());

        assertTrue(cert.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
        long lifetimeDays = (cert.getNotAfter().getTime() - cert.getNotBefore().getTime()) / 86_400_000L;
        assertTrue(lifetimeDays >= 730 && lifetimeDays <= 732, "about two years: " + lifetimeDays);
        assertTrue(cert.getNotBefore().toInstant().isBefore(Instant.now().minusSeconds(3000)));
        assertTrue(cert.getSerialNumber().bitLength() > 64, "random 128-bit serial");
    }

    @Test
    void eachIssueMakesAFreshKeyAndSerial() {
        ClusterTrust trust = ClusterTrust.fromSecret(SECRET);
        NodeIdentity a = trust.issue("dealer", List.of(), List.of());
        NodeIdentity b = trust.issue("dealer", List.of(), List.of());
        assertNotEquals(a.certificate().getPublicKey(), b.certificate().getPublicKey());
        assertNotEquals(a.certificate().getSerialNumber(), b.certificate().getSerialNumber());
    }

    @Test
    void issueRefusesBadNames() {
        ClusterTrust trust = ClusterTrust.fromSecret(SECRET);
        assertThrows(IllegalArgumentException.class, () -> trust.issue(" ", List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> trust.issue("n", List.of(""), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trust.issue("n", List.of(), List.of("example.org")));
        assertTrue(e.getMessage().contains("not an IP address"), e.getMessage());
    }

    @Test
    void isClusterNodeAcceptsOnlyCertificatesOfThisCa() {
        ClusterTrust trust = ClusterTrust.fromSecret(SECRET);
        ClusterTrust other = ClusterTrust.fromSecret(ClusterTrust.newSecret());
        NodeIdentity member = trust.issue("server-1", List.of(), List.of());
        NodeIdentity stranger = other.issue("server-1", List.of(), List.of());

        assertTrue(ClusterTrust.isClusterNode(new X509Certificate[]{member.certificate()}, trust));
        assertFalse(ClusterTrust.isClusterNode(new X509Certificate[]{stranger.certificate()}, trust));
        assertTrue(ClusterTrust.isClusterNode(new X509Certificate[]{stranger.certificate()}, other));
        assertFalse(ClusterTrust.isClusterNode(null, trust));
        assertFalse(ClusterTrust.isClusterNode(new X509Certificate[0], trust));
    }

    @Test
    void pemRoundTripsAndCommonNameIsRead() throws Exception {
        X509Certificate ca = ClusterTrust.fromSecret(SECRET).caCertificate();
        String pem = ClientTrust.toPem(ca);
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n"), pem);
        assertTrue(pem.endsWith("-----END CERTIFICATE-----\n"), pem);
        assertTrue(pem.lines().allMatch(l -> l.length() <= 64), pem);
        assertArrayEquals(ca.getEncoded(), ClientTrust.fromPem(pem).getEncoded());
        assertArrayEquals(ca.getEncoded(), ClientTrust.fromPem("junk before\r\n" + pem.replace("\n", "\r\n")).getEncoded());
        assertThrows(IllegalArgumentException.class, () -> ClientTrust.fromPem("no certificate here"));
        assertThrows(IllegalArgumentException.class,
                () -> ClientTrust.fromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
        assertNull(ClientTrust.commonName(null));
    }

    @Test
    void toStringShowsNoSecret() {
        ClusterTrust trust = ClusterTrust.fromSecret(SECRET);
        assertFalse(trust.toString().contains(SECRET));
        assertTrue(trust.toString().contains(trust.caFingerprint()));
    }
}
