package io.sonic.cloud.tls;

import javax.net.ssl.SSLContext;
import java.security.cert.X509Certificate;

/** Lets tests in other packages build a node's TLS context that trusts some other CA (an impostor). */
public final class NodeIdentityTestAccess {
    private NodeIdentityTestAccess() {
    }

    public static SSLContext contextTrusting(NodeIdentity node, X509Certificate ca) {
        return node.contextTrusting(ca);
    }
}
