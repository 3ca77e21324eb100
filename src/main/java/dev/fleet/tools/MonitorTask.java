package dev.fleet.tools;

import dev.fleet.cloud.CloudException;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.cloud.CloudProviders;
import dev.fleet.cloud.GpuReading;
import dev.fleet.cloud.InstanceState;
import dev.fleet.exec.Channels;
import dev.fleet.member.Member;
import dev.fleet.tasks.TaskException;
import dev.fleet.tasks.TaskId;
import dev.fleet.tasks.TaskMonitor;
import dev.fleet.tasks.TaskReport;
import dev.fleet.tasks.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** monitor_task: the state of a long-running task, its output tail and the GPU picture; optionally stops the instance after it. */
public final class MonitorTask implements Tool {
    private final MemberTarget target;
    private final TaskMonitor monitor;
    private final CloudGate cloud;
    private final CloudLifecycle lifecycle;
    private final CloudProviders providers;
    private final Channels channels;
    private final dev.fleet.gpu.GpuWatch gpu;

    public MonitorTask(MemberTarget target, TaskMonitor monitor, CloudLifecycle lifecycle, CloudProviders providers,
                       Channels channels, dev.fleet.gpu.GpuWatch gpu) {
        this.gpu = gpu;
        this.target = target;
        this.monitor = monitor;
        this.cloud = new CloudGate(lifecycle);
        this.lifecycle = lifecycle;
        this.providers = providers;
        this.channels = channels;
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
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME, TaskTargets.TASK_ID,
                Param.bool("auto_stop", "Stop the cloud member's instance when the task has finished (completed, failed or "
                        + "cancelled). Ignored for other members.").withDefault(false));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        Member m = target.use(in);
        TaskId id = TaskTargets.taskId(in);
        boolean autoStop = in.bool("auto_stop");
        if (autoStop) {
            Optional<InstanceState> down = TaskTargets.notRunning(providers, m);
            if (down.isPresent()) {
                return alreadyDown(m, id, down.get());
            }
        }
        return cloud.run(m, call, ready -> {
            TaskReport report;
            try {
                report = monitor.read(ready, id).orElseThrow(() -> TaskTargets.noSuchTask(id, ready));
            } catch (TaskException e) {
                throw new ToolException(e.getMessage());
            }
            Map<String, Object> out = describe(ready, report);
            flagGpuHeldIdle(ready, report, out);
            if (autoStop) {
                out.put("autoStop", autoStop(ready, report));
            }
            return ToolResult.ok(Json.pretty(out), out);
        });
    }

    /** auto_stop on an instance that is already stopped (or stopping, or gone): nothing to stop, nothing started. */
    private static ToolResult alreadyDown(Member m, TaskId id, InstanceState state) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("taskId", id.value());
        out.put("member", m.friendlyName());
        out.put("instanceState", state.label());
        out.put("status", null);
        out.put("autoStop", "nothing to do: instance " + m.cloud().instanceId() + " is already " + state.label());
        out.put("summary", "Instance " + m.cloud().instanceId() + " of " + m.friendlyName() + " is " + state.label()
                + ", so no task runs there; it was not started just to be stopped. The task's files stay on its disk: "
                + "monitor_task without auto_stop starts the instance and reads them.");
        return ToolResult.ok(Json.pretty(out), out);
    }

    private String autoStop(Member m, TaskReport report) throws Exception {
        if (m.cloud() == null) {
            return "does not apply: " + m.friendlyName() + " is not a cloud member";
        }
        TaskStatus status = report.status().orElse(null);
        if (status == null || !status.finished()) {
            return "not yet: the task has not finished" + (report.crashed() ? " (it crashed: stop_task records it as "
                    + "cancelled, after which auto_stop applies)" : "") + "; the instance keeps running";
        }
        List<String> others = new ArrayList<>();
        try {
            for (TaskId t : monitor.liveTasks(m)) {
                if (!t.equals(report.id())) {
                    others.add(t.value());
                }
            }
        } catch (TaskException e) {
            return "not stopped: could not check for other tasks on the instance (" + e.getMessage() + ")";
        }
        if (!others.isEmpty()) {
            return "not stopped: other fleet tasks still run on the instance: " + String.join(", ", others);
        }
        try {
            InstanceState now = providers.forConfig(m.cloud()).stop(m.cloud());
            lifecycle.forget(m);
            channels.release(m);
            return "stopped instance " + m.cloud().instanceId() + " (now " + now.label() + ")";
        } catch (CloudException e) {
            return "stopping instance " + m.cloud().instanceId() + " failed: " + e.getMessage();
        }
    }

    /** Processes holding the GPU at 0 % for longer than the idle timeout keep nothing up: the reader should know. */
    private void flagGpuHeldIdle(Member m, TaskReport report, Map<String, Object> out) {
        out.put("gpuHoldingIdle", false);
        if (report.gpuProcesses().isEmpty() || !dev.fleet.gpu.GpuWatch.supports(m)) {
            return;
        }
        try {
            dev.fleet.gpu.GpuVerdict v = gpu.judge(m, gpu.look(channels.forMember(m), m, java.time.Duration.ofSeconds(15)));
            if (v instanceof dev.fleet.gpu.GpuVerdict.HoldingIdle) {
                out.put("gpuHoldingIdle", true);
                out.put("summary", out.get("summary") + " Note: " + v.reason() + ".");
            }
        } catch (Exception e) {
            // the flag stays false: the rest of the report is still right
        }
    }

    static Map<String, Object> describe(Member m, TaskReport r) {
        TaskStatus s = r.status().orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("taskId", r.id().value());
        out.put("member", m.friendlyName());
        out.put("status", s != null ? s.status() : r.pidAlive() ? "starting" : "unknown");
        out.put("exitCode", s == null ? null : s.exitCode());
        out.put("retries", s == null ? 0 : s.retries());
        out.put("maxRetries", s == null ? null : s.maxRetries());
        out.put("started", s == null ? null : s.started());
        out.put("updated", s == null ? null : s.updated());
        out.put("pid", r.pid() != null ? r.pid() : s == null ? null : s.pid());
        out.put("pidAlive", r.pidAlive());
        out.put("crashed", r.crashed());
        out.put("stopRequested", r.cancelRequested());
        out.put("activityAgeSec", r.activityAgeSec());
        out.put("activityIntervalSec", r.activityIntervalSec());
        GpuReading gpu = r.gpu().orElse(null);
        out.put("gpuUtilization", gpu == null ? null : gpu.utilizationPercent());
        out.put("gpuMemoryUsedMiB", gpu == null ? null : gpu.memoryUsedMiB());
        out.put("gpuMemoryTotalMiB", gpu == null ? null : gpu.memoryTotalMiB());
        out.put("orphanedGpuMemory", r.orphanedGpuMemory());
        List<Map<String, Object>> holders = new ArrayList<>();
        for (TaskReport.GpuProcess p : r.gpuProcesses()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("pid", p.pid());
            h.put("usedMemoryMiB", p.usedMemoryMiB());
            holders.add(h);
        }
        out.put("gpuProcesses", holders);
        out.put("taskDir", r.taskDir());
        out.put("logFile", r.taskDir() + "/task.log");
        out.put("summary", summary(r, s));
        out.put("logTail", r.logTail());
        return out;
    }

    private static String summary(TaskReport r, TaskStatus s) {
        StringBuilder t = new StringBuilder();
        if (s == null) {
            t.append(r.pidAlive() ? "Starting: the wrapper runs but has not written its status yet."
                    : "No status was recorded and no wrapper process runs: the task never started properly (see logTail).");
        } else if (r.crashed()) {
            t.append("CRASHED: the status says ").append(s.status()).append(" but the wrapper process")
                    .append(r.pid() != null ? " (pid " + r.pid() + ")" : "").append(" is gone, so nothing will finish, retry or "
                    + "record it. If its command still runs, activityAgeSec keeps low; stop_task ends what is left and "
                    + "marks it cancelled; start it again with execute_command (restart_command can resume a checkpoint).");
        } else {
            switch (s.status()) {
                case "running" -> t.append("Running (first attempt).");
                case "retrying" -> t.append("Retrying: retry ").append(s.retries()).append(" of ")
                        .append(s.maxRetries() == null ? "?" : s.maxRetries()).append(" runs after exit code ")
                        .append(s.exitCode()).append('.');
                case "completed" -> t.append("Completed (exit code 0)").append(s.retries() > 0
                        ? " after " + s.retries() + " retr" + (s.retries() == 1 ? "y" : "ies") : "").append('.');
                case "failed" -> t.append("Failed with exit code ").append(s.exitCode()).append(" after ")
                        .append(s.retries()).append(" retr").append(s.retries() == 1 ? "y" : "ies").append('.');
                case "cancelled" -> t.append("Cancelled by stop_task; no retry followed.");
                case "resumed" -> t.append("Resumed: the instance stopped under the task (interrupted), and fleet relaunched "
                        + "it when it started the instance again; see logTail.");
                case "interrupted" -> t.append("Interrupted: the instance stopped under the task, and it is not relaunched "
                        + "(it had been resumed once already). Start it again with execute_command, or stop_task to mark it "
                        + "cancelled.");
                default -> t.append("Status: ").append(s.status()).append('.');
            }
        }
        if (r.orphanedGpuMemory()) {
            t.append(" ORPHANED GPU MEMORY: ").append(r.gpuMemoryHeldMiB()).append(" MiB held by pid(s) ")
                    .append(String.join(", ", r.gpuProcesses().stream().map(p -> String.valueOf(p.pid())).toList()))
                    .append(" while no process of this task lives; end them (or stop the instance) to free the GPU.");
        }
        return t.toString();
    }
}
