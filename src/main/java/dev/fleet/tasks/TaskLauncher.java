package dev.fleet.tasks;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.exec.RunTag;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import dev.fleet.os.TaskCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Starts long-running tasks: writes the wrapper to {@code $HOME/.fleet-tasks/<task id>/run.sh} on
 * the member (it travels on stdin, so its size never meets a command-line limit) and starts it
 * detached, so it outlives the call and the SSH connection. Returns once the wrapper runs.
 */
public final class TaskLauncher {
    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);

    /** A started task. {@code confirmed}: its wrapper wrote its first status before the call returned. */
    public record Launched(TaskId id, String taskDir, boolean confirmed) {
    }

    private final Channels channels;
    private final TaskId.Generator ids;
    private final Duration activityInterval;

    /** @param activityInterval how often a running task refreshes its activity marker (300 s in use; tests shorten it) */
    public TaskLauncher(Channels channels, TaskId.Generator ids, Duration activityInterval) {
        this.channels = channels;
        this.ids = ids;
        this.activityInterval = activityInterval;
    }

    /**
     * @param folder         absolute folder on the member to run in
     * @param restartCommand used for retries instead of {@code command}; null: retries rerun the command
     */
    public Launched launch(Member member, String folder, String command, String restartCommand, int maxRetries)
            throws TaskException, ChannelException {
        MemberChannel channel = channels.forMember(member);
        TaskCommands os = taskCommands(member, channel.os());
        long seconds = Math.max(1, activityInterval.toSeconds());
        for (int attempt = 1; ; attempt++) {
            TaskId id = ids.next();
            byte[] script = TaskWrapperScript.render(id, command, restartCommand, maxRetries, folder, RunTag.next(member.id()))
                    .getBytes(StandardCharsets.UTF_8);
            CommandResult r = channel.exec(new CommandRequest(os.taskLaunch(id.value(), seconds), folder,
                    LAUNCH_TIMEOUT, CommandRequest.DEFAULT_OUTPUT_CAP).withStdin(script));
            if (r.timedOut()) {
                throw new TaskException("starting task " + id + " on " + member.friendlyName() + " did not finish within "
                        + LAUNCH_TIMEOUT.toSeconds() + " s; it may or may not have started: check with monitor_task task_id=" + id);
            }
            if (r.exitCode() == 73 && attempt < 3) {
                continue; // the id is taken on the member (astronomically rare): draw another
            }
            String dir = r.stdout().lines().filter(l -> l.startsWith("fleet-task-dir=")).map(l -> l.substring(15))
                    .findFirst().orElse(null);
            if (r.exitCode() != 0 || dir == null) {
                String why = r.stderr().strip();
                throw new TaskException("could not start a task on " + member.friendlyName() + " (exit code " + r.exitCode() + ")"
                        + (why.isEmpty() ? "" : ": " + why.lines().limit(5).reduce((a, b) -> a + "; " + b).orElse("")));
            }
            return new Launched(id, dir, r.stdout().contains("fleet-task-started"));
        }
    }

    /** The member's task commands; a clear refusal where tasks cannot run (Windows). */
    static TaskCommands taskCommands(Member member, OsCommands os) throws TaskException {
        return os.tasks().orElseThrow(() -> new TaskException(member.friendlyName() + " is a "
                + os.os().json() + " member: long-running tasks are not supported there (the task wrapper is a bash "
                + "script); run the command without long_running and with a larger timeout_ms"));
    }
}
