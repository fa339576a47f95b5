package io.sonic.engine.net;

/**
 * Traffic of one party in one scope (or a sum of scopes): payload bytes it sent and received,
 * messages each way and rounds (symmetric exchanges). Immutable; snapshots add and subtract.
 */
public record Traffic(long bytesSent, long bytesReceived, long messagesSent, long messagesReceived, long rounds) {
    public static final Traffic ZERO = new Traffic(0, 0, 0, 0, 0);

    public Traffic plus(Traffic o) {
        return new Traffic(bytesSent + o.bytesSent, bytesReceived + o.bytesReceived, messagesSent + o.messagesSent,
                messagesReceived + o.messagesReceived, rounds + o.rounds);
    }

    public Traffic minus(Traffic o) {
        return new Traffic(bytesSent - o.bytesSent, bytesReceived - o.bytesReceived, messagesSent - o.messagesSent,
                messagesReceived - o.messagesReceived, rounds - o.rounds);
    }

    /** Bytes in both directions between the servers, as seen from one end. */
    public long bytes() {
        return bytesSent + bytesReceived;
    }

    public long messages() {
        return messagesSent + messagesReceived;
    }
}
