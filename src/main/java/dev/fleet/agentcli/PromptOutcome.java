package dev.fleet.agentcli;

/** What one run of the agent CLI came to. */
public sealed interface PromptOutcome {

    /** The agent answered. Token counts and cost are null when the CLI did not report them. */
    record Answered(String text, String sessionId, Long inputTokens, Long outputTokens, Double costUsd, Integer turns)
            implements PromptOutcome {
    }

    /** The member's agent is not logged in (or its login expired). */
    record AuthFailed(String detail) implements PromptOutcome {
    }

    /** A rate or usage limit; {@code resetsAt} is what the CLI said about when it lifts (may be null). */
    record RateLimited(String detail, String resetsAt) implements PromptOutcome {
    }

    /** The service was overloaded or failed with a 5xx. */
    record Overloaded(String detail) implements PromptOutcome {
    }

    /** A resumed session that the CLI no longer knows. */
    record SessionNotFound(String detail) implements PromptOutcome {
    }

    /** The time limit was reached; the agent process was ended. */
    record TimedOut(long afterMs) implements PromptOutcome {
    }

    /** Anything else, with the CLI's own output, trimmed. */
    record Failed(Integer exitCode, String output) implements PromptOutcome {
    }
}
