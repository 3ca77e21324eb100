package dev.fleet.agentcli;

import java.util.List;

/**
 * What one CLI run printed, read into the same shape for every provider. Counts are null when
 * the CLI did not report them; {@code failure} is null when the agent answered.
 *
 * @param usage           tokens per model when the CLI reports them that way (used for pricing)
 * @param reportedCostUsd the CLI's own cost figure, when it prints one (shown, never used for the estimate)
 * @param usageNote       provider-specific usage worth showing (for example Copilot's premium requests)
 * @param sessionNotFound the CLI said the session to resume does not exist
 */
public record AgentReply(String answer, String sessionId, Long inputTokens, Long outputTokens, List<ModelUsage> usage,
                         Integer turns, Double reportedCostUsd, String usageNote, Failure failure, boolean sessionNotFound) {

    public AgentReply {
        usage = usage == null ? List.of() : List.copyOf(usage);
    }

    /** Tokens one model used in the run. */
    public record ModelUsage(String model, long inputTokens, long outputTokens) {
    }

    public boolean answered() {
        return failure == null;
    }

    /** The same reply with another failure (for example, a stop that ended the run). */
    public AgentReply withFailure(Failure f) {
        return new AgentReply(answer, sessionId, inputTokens, outputTokens, usage, turns, reportedCostUsd, usageNote, f, sessionNotFound);
    }
}
