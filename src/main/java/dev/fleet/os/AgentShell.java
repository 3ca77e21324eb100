package dev.fleet.os;

import dev.fleet.member.MemberOs;
import java.util.List;

/**
 * Shell text for agent CLIs of any kind on one member OS. The agent-specific facts (command
 * names, arguments, variables, file locations) come from the caller; this interface owns how a
 * POSIX shell or PowerShell does it. Every value is quoted here.
 */
public interface AgentShell {

    /** The line the prompt wrapper adds to stderr when a run was ended on purpose (stop or stall). */
    String ENDED_BY_MARK = "fleet-prompt-ended-by=";

    static AgentShell forOs(MemberOs os) {
        return switch (os == null ? MemberOs.LINUX : os) {
            case LINUX -> new PosixAgentShell(false);
            case MACOS -> new PosixAgentShell(true);
            case WINDOWS -> new WindowsAgentShell();
        };
    }

    /** A file fleet may store in the member's home, with the marker that says fleet put it there. */
    record HomeFile(String path, String marker) {
        public HomeFile {
            for (String p : new String[] {path, marker}) {
                if (!p.matches("[A-Za-z0-9._/-]{1,200}") || p.contains("..") || p.startsWith("/")) {
                    throw new IllegalArgumentException("home file paths must be plain home-relative paths");
                }
            }
        }

        /** The usual marker: the file's name with {@code .fleet-provisioned} appended. */
        public static HomeFile of(String path) {
            return new HomeFile(path, path + ".fleet-provisioned");
        }
    }

    /** How an agent CLI is installed: an npm package and/or an official install script (either may be null). */
    record Installer(String npmPackage, String posixScriptUrl, String windowsScriptUrl) {
    }

    /** Runs {@code executable args…} with the agent CLIs' usual install folders on PATH; stderr joins stdout. */
    String cli(String executable, List<String> args);

    /** Installs a CLI: its npm package when npm is there, else its install script; output merged. */
    String install(Installer installer);

    /**
     * Prints {@code file <path>} for each of the home-relative files that exists and
     * {@code variable <NAME>} for each variable that is set or that fleet persisted; never a value.
     */
    String authProbe(List<String> homeFiles, List<String> variables);

    /** Persists the value arriving on stdin as {@code variable} for the user's future shells, replacing fleet's earlier value. */
    String persistVariable(String variable);

    /** Stores the bytes arriving on stdin as the home file (owner-only) and writes its marker. */
    String installHomeFile(HomeFile file);

    /** Removes the files fleet stored (only where their marker is) and every variable fleet persisted. */
    String removeFleetAuth(List<HomeFile> files);

    /**
     * The wrapper that runs one prompt: it keeps the run's output in a private folder, starts
     * the CLI as the leader of its own process group (so a stop reaches all it started), waits
     * for it, then prints its stdout and stderr and exits with its exit code. When the run was
     * ended on purpose, stderr ends with {@link #ENDED_BY_MARK} and the reason. It reads
     * {@link PromptLaunch#payload} on stdin.
     */
    String launchPrompt(PromptLaunch launch);

    /**
     * Prints {@code key=value} lines about a run: {@code out} and {@code err} (bytes written so
     * far), {@code alive} ({@code yes}, {@code no} or {@code starting}), {@code transcript=changed}
     * when a file in a watched folder changed since the previous poll, or {@code state=gone}.
     */
    String pollPrompt(String runId, List<PromptLaunch.WatchedFolder> watched);

    /**
     * Ends the runs of a member (all of them, or only {@code runId} when not null) and every
     * process they started: a polite signal first, then a forced kill after a short grace. It
     * records {@code reason} for the wrapper and prints {@code stopped <pid>} for each run ended
     * and {@code pending <runId>} for a run whose CLI had not started yet.
     */
    String stopPrompts(String memberId, String runId, String reason);
}
