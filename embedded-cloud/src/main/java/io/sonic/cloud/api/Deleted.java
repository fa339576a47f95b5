package io.sonic.cloud.api;

/** The answer to a successful DELETE: what was deleted. */
public record Deleted(String deleted) {
}
