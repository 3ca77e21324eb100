package dev.fleet.os;

import dev.fleet.member.MemberOs;
import java.util.List;

/**
 * Shell text for one member OS. Every OS difference lives behind this interface: callers build
 * commands here and parse the fixed, line-oriented output formats documented on each method.
 * Values that come from users (folders, paths) are always quoted here, never by callers.
 */
public interface OsCommands {

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
     * Prints the id of each live fleet task on the member, one per line: a task under
     * {@code ~/.fleet-tasks/} whose process (task.pid) is alive, or whose {@code activity} marker
     * was touched within the last {@code freshSeconds} (two marker intervals). A zombie does not
     * count as alive, and a task whose {@code status.json} is final (completed, failed, cancelled)
     * and whose process is gone is not live, however fresh its marker.
     */
    String liveTasks(long freshSeconds);

    /**
     * Prints one line per process using a GPU for compute ({@code pid, used memory MiB}); nothing
     * when none. Exit status 127 when there is no GPU tool at all, another non-zero one when the
     * tool failed.
     */
    String gpuComputeProcesses();

    /** Prints {@code credentials_file} and/or {@code api_key} lines for the agent auth found; never a value. */
    String agentAuthProbe();

    // --- Long-running tasks: folders $HOME/.fleet-tasks/<task id>/ (docs/cloud.md, "Long-running tasks").
    // Task ids reaching these methods match task-[a-z0-9]{4,32}; they are quoted here all the same.

    /** Whether long-running tasks can run on this OS (their wrapper is a bash script). */
    default boolean supportsTasks() {
        return true;
    }

    /**
     * Creates {@code $HOME/.fleet-tasks/<taskId>/} (0700; the home really expanded on the member),
     * stores the wrapper script arriving on stdin as {@code run.sh} and starts it detached from the
     * calling session (new session, SIGHUP ignored, no inherited descriptors), with
     * {@code FLEET_TASK_ACTIVITY_INTERVAL=<activitySeconds>} in its environment. Waits up to 10 s
     * for the wrapper's first {@code status.json}. Prints {@code fleet-task-dir=<absolute folder>},
     * then {@code fleet-task-started} (wrapper running) or {@code fleet-task-not-started}. Exit 73
     * with {@code fleet-task-exists} when the folder already exists (nothing was started).
     */
    String taskLaunch(String taskId, long activitySeconds);

    /**
     * Reads one task. Prints {@code @@fleet-task:missing} alone when its folder does not exist;
     * otherwise sections, each introduced by a line {@code @@fleet-task:<name>}, in this order:
     * <ul>
     *   <li>{@code dir}: the task folder (absolute)</li>
     *   <li>{@code pid}: {@code <pid> alive} or {@code <pid> dead} (nothing when there is no
     *       {@code task.pid}); alive means running, not a zombie, and still this task's wrapper</li>
     *   <li>{@code status}: {@code status.json} as the wrapper wrote it (nothing before its first write)</li>
     *   <li>{@code activity}: {@code <epoch seconds> <interval seconds>} of the last activity mark
     *       (nothing when none), then {@code now <epoch seconds>}</li>
     *   <li>{@code cancel}: {@code yes} when a stop was requested</li>
     *   <li>{@code gpu}: {@code nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total}
     *       CSV lines, or {@code unavailable}</li>
     *   <li>{@code gpu-apps}: {@code nvidia-smi --query-compute-apps=pid,used_memory} CSV lines
     *       ({@code pid, MiB}), or {@code unavailable}</li>
     *   <li>{@code log}: the last {@code logLines} lines of {@code task.log}, to the end of the output</li>
     * </ul>
     * The pid is read before the status: the wrapper writes its final status before removing
     * {@code task.pid}, so a dead pid next to a running status really means a crash.
     */
    String taskReport(String taskId, int logLines);

    /**
     * Stops one task and everything it started: writes the {@code cancel} marker (the wrapper
     * then never retries), sends TERM to the task's process group, waits up to 10 s for the
     * wrapper to record {@code cancelled}, then KILLs the group and any process still carrying
     * {@code FLEET_TASK_ID=<taskId>}; if the wrapper could not record it, the status is set to
     * {@code cancelled} here. Prints one line: {@code @@fleet-task:missing},
     * {@code @@fleet-task:finished} (already over; nothing touched) or {@code @@fleet-task:stopped}.
     */
    String taskStop(String taskId);
}
