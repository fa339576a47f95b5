package io.sonic.model.onnx;

import io.sonic.model.ModelException;

/**
 * The importer's last resort: a file made the importer fail in a way no check recognised (an
 * unexpected runtime exception or a stack overflow). Still a {@link ModelException} with a readable
 * message, but a distinct class, so that tests can assert that no input ever gets this far: every
 * malformation found must get its own check and message.
 */
final class ImporterFault extends ModelException {
    ImporterFault(String sourceName, String node, Throwable cause) {
        super(sourceName + " is malformed in a way the importer did not recognise"
                + (node == null ? "" : " (while converting " + node + ")") + ": " + cause.getClass().getSimpleName()
                + "; check the file with the ONNX checker, re-export it, and please report the file to the Sonic"
                + " developers", cause);
    }
}
