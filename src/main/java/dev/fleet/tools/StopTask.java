package dev.fleet.tools;

import dev.fleet.tasks.TaskControl;
import java.util.Map;

/** stop_task: ends a long-running task and everything it started; no retry follows. */
public final class StopTask implements Tool {
    private final MemberTarget target;
    private final TaskControl tasks;

    public StopTask(MemberTarget target, TaskControl tasks) {
        this.target = target;
        this.tasks = tasks;
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
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME, TaskText.TASK_ID);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        TaskControl.Stop stop = tasks.stop(target.use(in), TaskText.taskId(in), call);
        if (stop instanceof TaskControl.InstanceDown d) {
            return ToolResult.ok("Nothing to stop: instance " + d.member().cloud().instanceId() + " of " + d.member().friendlyName()
                    + " is " + d.state().label() + ", so no task runs on it (it was not started).",
                    Map.of("taskId", d.id().value(), "member", d.member().friendlyName(), "stopped", false,
                            "instanceState", d.state().label()));
        }
        TaskControl.Stopped s = (TaskControl.Stopped) stop;
        Map<String, Object> out = TaskText.describe(s.member(), s.report());
        out.put("stopped", s.stopped());
        String status = String.valueOf(out.get("status"));
        String text = s.stopped()
                ? "Stopped task " + s.report().id() + " on " + s.member().friendlyName() + ": status " + status
                        + ", no retry will follow. The log is in " + out.get("logFile") + "."
                : "Task " + s.report().id() + " on " + s.member().friendlyName() + " had already finished (" + status
                        + (out.get("exitCode") != null ? ", exit code " + out.get("exitCode") : "") + "); nothing was changed.";
        return ToolResult.ok(text + "\n" + Json.pretty(out), out);
    }
}
