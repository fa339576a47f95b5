package io.sonic.cloud.server;

/** Readable reasons for failed connections of the peer link. */
final class PeerLinkErrors {
    private PeerLinkErrors() {
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof javax.net.ssl.SSLHandshakeException) {
                break;
            }
            t = t.getCause();
        }
        if (t instanceof javax.net.ssl.SSLHandshakeException || String.valueOf(t.getMessage()).contains("certificate")) {
            return "TLS handshake failed (are all nodes started with the same cluster secret?)";
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
