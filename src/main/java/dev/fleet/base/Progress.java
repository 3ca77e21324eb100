package dev.fleet.base;

/**
 * What a long operation tells its caller while it works (MCP progress notifications, for one).
 * {@code total} is null when the amount of work is not known.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total, message) -> { };

    void report(double done, Double total, String message);

    /** A step of unknown length: only its description. */
    default void message(String message) {
        report(0, null, message);
    }
}
