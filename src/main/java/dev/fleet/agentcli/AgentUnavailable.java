package dev.fleet.agentcli;

import dev.fleet.base.RequestRefused;

/** The member has no agent CLI fleet can drive (llm_provider none, or a provider this fleet does not know). */
public final class AgentUnavailable extends RequestRefused {
    public AgentUnavailable(String message) {
        super(message);
    }
}
