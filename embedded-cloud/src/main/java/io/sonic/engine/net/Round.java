package io.sonic.engine.net;

/**
 * One round of a protocol as this server saw it: what was opened (in the protocol's own words, e.g.
 * "E = W − A and F = X − B") and the payload bytes sent and received. Both servers send in every round.
 */
public record Round(String what, long bytesSent, long bytesReceived) {
}
