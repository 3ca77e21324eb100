package dev.fleet.tasks;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.TaskCommands;
import dev.fleet.probe.LiveTasks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads, lists and stops long-running tasks on a member: one shell command per look. */
public final class TaskMonitor {
    static final int LOG_LINES = 50;
    static final int MAX_LOG_CHARS = 16 * 1024;
    /**
     * Bytes of task.log one look reads on the member: with the other sections it stays within
     * one answer's inline output, so a log of huge lines never pushes the task's state out of it.
     */
    static final int LOG_BYTES = 32 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** The stop script waits up to 10 s for the wrapper to record the cancel, then kills. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);

    /** What stop found. */
    public enum StopOutcome {
        /** No such task on the member. */
        MISSING,
        /** The task had already ended; nothing was touched. */
        FINISHED,
        /** It was running (or had crashed with processes left) and is now ended, status cancelled. */
        STOPPED
    }

    private final Channels channels;
    private final Duration activityInterval;

    /** @param activityInterval the interval tasks are launched with: a marker younger than two of them means live */
    public TaskMonitor(Channels channels, Duration activityInterval) {
        this.channels = channels;
        this.activityInterval = activityInterval;
    }

    /** The task's state, output tail and GPU picture; empty when the member has no such task. */
    public Optional<TaskReport> read(Member member, TaskId id) throws TaskException, ChannelException {
        MemberChannel channel = channels.forMember(member);
        TaskCommands os = TaskLauncher.taskCommands(member, channel.os());
        CommandResult r = run(channel, member, CommandRequest.look(os.taskReport(id.value(), LOG_LINES, LOG_BYTES), READ_TIMEOUT), "read task " + id);
        return TaskReport.parse(id, r.stdout(), MAX_LOG_CHARS, LOG_BYTES);
    }

    public StopOutcome stop(Member member, TaskId id) throws TaskException, ChannelException {
        MemberChannel channel = channels.forMember(member);
        TaskCommands os = TaskLauncher.taskCommands(member, channel.os());
        String out = run(channel, member, CommandRequest.probe(os.taskStop(id.value()), STOP_TIMEOUT), "stop task " + id).stdout();
        if (out.contains(TaskReport.MARK + "missing")) {
            return StopOutcome.MISSING;
        }
        if (out.contains(TaskReport.MARK + "finished")) {
            return StopOutcome.FINISHED;
        }
        if (out.contains(TaskReport.MARK + "stopped")) {
            return StopOutcome.STOPPED;
        }
        throw new TaskException("stopping task " + id + " on " + member.friendlyName() + " gave no answer; "
                + "check it with monitor_task");
    }

    /**
     * The member's live tasks (see {@code OsCommands.liveTasks}), asked within {@code timeout}
     * (the idle checks bound each of their steps); empty on members that cannot run tasks.
     */
    public List<TaskId> liveTasks(Member member, Duration timeout) throws TaskException, ChannelException {
        MemberChannel channel = channels.forMember(member);
        Optional<TaskCommands> os = channel.os().tasks();
        if (os.isEmpty()) {
            return List.of();
        }
        String out = run(channel, member, CommandRequest.look(os.get().liveTasks(2 * Math.max(1, activityInterval.toSeconds())), timeout),
                "list tasks").stdout();
        return out.lines().map(String::strip).filter(TaskId::isValid).map(TaskId::new).toList();
    }

    /** The activity probe's task step (see {@link LiveTasks}). */
    public LiveTasks asProbeStep() {
        return (member, timeout) -> liveTasks(member, timeout).stream().map(TaskId::value).toList();
    }

    private CommandResult run(MemberChannel channel, Member member, CommandRequest request, String what)
            throws TaskException, ChannelException {
        CommandResult r = channel.exec(request);
        if (r.timedOut()) {
            throw new TaskException("could not " + what + " on " + member.friendlyName() + ": no answer within "
                    + request.timeout().toSeconds() + " s");
        }
        if (r.exitCode() != 0) {
            String why = r.stderr().strip();
            throw new TaskException("could not " + what + " on " + member.friendlyName() + " (exit code " + r.exitCode() + ")"
                    + (why.isEmpty() ? "" : ": " + why.lines().limit(3).reduce((a, b) -> a + "; " + b).orElse("")));
        }
        return r;
    }
}
