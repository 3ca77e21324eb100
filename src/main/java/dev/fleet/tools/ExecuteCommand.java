package dev.fleet.tools;

import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.Member;
import dev.fleet.tasks.TaskException;
import dev.fleet.tasks.TaskLauncher;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** execute_command: runs a shell command in a member's folder and returns what it printed. */
public final class ExecuteCommand implements Tool {
    static final ParamSpec PARAMS = ParamSpec.of(
            MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
            Param.string("command", "Shell command to run (bash on Linux/macOS, PowerShell on Windows).").length(1, 100_000).required(),
            Param.integer("timeout_ms", "Time limit in milliseconds; on expiry the command and all it started are ended.",
                    100, 86_400_000).withDefault(120_000L),
            Param.string("work_folder", "Folder to run in instead of the member's work folder (absolute path).")
                    .matching(RegistrationParams.PATH_REGEX, RegistrationParams.PATH_RULE),
            Param.bool("long_running", "Run as a detached background task on the member (survives this call and the "
                    + "connection) and return its task_id at once; follow it with monitor_task, end it with stop_task. "
                    + "For jobs longer than a few minutes (training, long builds). timeout_ms does not apply.")
                    .withDefault(false),
            Param.integer("max_retries", "With long_running: retries after a non-zero exit.", 0, 10).withDefault(3L),
            Param.string("restart_command", "With long_running: command used for retries instead of the original "
                    + "(e.g. resume from a checkpoint).").length(1, 100_000),
            Param.bool("resume_on_restart", "With long_running, on a cloud member: if the instance stops under the task "
                    + "(idle stop, guard, spot reclaim, a person), fleet relaunches it once with restart_command (or the "
                    + "command) when it next starts the instance; monitor_task then shows status resumed.").withDefault(false));

    private final MemberTarget target;
    private final Channels channels;
    private final CloudGate cloud;
    private final TaskLauncher tasks;
    private final dev.fleet.tasks.TaskResume resume;

    public ExecuteCommand(MemberTarget target, Channels channels, dev.fleet.cloud.CloudLifecycle lifecycle, TaskLauncher tasks,
                          dev.fleet.tasks.TaskResume resume) {
        this.resume = resume;
        this.target = target;
        this.channels = channels;
        this.cloud = new CloudGate(lifecycle);
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "execute_command";
    }

    @Override
    public String description() {
        return "Run a shell command on a member, in its work folder, and return the exit code, stdout and stderr. "
                + "Use it for builds, tests, git, inspecting files. Output over 50 KB per stream is cut to its last "
                + "50 KB and the full output is saved to a file whose path is returned. The command is ended after "
                + "timeout_ms (default 2 minutes). Cost: one process start on the member, milliseconds for local members. "
                + "With long_running=true it starts a background task instead (a bash wrapper under ~/.fleet-tasks on the "
                + "member that retries up to max_retries times after a failure, with restart_command if given, e.g. to "
                + "resume from a checkpoint) and returns its task_id within seconds.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        boolean longRunning = in.bool("long_running");
        for (String p : new String[] {"max_retries", "restart_command", "resume_on_restart"}) {
            if (!longRunning && in.given(p)) {
                throw new InvalidInputException(p, "applies only with long_running=true");
            }
        }
        if (longRunning && in.given("timeout_ms")) {
            throw new InvalidInputException("timeout_ms", "does not apply with long_running=true: a task runs until it ends "
                    + "or stop_task ends it");
        }
        Member named = target.use(in);
        if (in.bool("resume_on_restart") && named.cloud() == null) {
            throw new InvalidInputException("resume_on_restart", "applies to cloud members only (fleet relaunches the task "
                    + "when it next starts the instance); " + named.friendlyName() + " has no cloud block");
        }
        return cloud.run(named, call, member -> {
            String folder = in.string("work_folder") != null
                    ? (member.isLocal() ? RegistrationParams.expandLocal(in.string("work_folder")) : in.string("work_folder"))
                    : member.workFolder();
            if (longRunning) {
                return launch(member, folder, in);
            }
            CommandRequest request = new CommandRequest(in.string("command"), folder,
                    Duration.ofMillis(in.longValue("timeout_ms")), CommandRequest.DEFAULT_OUTPUT_CAP);
            CommandResult r = channels.forMember(member).exec(request);
            return render(member, r, in.longValue("timeout_ms"));
        });
    }

    private ToolResult launch(Member member, String folder, ToolInput in) throws Exception {
        int maxRetries = in.integer("max_retries");
        String restart = in.string("restart_command");
        TaskLauncher.Launched t;
        try {
            t = tasks.launch(member, folder, in.string("command"), restart, maxRetries);
            if (in.bool("resume_on_restart")) {
                resume.markResumable(member, t.id());
            }
        } catch (TaskException e) {
            throw new ToolException(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", member.friendlyName());
        out.put("taskId", t.id().value());
        out.put("taskDir", t.taskDir());
        out.put("logFile", t.taskDir() + "/task.log");
        out.put("workFolder", folder);
        out.put("maxRetries", maxRetries);
        out.put("restartCommand", restart != null);
        out.put("resumeOnRestart", in.bool("resume_on_restart"));
        out.put("running", t.confirmed());
        String text = "Started task " + t.id() + " on " + member.friendlyName() + " in " + folder + ".\n"
                + "It runs detached from this call and from the connection, and is retried up to " + maxRetries
                + " time" + (maxRetries == 1 ? "" : "s") + " after a non-zero exit"
                + (restart != null ? " with restart_command" : maxRetries > 0 ? " (the same command again)" : "") + ".\n"
                + (in.bool("resume_on_restart") ? "If the instance stops under it, it is relaunched once with "
                        + (restart != null ? "restart_command" : "the command") + " when fleet next starts the instance.\n" : "")
                + (t.confirmed() ? "" : "Its wrapper had not reported yet when this call returned; monitor_task shows whether it runs.\n")
                + "Files: " + t.taskDir() + " (task.log holds all output, status.json the state).\n"
                + "Follow it with monitor_task task_id=" + t.id() + " (auto_stop=true stops a cloud instance once it is done); "
                + "end it with stop_task task_id=" + t.id() + ".";
        return ToolResult.ok(text, out);
    }

    static ToolResult render(Member member, CommandResult r, long timeoutMs) {
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
        return new ToolResult(t.toString().stripTrailing(), out, r.timedOut());
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
