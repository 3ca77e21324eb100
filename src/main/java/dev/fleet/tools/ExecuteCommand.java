package dev.fleet.tools;

import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.Member;
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
            Param.bool("long_running", "Run as a background task and return its task_id at once (for jobs longer than a few minutes).")
                    .withDefault(false),
            Param.integer("max_retries", "With long_running: retries after a non-zero exit.", 0, 10).withDefault(3L),
            Param.string("restart_command", "With long_running: command used for retries instead of the original "
                    + "(e.g. resume from a checkpoint).").length(1, 100_000));

    private final MemberTarget target;
    private final Channels channels;
    private final CloudGate cloud;

    public ExecuteCommand(MemberTarget target, Channels channels, dev.fleet.cloud.CloudLifecycle lifecycle) {
        this.target = target;
        this.channels = channels;
        this.cloud = new CloudGate(lifecycle);
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
                + "timeout_ms (default 2 minutes). Cost: one process start on the member, milliseconds for local members.";
    }

    @Override
    public ParamSpec params() {
        return PARAMS;
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        if (in.bool("long_running")) {
            throw new ToolException("long_running=true is not supported by this version of fleet yet; "
                    + "run the command synchronously with a larger timeout_ms instead");
        }
        for (String p : new String[] {"max_retries", "restart_command"}) {
            if (in.given(p)) {
                throw new InvalidInputException(p, "applies only with long_running=true");
            }
        }
        return cloud.run(target.use(in), call, member -> {
            String folder = in.string("work_folder") != null
                    ? (member.isLocal() ? RegistrationParams.expandLocal(in.string("work_folder")) : in.string("work_folder"))
                    : member.workFolder();
            CommandRequest request = new CommandRequest(in.string("command"), folder,
                    Duration.ofMillis(in.longValue("timeout_ms")), CommandRequest.DEFAULT_OUTPUT_CAP);
            CommandResult r = channels.forMember(member).exec(request);
            return render(member, r, in.longValue("timeout_ms"));
        });
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
