package io.sonic.cloud.api;

/** One round of a layer as a server saw it: what it opened (the protocol's words) and its payload bytes. */
public record RoundInfo(String what, long bytesSent, long bytesReceived) {
}
