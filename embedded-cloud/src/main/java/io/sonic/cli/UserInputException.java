package io.sonic.cli;

/** A command-line input the user should fix (a missing file, a wrong width); exit code 2. */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }
}
