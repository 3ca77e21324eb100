package dev.fleet.base;

/**
 * What a long operation tells its caller while it works (MCP progress notifications, for one).
 * {@code total} is null when the amount of work is not known.
 */
@FunctionalInterface
public interface Progress {
    /** Reports go nowhere. */
    Progress NONE = new Progress() {
        @Override
        public void report(double done, Double total, String message) {
        }

        @Override
        public boolean wanted() {
            return false;
        }
    };

    void report(double done, Double total, String message);

    /** A step of unknown length: only its description. */
    default void message(String message) {
        report(0, null, message);
    }

    /** False when reports go nowhere, so the work need not prepare any (a caller that asked for none). */
    default boolean wanted() {
        return true;
    }
}
