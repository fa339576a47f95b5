package io.sonic.cloud.tls;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;

/**
 * TLS for users and model owners, who are not members of the cluster: they present no
 * certificate and trust exactly one certificate, the cluster CA, which they pin by its
 * fingerprint. Also holds the certificate helpers (PEM, fingerprint, common name) shared by the
 * rest of the package.
 */
public final class ClientTrust {
    private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String PEM_END = "-----END CERTIFICATE-----";

    private ClientTrust() {
    }

    /** An SSLContext that presents no client certificate and trusts only {@code ca}. */
    public static SSLContext trusting(X509Certificate ca) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(ca).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS trusting the cluster CA", e);
        }
    }

    /** The certificate in PEM form (base64 in lines of 64 characters between the usual markers). */
    public static String toPem(X509Certificate c) {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(c.getEncoded());
            return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    /**
     * Reads the first certificate of a PEM text.
     *
     * @throws IllegalArgumentException when the text holds no readable certificate
     */
    public static X509Certificate fromPem(String pem) {
        if (pem == null) {
            throw new IllegalArgumentException("no PEM text given");
        }
        int begin = pem.indexOf(PEM_BEGIN);
        int end = begin < 0 ? -1 : pem.indexOf(PEM_END, begin);
        if (begin < 0 || end < 0) {
            throw new IllegalArgumentException("not a PEM certificate: the BEGIN/END CERTIFICATE markers are missing");
        }
        String body = pem.substring(begin + PEM_BEGIN.length(), end).replaceAll("\\s+", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM certificate: the body is not base64", e);
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** {@code "sha256:"} followed by the lowercase hex SHA-256 of the DER certificate. */
    public static String fingerprint(X509Certificate c) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * A SHA-256 fingerprint in Sonic's notation ({@code sha256:} and 64 lowercase hex digits) from any
     * common spelling: with or without the {@code sha256:} prefix (or openssl's {@code SHA256
     * Fingerprint=}), with or without colons or blanks between the bytes, in either case.
     *
     * @throws IllegalArgumentException when it is not 32 bytes of hexadecimal
     */
    public static String normalizeFingerprint(String text) {
        String s = text == null ? "" : text.trim();
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        for (String prefix : new String[] {"sha256 fingerprint=", "sha256:", "sha-256:", "sha256="}) {
            if (lower.startsWith(prefix)) {
                s = s.substring(prefix.length());
                break;
            }
        }
        String hex = s.replaceAll("[:\\s-]", "").toLowerCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("'" + (text == null ? "" : text.trim()) + "' is not a SHA-256"
                    + " fingerprint: expected 64 hexadecimal digits (32 bytes), optionally after 'sha256:' and"
                    + " with colons between the bytes, as sonic serve or openssl prints it");
        }
        return "sha256:" + hex;
    }

    /** The common name (CN) of the certificate's subject, or null when it has none. */
    public static String commonName(X509Certificate c) {
        if (c == null) {
            return null;
        }
        RDN[] rdns = X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (rdns.length == 0 || rdns[0].getFirst() == null) {
            return null;
        }
        ASN1Encodable value = rdns[0].getFirst().getValue();
        return value instanceof ASN1String s ? s.getString() : value.toString();
    }

    /** A trust manager factory whose only anchor is {@code ca}. */
    static TrustManagerFactory trustManagers(X509Certificate ca) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore(ca));
        return factory;
    }

    /** An in-memory key store whose only entry is the trusted certificate {@code ca}. */
    static KeyStore trustStore(X509Certificate ca) throws GeneralSecurityException {
        if (ca == null) {
            throw new IllegalArgumentException("no CA certificate given");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create an in-memory key store", e);
        }
        store.setCertificateEntry("sonic-cluster-ca", ca);
        return store;
    }
}
