package dev.fleet.agentcli;

import java.time.Duration;

/**
 * One prompt for a member's agent CLI; every field has been validated by the tool.
 *
 * @param timeout    total ceiling for the prompt, retries included
 * @param inactivity end the prompt after this long without output or transcript change; zero for never
 * @param maxTurns   turn limit for CLIs that have one; null for fleet's default
 * @param model      a model id, a tier name (cheap, standard, premium) or null
 */
public record PromptRequest(String prompt, boolean resume, Duration timeout, Duration inactivity, Integer maxTurns, String model,
                            UnattendedMode unattended) {
    /** The turn limit when the caller sets none. */
    public static final int DEFAULT_MAX_TURNS = 50;

    int turnLimit() {
        return maxTurns == null ? DEFAULT_MAX_TURNS : maxTurns;
    }
}
