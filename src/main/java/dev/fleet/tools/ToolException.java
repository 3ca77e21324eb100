package dev.fleet.tools;

import dev.fleet.base.RequestRefused;

/** A failure the caller should read: the message is complete, safe to show, and free of secrets. */
public class ToolException extends RequestRefused {
    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
