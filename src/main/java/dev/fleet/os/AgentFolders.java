package dev.fleet.os;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where agent CLIs install themselves on Linux and macOS members; non-interactive shells often
 * lack these on PATH (~/.local/bin: Claude Code's and many installers'; ~/.opencode/bin:
 * OpenCode's script; ~/.npm-global/bin: a user-level npm prefix; Homebrew on macOS). The agent
 * shell puts them before PATH, and a lookup without a shell searches them in the same order.
 */
public final class AgentFolders {
    private static final List<String> UNDER_HOME = List.of(".local/bin", ".claude/local", ".opencode/bin", ".npm-global/bin");
    private static final List<String> FIXED = List.of("/opt/homebrew/bin", "/usr/local/bin");

    private AgentFolders() {
    }

    /** The folders in search order for a member whose home is {@code home}; without a home, the fixed ones only. */
    public static List<Path> posix(String home) {
        List<Path> folders = new ArrayList<>();
        if (home != null) {
            UNDER_HOME.forEach(d -> folders.add(Path.of(home, d)));
        }
        FIXED.forEach(d -> folders.add(Path.of(d)));
        return folders;
    }

    /** Shell text that puts the folders before PATH, in search order, for the commands after it. */
    static String posixPathExport() {
        String folders = Stream.concat(UNDER_HOME.stream().map(d -> "$HOME/" + d), FIXED.stream())
                .collect(Collectors.joining(":"));
        return "PATH=\"" + folders + ":$PATH\"; export PATH; ";
    }
}
