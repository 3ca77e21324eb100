package dev.fleet.agentcli;

/**
 * A failed prompt: its class, the CLI's own words (trimmed) and, for usage limits, when the CLI
 * said the limit lifts (null when it did not say).
 */
public record Failure(FailureClass kind, String detail, String resetsAt) {
    private static final int MAX_SHOWN = 2000;

    public Failure {
        detail = trim(detail == null ? "" : detail);
    }

    public static Failure of(FailureClass kind, String detail) {
        return new Failure(kind, detail, kind == FailureClass.USAGE_LIMIT ? ResetTime.find(detail).orElse(null) : null);
    }

    static String trim(String s) {
        String t = s.strip();
        return t.length() <= MAX_SHOWN ? t : "…" + t.substring(t.length() - MAX_SHOWN);
    }
}
