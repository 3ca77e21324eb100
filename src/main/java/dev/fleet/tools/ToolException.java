package dev.fleet.tools;

/** A failure the caller should read: the message is complete, safe to show, and free of secrets. */
public class ToolException extends RuntimeException {
    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
