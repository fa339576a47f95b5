package io.sonic.cloud.api;

import io.sonic.engine.InputRange;

/**
 * A stored model as {@code GET /v1/models/{id}} describes it: public facts only.
 *
 * @param inputRange   the public range every input value must lie in (chosen by the owner at upload so
 *                     that no value inside the network can overflow the ring); clients refuse other inputs
 * @param shareBytes   size of this server's stored share
 */
public record ModelInfo(String id, String name, String inputName, int[] inputShape, int[] outputShape, int layers,
                        int fractionBits, String structureHash, String uploadedAt, InputRange inputRange,
                        long shareBytes) {
}
