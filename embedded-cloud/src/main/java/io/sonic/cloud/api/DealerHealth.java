package io.sonic.cloud.api;

/** The dealer's {@code GET /v1/health}. */
public record DealerHealth(String status, String role, String fingerprint, String clusterCa, int structures,
                           int pendingDeals) {
}
