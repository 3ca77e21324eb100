package dev.fleet.tools;

import dev.fleet.base.Progress;

/** What a running tool call may tell its caller while it works; services receive it as their {@link Progress}. */
public interface ToolCall extends Progress {
    ToolCall NONE = (done, total, message) -> { };

    /** Progress of a long operation; {@code total} may be null when unknown. */
    void progress(double done, Double total, String message);

    @Override
    default void report(double done, Double total, String message) {
        progress(done, total, message);
    }
}
