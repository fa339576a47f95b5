package io.sonic.model;

/**
 * A valid model that uses something Sonic does not implement (an operator, an attribute value, a
 * second input...), as opposed to a damaged or inconsistent model.
 */
public class UnsupportedModelException extends ModelException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
