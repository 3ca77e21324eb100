package dev.fleet.agentcli;

import dev.fleet.os.AgentShell;
import dev.fleet.os.PromptLaunch;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything fleet knows about one agent CLI: how to call it headless, how to read what it prints,
 * how it logs in, installs and keeps its transcript. One adapter per {@link LlmProvider}; the rest
 * of fleet talks to this interface only. Sources for each CLI's flags and output shapes are listed
 * in docs/providers.md.
 */
public sealed interface ProviderAdapter permits ClaudeAdapter, CodexAdapter, OpenCodeAdapter, CopilotAdapter, AgyAdapter {

    LlmProvider provider();

    /** The command name on the member's PATH. */
    String executable();

    /** The CLI's name for people ("Claude Code", "Codex CLI", …). */
    String displayName();

    /** How the prompt reaches this CLI: on stdin, or as a file in the work folder its arguments point at. */
    PromptLaunch.Input promptInput();

    /** The arguments of one headless run. They never carry the prompt, only where to find it. */
    List<String> promptArgs(Invocation invocation);

    /** Reads the CLI's output into one reply, classifying failures from its structured result and exit status. */
    AgentReply parse(CliOutput output);

    /** Whether a session id captured from the output can be continued (all five CLIs can). */
    default boolean supportsResume() {
        return true;
    }

    /** Whether the CLI can bound the number of agent turns (only Claude Code can). */
    default boolean supportsMaxTurns() {
        return false;
    }

    /** The model for each tier when the member sets none. */
    Map<ModelTier, String> defaultTiers();

    /**
     * Home-relative folders whose files change while the CLI works (its session transcripts): a
     * prompt that prints nothing is not idle while these change.
     */
    List<PromptLaunch.WatchedFolder> transcripts();

    default List<String> versionArgs() {
        return List.of("--version");
    }

    AgentShell.Installer installer();

    /** The CLI's own update command, when it has one; otherwise fleet reinstalls the latest package. */
    Optional<List<String>> selfUpdateArgs();

    /** A sentence on how to install it by hand. */
    String installHint();

    /** Variables the CLI reads a key or token from (for probes), most specific first. */
    List<String> keyVariables();

    /** The variable a given key belongs in; empty when the CLI takes no key from the environment. */
    Optional<String> keyVariableFor(String key);

    /** Login files that can be copied from this machine to a member (home-relative, same path on both). */
    List<AgentShell.HomeFile> loginFiles();

    /** Whether a one-turn prompt is cheap enough to verify a login with (Copilot bills every prompt as a premium request). */
    default boolean cheapToVerify() {
        return true;
    }

    /** What to do about an auth failure on a member. */
    String authHelp(String member);

    /** Where the CLI reads per-project permissions (for compose_permissions). */
    PermissionFile permissionFile();
}
