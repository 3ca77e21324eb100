package dev.fleet.agentcli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The agent CLI a member runs prompts with; {@link #NONE} marks a member used for commands only. */
public enum LlmProvider {
    CLAUDE("claude"), CODEX("codex"), OPENCODE("opencode"), COPILOT("copilot"), AGY("agy"), NONE("none");

    public static final LlmProvider DEFAULT = CLAUDE;

    private final String json;

    LlmProvider(String json) {
        this.json = json;
    }

    /** The name in the registry and in tool parameters. */
    public String json() {
        return json;
    }

    /** Every accepted name, for parameter schemas and error messages. */
    public static List<String> names() {
        return Arrays.stream(values()).map(LlmProvider::json).toList();
    }

    /** The provider of a registry or parameter value; empty for a name this fleet does not know. */
    public static Optional<LlmProvider> fromJson(String value) {
        if (value == null) {
            return Optional.of(DEFAULT);
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.json.equals(v)).findFirst();
    }

    /** The CLI's adapter; empty for {@link #NONE}, which runs no agent. */
    public Optional<ProviderAdapter> adapter() {
        return Optional.ofNullable(switch (this) {
            case CLAUDE -> ClaudeAdapter.INSTANCE;
            case CODEX -> CodexAdapter.INSTANCE;
            case OPENCODE -> OpenCodeAdapter.INSTANCE;
            case COPILOT -> CopilotAdapter.INSTANCE;
            case AGY -> AgyAdapter.INSTANCE;
            case NONE -> null;
        });
    }
}
