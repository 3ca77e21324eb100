package dev.fleet.agentcli;

import java.time.Duration;

/**
 * One prompt for a member's agent CLI; every field has been validated by the tool.
 *
 * @param timeout    total ceiling for the prompt, retries included
 * @param inactivity end the prompt after this long without output or transcript change; zero for never
 * @param model      a model id, a tier name (cheap, standard, premium) or null
 */
public record PromptRequest(String prompt, boolean resume, Duration timeout, Duration inactivity, int maxTurns, String model,
                            UnattendedMode unattended) {
}
