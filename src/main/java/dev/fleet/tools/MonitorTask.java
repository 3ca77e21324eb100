package dev.fleet.tools;

import dev.fleet.tasks.TaskControl;
import java.util.LinkedHashMap;
import java.util.Map;

/** monitor_task: the state of a long-running task, its output tail and the GPU picture; optionally stops the instance after it. */
public final class MonitorTask implements Tool {
    private final MemberTarget target;
    private final TaskControl tasks;

    public MonitorTask(MemberTarget target, TaskControl tasks) {
        this.target = target;
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "monitor_task";
    }

    @Override
    public String description() {
        return "Check a long-running task started by execute_command(long_running=true). Returns JSON: status "
                + "(running|retrying|completed|failed|cancelled; interrupted or resumed after an instance stop), exitCode, "
                + "retries, started/updated times, pidAlive, "
                + "crashed (status says running but its process is gone), gpuUtilization, orphanedGpuMemory (GPU memory "
                + "held while no task process lives), gpuHoldingIdle (GPU memory held at 0 % for longer than the idle "
                + "timeout) and the last 50 lines of its output (logTail). With auto_stop=true "
                + "and a finished task on a cloud member, the instance is stopped (unless other fleet tasks still run "
                + "there); a stopped instance is not started just to be stopped. Cost: one short command on the member "
                + "(a cloud member is started first if needed, like execute_command).";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME, TaskText.TASK_ID,
                Param.bool("auto_stop", "Stop the cloud member's instance when the task has finished (completed, failed or "
                        + "cancelled). Ignored for other members.").withDefault(false));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        TaskControl.Look look = tasks.look(target.use(in), TaskText.taskId(in), in.bool("auto_stop"), call);
        Map<String, Object> out;
        if (look instanceof TaskControl.InstanceDown d) {
            // auto_stop on an instance that is already stopped (or stopping, or gone): nothing to stop, nothing started.
            String instance = d.member().cloud().instanceId();
            String state = d.state().label();
            out = new LinkedHashMap<>(TaskText.instanceDown(d));
            out.put("status", null);
            out.put("autoStop", "nothing to do: instance " + instance + " is already " + state);
            out.put("summary", "Instance " + instance + " of " + d.member().friendlyName() + " is " + state
                    + ", so no task runs there; it was not started just to be stopped. The task's files stay on its disk: "
                    + "monitor_task without auto_stop starts the instance and reads them.");
        } else {
            TaskControl.Seen seen = (TaskControl.Seen) look;
            out = TaskText.describe(seen.member(), seen.report());
            out.put("gpuHoldingIdle", seen.gpuHeldIdle().isPresent());
            if (seen.gpuHeldIdle().isPresent()) {
                out.put("summary", out.get("summary") + " Note: " + seen.gpuHeldIdle().get() + ".");
            }
            if (seen.autoStop() != null) {
                out.put("autoStop", seen.autoStop());
            }
        }
        return ToolResult.ok(Json.pretty(out), out);
    }
}
