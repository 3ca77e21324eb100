package dev.fleet.tools;

import dev.fleet.member.Member;
import dev.fleet.probe.GpuReading;
import dev.fleet.tasks.TaskControl;
import dev.fleet.tasks.TaskId;
import dev.fleet.tasks.TaskReport;
import dev.fleet.tasks.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What monitor_task and stop_task both show of a task, and the task_id parameter they share. */
final class TaskText {
    static final Param TASK_ID = Param.string("task_id", "The task's id, as execute_command with long_running=true returned it.")
            .matching(TaskId.REGEX, TaskId.RULE).required();

    private TaskText() {
    }

    static TaskId taskId(ToolInput in) {
        return new TaskId(in.string("task_id"));
    }

    /** The structured view of one task, as both tools return it. */
    static Map<String, Object> describe(Member m, TaskReport r) {
        TaskStatus s = r.status().orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("taskId", r.id().value());
        out.put("member", m.friendlyName());
        out.put("status", s != null ? s.status().json() : r.pidAlive() ? "starting" : "unknown");
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

    /** A call about a task on an instance that does not run; the instance was not started for it. */
    static Map<String, Object> instanceDown(TaskControl.InstanceDown d) {
        Member m = d.member();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("taskId", d.id().value());
        out.put("member", m.friendlyName());
        out.put("instanceState", d.state().label());
        return out;
    }

    private static String summary(TaskReport r, TaskStatus s) {
        StringBuilder t = new StringBuilder();
        if (s == null) {
            t.append(r.pidAlive() ? "Starting: the wrapper runs but has not written its status yet."
                    : "No status was recorded and no wrapper process runs: the task never started properly (see logTail).");
        } else if (r.crashed()) {
            t.append("CRASHED: the status says ").append(s.status().json()).append(" but the wrapper process")
                    .append(r.pid() != null ? " (pid " + r.pid() + ")" : "").append(" is gone, so nothing will finish, retry or "
                    + "record it. If its command still runs, activityAgeSec keeps low; stop_task ends what is left and "
                    + "marks it cancelled; start it again with execute_command (restart_command can resume a checkpoint).");
        } else {
            switch (s.status()) {
                case RUNNING -> t.append("Running (first attempt).");
                case RETRYING -> t.append("Retrying: retry ").append(s.retries()).append(" of ")
                        .append(s.maxRetries() == null ? "?" : s.maxRetries()).append(" runs after exit code ")
                        .append(s.exitCode()).append('.');
                case COMPLETED -> t.append("Completed (exit code 0)").append(s.retries() > 0
                        ? " after " + s.retries() + " retr" + (s.retries() == 1 ? "y" : "ies") : "").append('.');
                case FAILED -> t.append("Failed with exit code ").append(s.exitCode()).append(" after ")
                        .append(s.retries()).append(" retr").append(s.retries() == 1 ? "y" : "ies").append('.');
                case CANCELLED -> t.append("Cancelled by stop_task; no retry followed.");
                case RESUMED -> t.append("Resumed: the instance stopped under the task (interrupted), and fleet relaunched "
                        + "it when it started the instance again; see logTail.");
                case INTERRUPTED -> t.append("Interrupted: the instance stopped under the task, and it is not relaunched "
                        + "(it had been resumed once already). Start it again with execute_command, or stop_task to mark it "
                        + "cancelled.");
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
