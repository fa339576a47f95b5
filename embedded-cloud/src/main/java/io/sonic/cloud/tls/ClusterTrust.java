package io.sonic.cloud.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.io.SignerOutputStream;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.util.IPAddress;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The trust shared by the nodes of one Sonic cluster (server party 0, server party 1 and the
 * dealer). Every node is given the same <em>cluster secret</em>; from it each node derives, on
 * its own and without talking to the others, the same cluster CA: an EC P-256 key pair and a
 * self-signed certificate that is byte for byte identical on every node. A node then issues
 * itself a certificate signed by that CA, and the nodes talk mutual TLS trusting only the CA.
 * Whoever lacks the secret cannot obtain a CA-signed certificate.
 *
 * <p>Derivation (version 1; changing any of it splits a cluster whose nodes run different
 * versions):
 * <ul>
 *   <li>secret: base64url (padding optional) of at least 16 bytes, {@link #newSecret()} makes 32;</li>
 *   <li>private scalar d = 1 + (OKM mod (n &minus; 1)), where OKM is 48 bytes of
 *       HKDF-SHA256(IKM = secret bytes, no salt, info = {@value #CA_KEY_INFO}) and n the order
 *       of P-256, so d lies in [1, n &minus; 1] with negligible bias;</li>
 *   <li>serial number: 16 bytes of HKDF-SHA256(secret, info = {@value #CA_SERIAL_INFO}) with
 *       the top bit cleared;</li>
 *   <li>certificate: X.509 v3, subject and issuer CN=Sonic cluster CA, valid from
 *       2024-01-01T00:00:00Z to 2124-01-01T00:00:00Z, BasicConstraints CA=true and KeyUsage
 *       keyCertSign|cRLSign (both critical), SubjectKeyIdentifier, signed SHA256withECDSA with
 *       deterministic nonces (RFC 6979).</li>
 * </ul>
 *
 * <p>The secret and the CA private key never leave this object; {@link #toString()} shows only
 * the CA fingerprint.
 */
public final class ClusterTrust {
    static final String CA_KEY_INFO = "sonic cluster ca v1";
    static final String CA_SERIAL_INFO = "sonic cluster ca serial v1";
    static final String UPLOAD_CREDENTIAL_INFO = "sonic upload credential v1";
    static final String CA_COMMON_NAME = "Sonic cluster CA";
    static final int MIN_SECRET_BYTES = 16;
    static final Instant CA_NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant CA_NOT_AFTER = Instant.parse("2124-01-01T00:00:00Z");

    private static final int SECRET_BYTES = 32;
    private static final int SCALAR_SEED_BYTES = 48;
    private static final String CURVE = "secp256r1";
    private static final X9ECParameters P256 = CustomNamedCurves.getByName(CURVE);
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ECPrivateKeyParameters caKey;
    private final PublicKey caPublicKey;
    private final X509Certificate caCertificate;
    private final String caFingerprint;
    private final String uploadCredential;

    private ClusterTrust(ECPrivateKeyParameters caKey, PublicKey caPublicKey, X509Certificate caCertificate,
                         String uploadCredential) {
        this.caKey = caKey;
        this.caPublicKey = caPublicKey;
        this.caCertificate = caCertificate;
        this.caFingerprint = ClientTrust.fingerprint(caCertificate);
        this.uploadCredential = uploadCredential;
    }

    /** A fresh cluster secret: 32 random bytes from SecureRandom, base64url without padding. */
    public static String newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * Derives the cluster CA from the cluster secret (see the class description). The same
     * secret gives the same CA key and a byte-identical CA certificate on every node.
     *
     * @throws IllegalArgumentException when the secret is missing, not base64url, or shorter
     *                                  than 16 bytes
     */
    public static ClusterTrust fromSecret(String secret) {
        byte[] ikm = decodeSecret(secret);
        try {
            BigInteger n = DOMAIN.getN();
            BigInteger seed = new BigInteger(1, hkdf(ikm, CA_KEY_INFO, SCALAR_SEED_BYTES));
            BigInteger d = seed.mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            ECPrivateKeyParameters caKey = new ECPrivateKeyParameters(d, DOMAIN);
            PublicKey caPublic = jdkPublicKey(DOMAIN.getG().multiply(d).normalize());

            byte[] serialBytes = hkdf(ikm, CA_SERIAL_INFO, 16);
            serialBytes[0] &= 0x7f;
            BigInteger serial = new BigInteger(1, serialBytes);
            if (serial.signum() == 0) {
                serial = BigInteger.ONE;
            }
            X500Name subject = name(CA_COMMON_NAME);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    new Time(Date.from(CA_NOT_BEFORE), Locale.ROOT), new Time(Date.from(CA_NOT_AFTER), Locale.ROOT),
                    subject, caPublic)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caPublic));
            X509Certificate ca = toCertificate(builder.build(signer(caKey)));
            String upload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    hkdf(ikm, UPLOAD_CREDENTIAL_INFO, 24));
            return new ClusterTrust(caKey, caPublic, ca, upload);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot derive the cluster CA", e);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** The cluster CA certificate (self-signed), the only trust anchor of the cluster. */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /**
     * The cluster's default upload credential: derived one-way from the cluster secret (HKDF), so both
     * servers agree on it without further setup, and an owner who holds it learns nothing of the
     * secret. The servers print it; a server started with its own credential uses that instead.
     */
    public String uploadCredential() {
        return uploadCredential;
    }

    /** {@code "sha256:"} followed by the lowercase hex SHA-256 of the DER CA certificate. */
    public String caFingerprint() {
        return caFingerprint;
    }

    /**
     * Issues a node identity: a fresh EC P-256 key pair and a certificate signed by the cluster
     * CA with subject CN={@code commonName}, SubjectAlternativeNames for every DNS name and IP
     * address given plus DNS:localhost and IP:127.0.0.1, ExtendedKeyUsage serverAuth and
     * clientAuth, a random 128-bit serial, valid from one hour ago for two years.
     *
     * @throws IllegalArgumentException when the common name is blank, a DNS name is blank or an
     *                                  IP address is not an IPv4/IPv6 literal
     */
    public NodeIdentity issue(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a node certificate needs a common name");
        }
        Set<String> dns = dnsNames(dnsNames);
        Set<String> ips = ipAddresses(ipAddresses);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            KeyPair pair = generator.generateKeyPair();

            List<GeneralName> names = new ArrayList<>();
            dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));

            byte[] serialBytes = new byte[16];
            RANDOM.nextBytes(serialBytes);
            BigInteger serial = new BigInteger(1, serialBytes);
            if (serial.signum() == 0) {
                serial = BigInteger.ONE;
            }
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            Date notBefore = Date.from(now.minus(Duration.ofHours(1)).toInstant());
            Date notAfter = Date.from(now.plusYears(2).toInstant());

            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial,
                    notBefore, notAfter, name(commonName), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(new GeneralName[0])))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(caCertificate));
            X509Certificate certificate = toCertificate(builder.build(signer(caKey)));
            return new NodeIdentity(this, pair.getPrivate(), certificate);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a node certificate", e);
        }
    }

    /**
     * Whether a TLS peer is a node of this cluster: its certificate ({@code chain[0]}) is
     * signed by the cluster CA and valid now. False for a missing or empty chain.
     */
    public static boolean isClusterNode(X509Certificate[] chain, ClusterTrust trust) {
        if (chain == null || chain.length == 0 || chain[0] == null || trust == null) {
            return false;
        }
        return trust.signedByCa(chain[0]) && currentlyValid(chain[0]);
    }

    /** Whether the certificate carries a valid signature of the cluster CA. */
    boolean signedByCa(X509Certificate certificate) {
        if (!certificate.getIssuerX500Principal().equals(caCertificate.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(caPublicKey);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static boolean currentlyValid(X509Certificate certificate) {
        try {
            certificate.checkValidity();
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    /** The DNS names a node certificate carries for the request: the given ones and localhost. */
    static Set<String> dnsNames(List<String> requested) {
        Set<String> out = new LinkedHashSet<>();
        out.add("localhost");
        if (requested != null) {
            for (String d : requested) {
                if (d == null || d.isBlank()) {
                    throw new IllegalArgumentException("a DNS name of a node certificate is blank");
                }
                out.add(d.strip().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** The IP addresses (canonical text) a node certificate carries: the given ones and 127.0.0.1. */
    static Set<String> ipAddresses(List<String> requested) {
        Set<String> out = new LinkedHashSet<>();
        out.add("127.0.0.1");
        if (requested != null) {
            for (String ip : requested) {
                out.add(canonicalIp(ip));
            }
        }
        return out;
    }

    /** The canonical text of an IP literal (never a name lookup). */
    static String canonicalIp(String ip) {
        String s = ip == null ? "" : ip.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!IPAddress.isValid(s)) {
            throw new IllegalArgumentException("not an IP address: \"" + ip + "\"");
        }
        try {
            return java.net.InetAddress.getByName(s).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: \"" + ip + "\"", e);
        }
    }

    private static byte[] decodeSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the cluster secret is empty: give the base64url secret shared by the cluster");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(secret.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the cluster secret is not base64url (letters, digits, '-' and '_')", e);
        }
        if (bytes.length < MIN_SECRET_BYTES) {
            int length = bytes.length;
            Arrays.fill(bytes, (byte) 0);
            throw new IllegalArgumentException("the cluster secret is too short: " + length
                    + " bytes, at least " + MIN_SECRET_BYTES + " are needed (a new secret has " + SECRET_BYTES + ")");
        }
        return bytes;
    }

    private static byte[] hkdf(byte[] ikm, String info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(ikm, null, info.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    private static PublicKey jdkPublicKey(ECPoint q) throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(CURVE));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        java.security.spec.ECPoint w = new java.security.spec.ECPoint(
                q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static X509Certificate toCertificate(X509CertificateHolder holder) throws CertificateException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    /** SHA256withECDSA with RFC 6979 deterministic nonces, DER-encoded (r, s). */
    private static ContentSigner signer(ECPrivateKeyParameters key) {
        DSADigestSigner signer = new DSADigestSigner(
                new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())), new SHA256Digest());
        signer.init(true, key);
        AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        SignerOutputStream stream = new SignerOutputStream(signer);
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithm;
            }

            @Override
            public java.io.OutputStream getOutputStream() {
                return stream;
            }

            @Override
            public byte[] getSignature() {
                return signer.generateSignature();
            }
        };
    }

    @Override
    public String toString() {
        return "ClusterTrust[ca " + caFingerprint + "]";
    }
}
