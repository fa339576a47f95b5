package io.sonic.cloud.api;

import io.sonic.engine.InputRange;

/** What the owner states about a model beside its structure and share: its public input range. */
public record ModelMeta(InputRange inputRange) {
}
