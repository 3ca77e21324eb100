package dev.fleet.agentcli;

import java.time.Duration;

/** One prompt for a member's agent CLI; every field has been validated by the tool. */
public record PromptRequest(String prompt, boolean resume, Duration timeout, int maxTurns, String model,
                            boolean dangerouslySkipPermissions) {
}
