package dev.fleet.agentcli;

import java.util.List;

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

    public boolean answered() {
        return failure == null;
    }
}
