package io.sonic.cloud.api;

/**
 * {@code GET /v1/status}: health plus what an operator needs to check a deployment.
 *
 * @param peerSilentMillis milliseconds since anything arrived on the peer link (-1 while it is down)
 * @param sessionsRunning  sessions computing now
 * @param sessionsPaused   step-mode sessions waiting for their user
 * @param sessions         sessions held: created, running, or finished within the retention time
 * @param storeBytes       bytes of model shares this server stores
 * @param workersBusy      session worker threads busy now (running or paused sessions)
 * @param threadsBusy      HTTP threads busy now (a handful while idle; requests never park one)
 * @param streamsOpen      event streams open now
 * @param link             the network this server simulates on the link for sessions that ask for none
 *                         ({@code serve --link}; {@code loopback}: none)
 * @param dealsAhead       queries' worth of correlated randomness fetched ahead from the dealer and ready
 *                         (on server 0: held by both servers)
 * @param limits           the limits this server enforces
 */
public record Status(String status, int party, String peer, String url, String fingerprint, String clusterCa,
                     String peerDetail, long peerSilentMillis, String peerUrl, String dealer, boolean dealerReachable,
                     int models, long storeBytes, long sessionsRunning, long sessionsPaused, int sessions,
                     long linkWireBytes, int workersBusy, int threadsBusy, int streamsOpen, String link,
                     int dealsAhead, Limits limits) {
}
