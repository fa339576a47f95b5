package io.sonic.cloud.api;

/** Every error answer: the HTTP status repeated and a message in words (never a tensor value). */
public record ApiError(int status, String error) {
}
