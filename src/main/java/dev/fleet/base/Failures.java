package dev.fleet.base;

/**
 * How an unexpected failure is told without what its messages may quote (a parameter, a secret
 * among it): people read its kind, maintainers read types and stack frames in the log.
 */
public final class Failures {
    private static final int MAX_CAUSES = 10;
    private static final int MAX_FRAMES = 12;

    private Failures() {
    }

    /** What a person may read about a failure: a {@link RequestRefused}'s own words (written to be shown), else its type. */
    public static String shown(Throwable e) {
        if (e instanceof RequestRefused && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName();
    }

    /** The exception and its causes as type names and stack frames only. */
    public static String withoutMessages(Throwable e) {
        StringBuilder t = new StringBuilder();
        int depth = 0;
        for (Throwable c = e; c != null && depth < MAX_CAUSES; c = c.getCause(), depth++) {
            t.append(depth == 0 ? "" : "\ncaused by: ").append(c.getClass().getName());
            StackTraceElement[] frames = c.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
                t.append("\n\tat ").append(frames[i]);
            }
            if (frames.length > MAX_FRAMES) {
                t.append("\n\t... ").append(frames.length - MAX_FRAMES).append(" more");
            }
        }
        return t.toString();
    }
}
