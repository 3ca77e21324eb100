package dev.fleet.probe;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Decides whether a running cloud member is doing work, in the order users rely on: GPU compute
 * processes (as the member's utilization policy judges them, see {@link GpuProbe}), the member's
 * own activity command, live fleet tasks, fleet commands still running there (whichever fleet
 * server started them: they carry the member's run tag in their environment; so does what a
 * task's command left running after the task completed), agent processes in its
 * work folder, then file transfers in progress (an SFTP server process of the member's user that
 * moved data within the idle timeout, see {@link TransferMotion}) and login sessions in use
 * (someone working there by hand). The first sign of work wins. Any check
 * that cannot be completed (SSH down, a command that hangs or fails) makes the answer unknown, and
 * unknown never stops an instance.
 */
public final class ActivityProbe {
    /** How many live tasks a busy answer names; the rest are counted. */
    private static final int TASKS_NAMED = 5;
    /** Marks the line with the work folder's resolved name (no process line starts so). */
    private static final String RESOLVED = "@@folder ";
    /** An SFTP session's byte counters as the transfer listing prints them: read, then written. */
    private static final String COUNTERS = "[0-9]{1,20}/[0-9]{1,20}/";

    private final Channels channels;
    private final Duration checkTimeout;
    private final LiveTasks liveTasks;
    private final GpuProbe gpu;
    private final ToIntFunction<Member> idleTimeoutMin;
    private final TransferMotion motion;

    /**
     * @param checkTimeout   bound of each check on the member
     * @param liveTasks      the task step: which fleet tasks are alive on a member
     * @param gpu            the GPU step, as the member's utilization policy judges it
     * @param idleTimeoutMin the member's idle timeout in force (a budget may have shortened it): a login counts as
     *                       someone working when its terminal saw input within it, an SFTP session when it moved
     *                       data within it
     * @param clock          when a look happens: an SFTP session's stillness is timed by it ({@link TransferMotion})
     */
    public ActivityProbe(Channels channels, Duration checkTimeout, LiveTasks liveTasks, GpuProbe gpu,
                         ToIntFunction<Member> idleTimeoutMin, Clock clock) {
        this.channels = channels;
        this.motion = new TransferMotion(clock);
        this.idleTimeoutMin = idleTimeoutMin;
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
        return check(m, finishedTask, List.of());
    }

    /**
     * The same, also counting the fleet commands of {@code otherNames}: other members that reach
     * the same machine (a cloud instance's address registered again as a plain remote member).
     */
    public Activity check(Member m, String finishedTask, List<Member> otherNames) {
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
            // Live tasks first: a task's command runs as a fleet command too, and the task names itself.
            Activity tasks = tasks(m, finishedTask);
            if (!(tasks instanceof Activity.Idle)) {
                return tasks;
            }
            Activity commands = commands(channel, os, m, otherNames);
            if (!(commands instanceof Activity.Idle)) {
                return commands;
            }
            Activity agents = agents(channel, os, m);
            if (!(agents instanceof Activity.Idle)) {
                return agents;
            }
            return transfersAndLogins(channel, os, m);
        } catch (ChannelException e) {
            return new Activity.Unknown("member unreachable: " + e.getMessage());
        }
    }

    /**
     * Fleet's own work on the machine and nothing else: live fleet tasks, then fleet commands of
     * the member and of {@code otherNames}, whichever fleet server started them. A stop a person
     * asked for looks at this only: the GPU, agents and logins are theirs to judge.
     */
    public Activity fleetWork(Member m, List<Member> otherNames) {
        Activity tasks = tasks(m, null);
        if (!(tasks instanceof Activity.Idle)) {
            return tasks;
        }
        try {
            MemberChannel channel = channels.forMember(m);
            return commands(channel, channel.os(), m, otherNames);
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
            // An error on the way (a volume not mounted, a tool missing) must not read as idle.
            return r.exitCode() == 0 ? new Activity.Idle()
                    : new Activity.Unknown("activity command printed idle but exited " + r.exitCode());
        }
        return new Activity.Unknown("activity command printed neither busy nor idle (exit " + r.exitCode() + ")");
    }

    private Activity commands(MemberChannel channel, OsCommands os, Member m, List<Member> otherNames) throws ChannelException {
        List<String> tags = new java.util.ArrayList<>(List.of(OsCommands.runTag(m.id())));
        otherNames.stream().map(o -> OsCommands.runTag(o.id())).filter(t -> !tags.contains(t)).forEach(tags::add);
        Optional<String> list = os.fleetCommands(tags);
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
        // Processes show their folder with links resolved: a work folder registered through a link
        // is looked for under its resolved name too (in the same round trip).
        Optional<String> resolve = m.workFolder() == null ? Optional.empty() : os.resolvedFolder(m.workFolder());
        String script = resolve.map(s -> "printf '" + RESOLVED + "%s\\n' \"$(" + s + ")\"; ").orElse("") + os.agentProcesses();
        CommandResult r = run(channel, script);
        if (!r.succeeded()) {
            return new Activity.Unknown("could not list agent processes (exit " + r.exitCode() + ")");
        }
        List<AgentProcess> seen = AgentProcess.parse(r.stdout());
        String resolved = r.stdout().lines().filter(l -> l.startsWith(RESOLVED)).map(l -> l.substring(RESOLVED.length()).strip())
                .filter(f -> !f.isEmpty()).findFirst().orElse(null);
        boolean busy = AgentProcess.busyState(seen, m) == BusyState.BUSY
                || resolved != null && AgentProcess.busyState(seen, m.toBuilder().workFolder(resolved).build()) == BusyState.BUSY;
        return busy ? new Activity.Busy("agent running in the work folder") : new Activity.Idle();
    }

    /**
     * A file transfer runs no fleet command (another server's would be seen nowhere else), and a
     * person logged in by hand runs no fleet work at all: both are work all the same.
     */
    private Activity transfersAndLogins(MemberChannel channel, OsCommands os, Member m) throws ChannelException {
        Optional<String> script = os.transfersAndLogins(idleTimeoutMin.applyAsInt(m));
        if (script.isEmpty()) {
            return new Activity.Idle();
        }
        // Fleet's own SFTP session, kept after a transfer for the next one, is no transfer.
        channel.endKeptFileSession();
        CommandResult r = run(channel, script.get());
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> sessions = new HashMap<>();
        for (String line : r.stdout().strip().split("\n")) {
            String[] kv = line.strip().split(" ");
            if (kv.length == 2 && kv[1].matches("[0-9]{1,6}")) {
                counts.put(kv[0], Integer.parseInt(kv[1]));
            } else if (kv.length == 3 && kv[0].equals("transfer") && kv[1].matches("[0-9]{1,10}")) {
                sessions.put(kv[1], kv[2].matches(COUNTERS) ? kv[2] : null);
            }
        }
        if (!r.succeeded() || !counts.containsKey("transfers")) {
            return new Activity.Unknown("could not list file transfers and logins (exit " + r.exitCode() + ")");
        }
        // A session the listing counted but did not show readably counts as moving.
        int unshown = Math.max(0, counts.get("transfers") - sessions.size());
        int timeoutMin = Math.max(1, idleTimeoutMin.applyAsInt(m));
        TransferMotion.Seen seen = motion.look(m.id(), sessions, Duration.ofMinutes(timeoutMin));
        int transfers = unshown + seen.moving();
        if (transfers > 0) {
            return new Activity.Busy(transfers + " file transfer" + (transfers == 1 ? "" : "s") + " in progress (sftp-server, rsync or scp)");
        }
        int logins = counts.getOrDefault("logins", 0);
        if (logins > 0) {
            return new Activity.Busy(logins + " login session" + (logins == 1 ? "" : "s") + " in use (who)");
        }
        // A mount that goes with the machine surprises its user: the stop says why it did not count.
        return new Activity.Idle(seen.still() == 0 ? "" : seen.still() + " transfer session" + (seen.still() == 1 ? "" : "s")
                + " open but moving no data for " + timeoutMin + " min (an sshfs mount left alone does not keep the instance up)");
    }

    private CommandResult run(MemberChannel channel, String script) throws ChannelException {
        return channel.exec(CommandRequest.look(script, checkTimeout));
    }
}
