package dev.fleet.probe;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a running cloud member is doing work, in the order users rely on: GPU compute
 * processes (as the member's utilization policy judges them, see {@link GpuProbe}), the member's
 * own activity command, fleet commands still running there (whichever fleet server started them:
 * they carry the member's run tag in their environment), live fleet tasks, then agent processes in
 * its work folder. The first sign of work wins. Any check that cannot be completed (SSH down, a command
 * that hangs or fails) makes the answer unknown, and unknown never stops an instance.
 */
public final class ActivityProbe {
    /** How many live tasks a busy answer names; the rest are counted. */
    private static final int TASKS_NAMED = 5;

    private final Channels channels;
    private final Duration checkTimeout;
    private final LiveTasks liveTasks;
    private final GpuProbe gpu;

    /**
     * @param checkTimeout bound of each check on the member
     * @param liveTasks    the task step: which fleet tasks are alive on a member
     * @param gpu          the GPU step, as the member's utilization policy judges it
     */
    public ActivityProbe(Channels channels, Duration checkTimeout, LiveTasks liveTasks, GpuProbe gpu) {
        this.channels = channels;
        this.gpu = gpu;
        this.checkTimeout = checkTimeout;
        this.liveTasks = liveTasks;
    }

    public Activity check(Member m) {
        return check(m, null);
    }

    /**
     * The same, not counting the task {@code finishedTask} (null: none): auto_stop asks about the
     * machine its task ran on, and that task's wrapper may still be exiting.
     */
    public Activity check(Member m, String finishedTask) {
        try {
            MemberChannel channel = channels.forMember(m);
            OsCommands os = channel.os();
            Activity gpus = gpu.activity(channel, m, checkTimeout);
            if (!(gpus instanceof Activity.Idle)) {
                return gpus;
            }
            if (m.cloud() != null && m.cloud().activityCommand() != null) {
                Activity custom = custom(channel, m.cloud().activityCommand());
                if (!(custom instanceof Activity.Idle)) {
                    return custom;
                }
            }
            Activity commands = commands(channel, os, m);
            if (!(commands instanceof Activity.Idle)) {
                return commands;
            }
            Activity tasks = tasks(m, finishedTask);
            if (!(tasks instanceof Activity.Idle)) {
                return tasks;
            }
            return agents(channel, os, m);
        } catch (ChannelException e) {
            return new Activity.Unknown("member unreachable: " + e.getMessage());
        }
    }

    private Activity custom(MemberChannel channel, String command) throws ChannelException {
        CommandResult r = run(channel, command);
        if (r.timedOut()) {
            return new Activity.Unknown("activity command did not finish within " + checkTimeout.toSeconds() + " s");
        }
        String said = r.stdout().strip().toLowerCase(Locale.ROOT);
        if (said.equals("busy")) {
            return new Activity.Busy("activity command says busy");
        }
        if (said.equals("idle")) {
            return new Activity.Idle();
        }
        return new Activity.Unknown("activity command printed neither busy nor idle (exit " + r.exitCode() + ")");
    }

    private Activity commands(MemberChannel channel, OsCommands os, Member m) throws ChannelException {
        java.util.Optional<String> list = os.fleetCommands(OsCommands.runTag(m.id()));
        if (list.isEmpty()) {
            return new Activity.Idle(); // the OS does not show them; the other signs decide
        }
        CommandResult r = run(channel, list.get());
        if (!r.succeeded()) {
            return new Activity.Unknown("could not list fleet commands (exit " + r.exitCode() + ")");
        }
        long running = r.stdout().lines().filter(l -> !l.isBlank()).count();
        return running > 0 ? new Activity.Busy(running + " fleet command" + (running == 1 ? "" : "s")
                + " still running there (started by this or another fleet session)") : new Activity.Idle();
    }

    private Activity tasks(Member m, String finishedTask) {
        List<String> live;
        try {
            live = liveTasks.on(m, checkTimeout).stream().filter(t -> !t.equals(finishedTask)).toList();
        } catch (Exception e) {
            return new Activity.Unknown("could not list fleet tasks (" + e.getMessage() + ")");
        }
        if (live.isEmpty()) {
            return new Activity.Idle();
        }
        String named = String.join(", ", live.subList(0, Math.min(TASKS_NAMED, live.size())))
                + (live.size() > TASKS_NAMED ? " and " + (live.size() - TASKS_NAMED) + " more" : "");
        return new Activity.Busy(live.size() + " live fleet task" + (live.size() == 1 ? "" : "s") + ": " + named);
    }

    private Activity agents(MemberChannel channel, OsCommands os, Member m) throws ChannelException {
        CommandResult r = run(channel, os.agentProcesses());
        if (!r.succeeded()) {
            return new Activity.Unknown("could not list agent processes (exit " + r.exitCode() + ")");
        }
        return AgentProcess.busyState(AgentProcess.parse(r.stdout()), m) == BusyState.BUSY
                ? new Activity.Busy("agent running in the work folder") : new Activity.Idle();
    }

    private CommandResult run(MemberChannel channel, String script) throws ChannelException {
        return channel.exec(CommandRequest.probe(script, checkTimeout));
    }
}
