package dev.fleet.tools;

import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.InstanceState;
import dev.fleet.member.Member;
import dev.fleet.tasks.TaskException;
import dev.fleet.tasks.TaskId;
import dev.fleet.tasks.TaskMonitor;
import dev.fleet.tasks.TaskReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** stop_task: ends a long-running task and everything it started; no retry follows. */
public final class StopTask implements Tool {
    private final MemberTarget target;
    private final TaskMonitor monitor;
    private final CloudGate cloud;
    private final CloudProviders providers;

    public StopTask(MemberTarget target, TaskMonitor monitor, CloudLifecycle lifecycle, CloudProviders providers) {
        this.target = target;
        this.monitor = monitor;
        this.cloud = new CloudGate(lifecycle);
        this.providers = providers;
    }

    @Override
    public String name() {
        return "stop_task";
    }

    @Override
    public String description() {
        return "End a long-running task started by execute_command(long_running=true), with every process it started. "
                + "It is marked cancelled and is not retried. The command gets TERM and up to 10 s to exit, then KILL. A task "
                + "that has already finished is left as it is. A stopped cloud instance is not started (nothing runs on it). "
                + "Cost: one command on the member, up to about 10 s.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME, TaskTargets.TASK_ID);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        Member m = target.use(in);
        TaskId id = TaskTargets.taskId(in);
        Optional<InstanceState> down = TaskTargets.notRunning(providers, m);
        if (down.isPresent()) {
            return ToolResult.ok("Nothing to stop: instance " + m.cloud().instanceId() + " of " + m.friendlyName() + " is "
                    + down.get().label() + ", so no task runs on it (it was not started).",
                    Map.of("taskId", id.value(), "member", m.friendlyName(), "stopped", false,
                            "instanceState", down.get().label()));
        }
        return cloud.run(m, call, ready -> {
            try {
                TaskMonitor.StopOutcome outcome = monitor.stop(ready, id);
                if (outcome == TaskMonitor.StopOutcome.MISSING) {
                    throw TaskTargets.noSuchTask(id, ready);
                }
                TaskReport r = monitor.read(ready, id).orElseThrow(() -> TaskTargets.noSuchTask(id, ready));
                Map<String, Object> out = new LinkedHashMap<>(MonitorTask.describe(ready, r));
                boolean stopped = outcome == TaskMonitor.StopOutcome.STOPPED;
                out.put("stopped", stopped);
                String status = String.valueOf(out.get("status"));
                String text = stopped
                        ? "Stopped task " + id + " on " + ready.friendlyName() + ": status " + status
                                + ", no retry will follow. The log is in " + out.get("logFile") + "."
                        : "Task " + id + " on " + ready.friendlyName() + " had already finished (" + status
                                + (out.get("exitCode") != null ? ", exit code " + out.get("exitCode") : "") + "); nothing was changed.";
                return ToolResult.ok(text + "\n" + Json.pretty(out), out);
            } catch (TaskException e) {
                throw new ToolException(e.getMessage());
            }
        });
    }
}
