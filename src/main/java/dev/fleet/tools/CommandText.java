package dev.fleet.tools;

import dev.fleet.commands.Commands;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.Member;
import dev.fleet.tasks.TaskLauncher;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How execute_command reports a command that ran, or one that was started as a task. */
final class CommandText {
    private CommandText() {
    }

    static ToolResult launched(Commands.Launched l) {
        Member member = l.member();
        TaskLauncher.Launched t = l.task();
        int maxRetries = l.maxRetries();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", member.friendlyName());
        out.put("taskId", t.id().value());
        out.put("taskDir", t.taskDir());
        out.put("logFile", t.taskDir() + "/task.log");
        out.put("workFolder", l.folder());
        out.put("maxRetries", maxRetries);
        out.put("restartCommand", l.restartCommand());
        out.put("resumeOnRestart", l.resumeOnRestart());
        out.put("running", t.confirmed());
        String text = "Started task " + t.id() + " on " + member.friendlyName() + " in " + l.folder() + ".\n"
                + "It runs detached from this call and from the connection, and is retried up to " + maxRetries
                + " time" + (maxRetries == 1 ? "" : "s") + " after a non-zero exit"
                + (l.restartCommand() ? " with restart_command" : maxRetries > 0 ? " (the same command again)" : "") + ".\n"
                + (l.resumeOnRestart() ? "If the instance stops under it, it is relaunched once with "
                        + (l.restartCommand() ? "restart_command" : "the command") + " when fleet next starts the instance.\n" : "")
                + (t.confirmed() ? "" : "Its wrapper had not reported yet when this call returned; monitor_task shows whether it runs.\n")
                + "Files: " + t.taskDir() + " (task.log holds all output, status.json the state).\n"
                + "Follow it with monitor_task task_id=" + t.id() + " (auto_stop=true stops a cloud instance once it is done); "
                + "end it with stop_task task_id=" + t.id() + ".";
        return ToolResult.ok(text, out);
    }

    static ToolResult ran(Member member, CommandResult r, long timeoutMs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", member.friendlyName());
        out.put("exitCode", r.exitCode());
        out.put("timedOut", r.timedOut());
        out.put("durationMs", r.elapsed().toMillis());
        out.put("stdout", r.stdout());
        out.put("stderr", r.stderr());
        out.put("stdoutBytes", r.stdoutBytes());
        out.put("stderrBytes", r.stderrBytes());
        out.put("stdoutFullPath", r.stdoutFullPath());
        out.put("stderrFullPath", r.stderrFullPath());

        StringBuilder t = new StringBuilder();
        if (r.timedOut()) {
            t.append("Timed out after ").append(timeoutMs).append(" ms on ").append(member.friendlyName())
                    .append(": the command and every process it started were ended.\n");
        } else {
            t.append("Exit code ").append(r.exitCode()).append(" on ").append(member.friendlyName())
                    .append(" (").append(r.elapsed().toMillis()).append(" ms)\n");
        }
        section(t, "stdout", r.stdout(), r.stdoutBytes(), r.stdoutFullPath());
        section(t, "stderr", r.stderr(), r.stderrBytes(), r.stderrFullPath());
        List<Path> files = java.util.stream.Stream.of(r.stdoutFullPath(), r.stderrFullPath())
                .filter(java.util.Objects::nonNull).map(Path::of).toList();
        return new ToolResult(t.toString().stripTrailing(), out, r.timedOut(), files);
    }

    private static void section(StringBuilder t, String label, String text, long bytes, String fullPath) {
        if (bytes == 0) {
            return;
        }
        t.append("--- ").append(label);
        if (fullPath != null) {
            t.append(" (").append(bytes).append(" bytes; showing the last part; full output in ").append(fullPath).append(')');
        }
        t.append(" ---\n").append(text);
        if (!text.endsWith("\n")) {
            t.append('\n');
        }
    }
}
