package dev.fleet.tasks;

import dev.fleet.base.InvalidRequest;
import dev.fleet.base.Progress;
import dev.fleet.base.RequestRefused;
import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudGate;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.IdleStop;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.Member;
import dev.fleet.probe.GpuProbe;
import java.util.Optional;

/**
 * Looking at and stopping long-running tasks, with the rules around cloud instances: a call about
 * a task never starts a stopped instance (nothing can run there); {@code auto_stop} stops an
 * instance only once its task has finished and then as the idle watcher would ({@link IdleStop}:
 * no other fleet task, no other work, no other call meanwhile); and an explicit stop is refused
 * while a fleet task runs, unless forced.
 */
public final class TaskControl {
    /** The member's instance is stopped, stopping or gone: no task runs there, and it was not started. */
    public record InstanceDown(Member member, TaskId id, InstanceState state) implements Look, Stop {
    }

    /**
     * What a look at a task found. {@code autoStop}: what auto_stop did and why; null when it was not
     * asked for. {@code gpuHeldIdle}: why GPU processes on the member keep nothing up (they hold GPU
     * memory at 0 % for longer than the idle timeout); empty otherwise.
     */
    public record Seen(Member member, TaskReport report, String autoStop, Optional<String> gpuHeldIdle) implements Look {
    }

    /** A stop request carried out; {@code stopped} is false when the task had already finished. */
    public record Stopped(Member member, TaskReport report, boolean stopped) implements Stop {
    }

    public sealed interface Look permits InstanceDown, Seen {
    }

    public sealed interface Stop permits InstanceDown, Stopped {
    }

    private final TaskMonitor monitor;
    private final CloudLifecycle lifecycle;
    private final CloudGate gate;
    private final GpuProbe gpu;
    private final IdleStop idleStop;

    public TaskControl(TaskMonitor monitor, CloudLifecycle lifecycle, CloudGate gate, GpuProbe gpu, IdleStop idleStop) {
        this.monitor = monitor;
        this.gpu = gpu;
        this.idleStop = idleStop;
        this.lifecycle = lifecycle;
        this.gate = gate;
    }

    /** The task's state, output tail and GPU picture; with {@code autoStop}, stops a cloud instance whose task is done. */
    public Look look(Member m, TaskId id, boolean autoStop, Progress progress) throws Exception {
        if (autoStop) {
            Optional<InstanceState> down = notRunning(m);
            if (down.isPresent()) {
                return new InstanceDown(m, id, down.get());
            }
        }
        return gate.run(m, progress, ready -> {
            TaskReport report = read(ready, id);
            Optional<String> heldIdle = report.gpuProcesses().isEmpty() ? Optional.empty() : gpu.heldIdle(ready);
            return new Seen(ready, report, autoStop ? autoStop(ready, report) : null, heldIdle);
        });
    }

    /**
     * {@code cloud_control stop}: refused, unless {@code force}, while fleet work runs on the
     * instance that the stop would cut off: a fleet call of this server on the member, and (one
     * look at the instance, {@link IdleStop#fleetWorkBeforeStopByHand}) live fleet tasks and the
     * fleet commands of any fleet server, through this member or another name of the machine. A
     * task leaves fleet's record of calls in flight once it is launched, so only the instance can
     * say whether one still runs. When that look fails (the machine hung, say), the stop goes ahead.
     */
    public CloudLifecycle.Stopped stopInstance(Member m, boolean force) throws CloudException {
        if (!force) {
            Optional<String> work = idleStop.fleetWorkBeforeStopByHand(m);
            if (work.isPresent()) {
                throw new CloudLifecycle.WorkInFlightException("instance " + m.cloud().instanceId() + " of " + m.friendlyName()
                        + " was not stopped: " + work.get() + "; a stop would cut that work off (of fleet tasks, only those "
                        + "launched with resume_on_restart are relaunched from their checkpoint at the next start; the others "
                        + "end as interrupted)");
            }
        }
        return lifecycle.stop(m, force);
    }

    /** Ends the task and everything it started; no retry follows. A stopped instance is left stopped. */
    public Stop stop(Member m, TaskId id, Progress progress) throws Exception {
        Optional<InstanceState> down = notRunning(m);
        if (down.isPresent()) {
            return new InstanceDown(m, id, down.get());
        }
        return gate.run(m, progress, ready -> {
            try {
                TaskMonitor.StopOutcome outcome = monitor.stop(ready, id);
                if (outcome == TaskMonitor.StopOutcome.MISSING) {
                    throw noSuchTask(id, ready);
                }
                return new Stopped(ready, read(ready, id), outcome == TaskMonitor.StopOutcome.STOPPED);
            } catch (TaskException e) {
                throw new RequestRefused(e.getMessage());
            }
        });
    }

    private TaskReport read(Member m, TaskId id) throws Exception {
        try {
            return monitor.read(m, id).orElseThrow(() -> noSuchTask(id, m));
        } catch (TaskException e) {
            throw new RequestRefused(e.getMessage());
        }
    }

    private String autoStop(Member m, TaskReport report) {
        if (m.cloud() == null) {
            return "does not apply: " + m.friendlyName() + " is not a cloud member";
        }
        TaskStatus status = report.status().orElse(null);
        if (status == null || !status.finished()) {
            return "not yet: the task has not finished" + (report.crashed() ? " (it crashed: stop_task records it as "
                    + "cancelled, after which auto_stop applies)" : "") + "; the instance keeps running";
        }
        // The task being done does not make the machine idle: the idle watcher's checks decide.
        String instance = m.cloud().instanceId();
        IdleStop.Outcome outcome = idleStop.stopAfterTask(m, report.id().value());
        if (outcome instanceof IdleStop.Stopped stopped) {
            return "stopped instance " + instance + " (now " + stopped.now().label() + ")"
                    + (stopped.aside().isEmpty() ? "" : "; " + stopped.aside());
        }
        if (outcome instanceof IdleStop.Working w) {
            return "not stopped: the instance is still working (" + w.reason() + ")";
        }
        if (outcome instanceof IdleStop.Unsure u) {
            return "not stopped: could not tell whether the instance is idle (" + u.cause() + ")";
        }
        if (outcome instanceof IdleStop.NotRunning n) {
            return "nothing to do: instance " + instance + " is already " + n.state().label();
        }
        if (outcome instanceof IdleStop.NoLongerCloud) {
            return "does not apply: " + m.friendlyName() + " is no longer a cloud member";
        }
        if (outcome instanceof IdleStop.UsedMeanwhile) {
            return "not stopped: another fleet call used the instance while it was checked";
        }
        if (outcome instanceof IdleStop.ChangedMeanwhile) {
            return "not stopped: the member was changed (update_member) while it was checked";
        }
        if (outcome instanceof IdleStop.RecentlyStarted r) { // the idle watcher's rule; listed so no outcome goes unnamed
            return "not stopped: the instance was started at " + r.launchTime();
        }
        return "stopping instance " + instance + " failed: " + ((IdleStop.StopFailed) outcome).cause();
    }

    /**
     * The state of a cloud member's instance when it is not running nor about to run (stopped,
     * stopping, gone): nothing can run there, so such a call must not start it. Empty for running
     * or pending instances and for members without a cloud block.
     */
    private Optional<InstanceState> notRunning(Member m) {
        if (m.cloud() == null) {
            return Optional.empty();
        }
        try {
            InstanceState state = lifecycle.describe(m).state();
            return state == InstanceState.RUNNING || state == InstanceState.PENDING ? Optional.empty() : Optional.of(state);
        } catch (CloudException e) {
            throw new RequestRefused("Cannot read the instance of cloud member " + m.friendlyName() + ": " + e.getMessage());
        }
    }

    private static InvalidRequest noSuchTask(TaskId id, Member m) {
        return new InvalidRequest("task_id", "'" + id + "' names no task on " + m.friendlyName()
                + " (there is no folder $HOME/.fleet-tasks/" + id + " on it)");
    }
}
