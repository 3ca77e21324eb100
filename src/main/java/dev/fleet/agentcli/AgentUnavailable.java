package dev.fleet.agentcli;

/** The member has no agent CLI fleet can drive (llm_provider none, or a provider this fleet does not know). */
public final class AgentUnavailable extends RuntimeException {
    public AgentUnavailable(String message) {
        super(message);
    }
}
