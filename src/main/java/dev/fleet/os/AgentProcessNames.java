package dev.fleet.os;

import java.util.List;

/**
 * The command names of the agent CLIs fleet drives. Busy checks (fleet_status, member_detail and
 * the idle watcher) count a process as an agent when one of these names stands alone in its
 * command line: as a path element ({@code .../bin/codex}), a word ({@code codex exec}) or a
 * package folder ({@code .../claude-code/cli.js}). Words that merely contain a name
 * ({@code legacy}, {@code strategy}) do not count.
 */
public final class AgentProcessNames {
    public static final List<String> NAMES = List.of("claude", "codex", "opencode", "copilot", "agy");

    private static final String ALTERNATION = String.join("|", NAMES);

    /** Extended regular expression for {@code grep -E} over {@code ps} command lines (the guard's too). */
    public static final String POSIX_ERE = "(^|[/ @])(" + ALTERNATION + ")([-. /]|$)";

    /** .NET regular expression for PowerShell's {@code -match} over Win32_Process command lines. */
    static final String DOTNET_REGEX = "(^|[\\\\/ @\"])(" + ALTERNATION + ")([-. \\\\/\"]|$)";

    private AgentProcessNames() {
    }

    /** Whether a command line counts as an agent CLI process (the rule the probes apply on the member). */
    public static boolean matches(String commandLine) {
        return java.util.regex.Pattern.compile(DOTNET_REGEX).matcher(commandLine).find();
    }
}
