package io.sonic.cloud.api;

import java.util.List;

/** {@code GET /v1/models}. */
public record ModelList(List<ModelInfo> models) {
}
