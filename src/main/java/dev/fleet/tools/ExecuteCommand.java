package dev.fleet.tools;

import dev.fleet.commands.Commands;
import dev.fleet.member.MemberRules;
import java.time.Duration;

/** execute_command: runs a shell command in a member's folder and returns what it printed. */
public final class ExecuteCommand implements Tool {
    /**
     * A command of spaces only runs nothing and "succeeds": a long-running task of it completes at
     * once with exit 0, which a caller would take for work done. (Written so that JSON Schema's
     * regular expressions read it too, and in linear time.)
     */
    private static final String NOT_BLANK = "[\\s\\S]*\\S[\\s\\S]*";
    private static final String NOT_BLANK_RULE = "must hold a command, not only spaces";

    private static final ParamSpec PARAMS = ParamSpec.of(
            MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
            Param.string("command", "Shell command to run (bash on Linux/macOS, PowerShell on Windows).").length(1, 100_000)
                    .matching(NOT_BLANK, NOT_BLANK_RULE).required(),
            Param.integer("timeout_ms", "Time limit in milliseconds; on expiry the command and all it started are ended.",
                    100, 86_400_000).withDefault(120_000L),
            Param.string("work_folder", "Folder to run in instead of the member's work folder (absolute path).")
                    .matching(MemberRules.PATH_REGEX, MemberRules.PATH_RULE),
            Param.bool("long_running", "Run as a detached background task on the member (survives this call and the "
                    + "connection) and return its task_id at once; follow it with monitor_task, end it with stop_task. "
                    + "For jobs longer than a few minutes (training, long builds). timeout_ms does not apply.")
                    .withDefault(false),
            Param.integer("max_retries", "With long_running: retries after a non-zero exit.", 0, 10).withDefault(3L),
            Param.string("restart_command", "With long_running: command used for retries instead of the original "
                    + "(e.g. resume from a checkpoint).").length(1, 100_000).matching(NOT_BLANK, NOT_BLANK_RULE),
            Param.bool("resume_on_restart", "With long_running, on a cloud member: if the instance stops under the task "
                    + "(idle stop, guard, spot reclaim, a person), fleet relaunches it once with restart_command (or the "
                    + "command) when it next starts the instance; monitor_task then shows status resumed.").withDefault(false));

    private final MemberTarget target;
    private final Commands commands;

    public ExecuteCommand(MemberTarget target, Commands commands) {
        this.target = target;
        this.commands = commands;
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
        Commands.Spec spec = new Commands.Spec(in.string("command"), in.string("work_folder"),
                Duration.ofMillis(in.longValue("timeout_ms")), longRunning, in.integer("max_retries"), in.string("restart_command"),
                in.bool("resume_on_restart"), call.liveOutput());
        Commands.Outcome outcome = commands.run(target.work(in), spec, call);
        if (outcome instanceof Commands.Launched t) {
            return CommandText.launched(t);
        }
        Commands.Ran ran = (Commands.Ran) outcome;
        return CommandText.ran(ran.member(), ran.result(), ran.timeout().toMillis());
    }
}
