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

    /**
     * Why a file operation failed, in the OS's words (permission denied, no such file, not a
     * folder, …) or by the failure's kind: never the file's content. The JDK's own message of a
     * missing or refused file is only its path, which tells a person nothing of the cause.
     */
    public static String ioReason(java.io.IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "something else is already there";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a folder";
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
