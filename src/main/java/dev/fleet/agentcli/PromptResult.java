package dev.fleet.agentcli;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The result of execute_prompt for every provider: the answer, the session it belongs to, tokens,
 * the estimated cost (tokens × the pricing table; null when the model has no price), the model and
 * tier used, and the failure with its class when there was no answer.
 *
 * @param reportedCostUsd the CLI's own cost figure, when it prints one
 * @param usageNote       provider-specific usage (for example Copilot premium requests)
 * @param notes           what fleet adjusted (for example a max_turns this CLI cannot apply)
 */
public record PromptResult(LlmProvider provider, String answer, String sessionId, Long inputTokens, Long outputTokens,
                           Double costUsd, String model, ModelTier tier, Integer turns, Double reportedCostUsd, String usageNote,
                           Failure failure, List<String> notes) {

    public PromptResult {
        notes = List.copyOf(notes);
    }

    /** Runs cut short whose session holds the work so far: the next prompt continues it. */
    private static final Set<FailureClass> RESUMABLE = Set.of(FailureClass.MAX_TURNS, FailureClass.CANCELLED, FailureClass.STALLED);

    public boolean answered() {
        return failure == null;
    }

    /**
     * The session the member should continue next time: the one that answered, or one cut short
     * by max_turns, a stall or a stop. A session from another failure may not exist.
     */
    public Optional<String> sessionToKeep() {
        return sessionId != null && (failure == null || RESUMABLE.contains(failure.kind())) ? Optional.of(sessionId) : Optional.empty();
    }
}
