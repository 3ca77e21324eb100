package dev.fleet.os;

import dev.fleet.member.MemberOs;
import java.util.List;

/**
 * Shell text for one member OS. Every OS difference lives behind this interface: callers build
 * commands here and parse the fixed, line-oriented output formats documented on each method.
 * Values that come from users (folders, paths) are always quoted here, never by callers.
 */
public interface OsCommands {
    /** The environment variable that tags a command fleet runs, and every process it starts (see {@link #killTagged}). */
    String RUN_TAG = "FLEET_RUN_ID";

    static OsCommands forOs(MemberOs os) {
        return switch (os == null ? MemberOs.LINUX : os) {
            case LINUX -> new LinuxCommands();
            case MACOS -> new MacOsCommands();
            case WINDOWS -> new WindowsCommands();
        };
    }

    MemberOs os();

    /** argv that runs {@code script} in this OS's shell on the local machine. */
    List<String> shellArgv(String script);

    /**
     * The command line sent over SSH: runs {@code script} in {@code folder} (null: the login
     * folder) tagged with {@code runId}, so that {@link #killTagged} can end it and everything it
     * started, even processes that left its process group.
     */
    String remoteCommand(String script, String folder, String runId);

    /** Ends every process tagged with {@code runId}; prints nothing, always succeeds. */
    String killTagged(String runId);

    /** Prints the user's home folder. */
    String homeFolder();

    /** Adds a public key line to the user's authorized keys, once (idempotent). */
    String authorizeKey(String publicKeyLine);

    /** Removes a public key line from the user's authorized keys, if present. */
    String revokeKey(String publicKeyLine);

    /** Creates a folder and its parents; succeeds if it exists. */
    String makeDirectory(String folder);

    /** Prints {@code yes} when the folder exists. */
    String folderExists(String folder);

    /**
     * Prints {@code <sha256 hex>  <path>} for each file whose absolute path arrives NUL-separated on
     * stdin (a file that cannot be read is left out); empty where this OS has no such tool.
     */
    default java.util.Optional<String> sha256Files() {
        return java.util.Optional.empty();
    }

    /** Prints the agent CLI's version line; exit status non-zero when the CLI is missing. */
    String agentVersion();

    /**
     * Lists running agent CLI processes, one per line: {@code pid TAB cwd TAB command line}.
     * The cwd is empty where the OS cannot tell it.
     */
    String agentProcesses();

    /** Prints {@code key=value} lines: {@code load1}, {@code cpus}, {@code mem_total_kb}, {@code mem_available_kb}. */
    String systemProbe();

    /** Prints {@code key=value} lines for the folder's filesystem: {@code disk_total_kb}, {@code disk_available_kb}. */
    String diskProbe(String folder);

    /**
     * Runs the agent CLI as {@code claude -p <prompt> <args…>}. The prompt arrives base64-encoded
     * on stdin and is decoded on the member, so no quoting layer can alter it. {@code args} are
     * quoted here.
     */
    String agentPrompt(java.util.List<String> args);

    /** Stores the credentials file content arriving on stdin as the agent's credentials (0600). */
    String installAgentCredentials();

    /** Persists the API key arriving on stdin in the user's shell profiles, replacing fleet's earlier line. */
    String persistApiKey();

    /** Removes what the two commands above deployed; leaves what the user set up alone. */
    String removeAgentAuth();

    /** Updates the agent CLI in place. */
    String agentUpdate();

    /** Installs the agent CLI (npm when present, else the official installer). */
    String agentInstall();

    /**
     * Prints one CSV line per GPU: utilization %, memory used MiB, memory total MiB. Non-zero exit
     * when there is no GPU tool.
     */
    String gpuUtilization();


    /**
     * Prints one line per process using a GPU for compute ({@code pid, used memory MiB}); nothing
     * when none. Exit status 127 when there is no GPU tool at all, another non-zero one when the
     * tool failed.
     */
    String gpuComputeProcesses();

    /** Prints {@code credentials_file} and/or {@code api_key} lines for the agent auth found; never a value. */
    String agentAuthProbe();

    /**
     * The commands of long-running tasks, where this OS can run them (their wrapper is a bash
     * script); empty on Windows members.
     */
    java.util.Optional<TaskCommands> tasks();
}
