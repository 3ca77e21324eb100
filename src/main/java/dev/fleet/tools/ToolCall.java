package dev.fleet.tools;

/** What a running tool call may tell its caller while it works. */
public interface ToolCall {
    ToolCall NONE = (done, total, message) -> { };

    /** Progress of a long operation; {@code total} may be null when unknown. */
    void progress(double done, Double total, String message);
}
