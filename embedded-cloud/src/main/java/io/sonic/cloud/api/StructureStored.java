package io.sonic.cloud.api;

/** The dealer's answer to {@code PUT /v1/structures/{hash}}. */
public record StructureStored(String structure) {
}
