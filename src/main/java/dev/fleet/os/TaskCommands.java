package dev.fleet.os;

/**
 * Shell text for long-running tasks, on the OSes that can run them. Tasks live in folders
 * {@code $HOME/.fleet-tasks/<task id>/} (docs/cloud.md, "Long-running tasks"). Task ids reaching
 * these methods match {@code task-[a-z0-9]{4,32}}; they are quoted here all the same.
 */
public interface TaskCommands {

    /**
     * Prints the id of each live fleet task on the member, one per line: a task under
     * {@code ~/.fleet-tasks/} whose process (task.pid) is alive, or whose {@code activity} marker
     * was touched within two of the task's own marker intervals ({@code activityIntervalSec} in
     * its status.json), or within {@code freshSeconds} for a task that names none. A zombie does not
     * count as alive, and a task whose {@code status.json} is final (completed, failed, cancelled,
     * or interrupted by an instance stop) and whose process is gone is not live, however fresh its marker.
     */
    String liveTasks(long freshSeconds);

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
     *   <li>{@code log}: the last {@code logLines} lines among the last {@code logBytes} bytes of
     *       {@code task.log}, to the end of the output. The byte bound keeps one look small whatever
     *       the task prints (progress bars redrawn with carriage returns make one line of megabytes):
     *       the sections before the log always reach the reader</li>
     * </ul>
     * The pid is read before the status: the wrapper writes its final status before removing
     * {@code task.pid}, so a dead pid next to a running status really means a crash.
     */
    String taskReport(String taskId, int logLines, int logBytes);

    /**
     * Stops one task and everything it started: writes the {@code cancel} marker (the wrapper
     * then never retries), sends TERM to the task's process group, waits up to 10 s for the
     * wrapper to record {@code cancelled}, then KILLs the group and any process still carrying
     * {@code FLEET_TASK_ID=<taskId>}; if the wrapper could not record it, the status is set to
     * {@code cancelled} here. Prints one line: {@code @@fleet-task:missing},
     * {@code @@fleet-task:finished} (already over; nothing touched) or {@code @@fleet-task:stopped}.
     */
    String taskStop(String taskId);

    /**
     * Marks a task for resumption after an instance stop: an empty {@code resume-on-restart} file in
     * its folder. Fails (non-zero exit) when the task's folder does not exist.
     */
    String markResumable(String taskId);

    /**
     * Run after the instance started: every task marked for resumption whose {@code status.json}
     * still says it runs (running, retrying, resumed) but whose wrapper is gone was stopped under it.
     * Its status becomes {@code interrupted}; the first time, it is relaunched detached with
     * {@code FLEET_TASK_RESUME=1} (the wrapper then starts with its restart command and records
     * {@code resumed}), waiting up to 10 s for that status. Prints {@code resumed <task id>} or, when
     * it had been resumed once already and is left interrupted, {@code interrupted <task id>}, one
     * line per such task.
     */
    String resumeInterrupted();
}
