package io.sonic.model;

/**
 * A model that cannot be read or run, with a message meant for the person who supplied it:
 * it names what is wrong and, where possible, what to do about it. Never carries tensor values.
 */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
