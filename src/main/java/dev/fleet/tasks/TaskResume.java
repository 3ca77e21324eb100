package dev.fleet.tasks;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.Member;
import dev.fleet.security.ShellQuote;
import java.time.Duration;
import java.util.List;

/**
 * Resume after restart: a long-running task launched with {@code resume_on_restart=true} carries a
 * {@code resume-on-restart} marker in its folder. When fleet next starts the member's instance,
 * every such task whose status still says it runs but whose wrapper is gone (the instance stopped
 * under it) is marked {@code interrupted} and relaunched once, with its {@code restart_command}
 * (the command itself when none was given); its status then reads {@code resumed}. A second
 * interruption leaves it {@code interrupted}.
 */
public final class TaskResume {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What the look after a start did to one task. */
    public record Outcome(TaskId id, boolean resumed) {
    }

    private final Channels channels;

    public TaskResume(Channels channels) {
        this.channels = channels;
    }

    /** Marks a freshly launched task for resumption. */
    public void markResumable(Member member, TaskId id) throws TaskException, ChannelException {
        TaskLauncher.taskCommands(member);
        String d = "\"$HOME/.fleet-tasks/\"" + ShellQuote.posix(id.value());
        CommandResult r = channels.forMember(member).exec(CommandRequest.probe(
                "[ -d " + d + " ] && true > " + d + "/resume-on-restart", TIMEOUT));
        if (!r.succeeded()) {
            throw new TaskException("task " + id + " started, but it could not be marked for resumption on " + member.friendlyName()
                    + " (exit " + r.exitCode() + "); it will not be relaunched after an instance stop");
        }
    }

    /** After fleet started the member's instance: interrupted resumable tasks are relaunched (once each). */
    public List<Outcome> afterStart(Member member) throws ChannelException {
        if (Channels.osOf(member).tasks().isEmpty()) {
            return List.of();
        }
        CommandResult r = channels.forMember(member).exec(CommandRequest.probe(SCRIPT, TIMEOUT));
        return r.stdout().lines().map(l -> l.strip().split(" ")).filter(f -> f.length == 2 && TaskId.isValid(f[1]))
                .map(f -> new Outcome(new TaskId(f[1]), f[0].equals("resumed"))).toList();
    }

    /** Prints {@code resumed <id>} or {@code interrupted <id>} per task it found interrupted. */
    private static final String SCRIPT = "[ -d \"$HOME/.fleet-tasks\" ] || exit 0; unset FLEET_RUN_ID; umask 077; "
            + "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null); case \"$s\" in '') kill -0 \"$1\" 2>/dev/null ;; *Z*) return 1 ;; "
            + "*) return 0 ;; esac; }; "
            + "for d in \"$HOME\"/.fleet-tasks/task-*/; do d=${d%/}; [ -f \"$d/resume-on-restart\" ] || continue; id=${d##*/}; "
            + "grep -qE '\"status\":\"(running|retrying|resumed)\"' \"$d/status.json\" 2>/dev/null || continue; "
            + "pid=$(tr -dc '0-9' 2>/dev/null < \"$d/task.pid\"); "
            + "if [ -n \"$pid\" ] && alive \"$pid\"; then case \"$(ps -o args= -p \"$pid\" 2>/dev/null)\" in "
            + "*\"/$id/run.sh\"*|'') continue ;; esac; fi; "
            + "now=$(date -u +%Y-%m-%dT%H:%M:%SZ); "
            + "sed -e 's/\"status\":\"[a-z]*\"/\"status\":\"interrupted\"/' -e \"s/\\\"updated\\\":\\\"[^\\\"]*\\\"/\\\"updated\\\":\\\"$now\\\"/\" "
            + "\"$d/status.json\" > \"$d/status.json.tmp\" && mv -f \"$d/status.json.tmp\" \"$d/status.json\"; rm -f \"$d/task.pid\"; "
            + "if mkdir \"$d/resumed\" 2>/dev/null; then "
            + "what='the command'; [ -s \"$d/restart.sh\" ] && what=restart_command; "
            + "printf '[fleet-task %s] interrupted by an instance stop; relaunched once with %s\\n' \"$now\" \"$what\" >> \"$d/task.log\"; "
            + "iv=$(grep -oE '\"activityIntervalSec\":[0-9]+' \"$d/status.json\" | tr -dc '0-9'); [ -n \"$iv\" ] || iv=300; "
            + "FLEET_TASK_RESUME=1 FLEET_TASK_ACTIVITY_INTERVAL=$iv; export FLEET_TASK_RESUME FLEET_TASK_ACTIVITY_INTERVAL; "
            + "if command -v setsid >/dev/null 2>&1; then nohup setsid bash \"$d/run.sh\" >/dev/null 2>&1 </dev/null & "
            + "else ( set -m; nohup bash \"$d/run.sh\" >/dev/null 2>&1 </dev/null & ); fi; "
            + "i=0; while grep -q '\"status\":\"interrupted\"' \"$d/status.json\" 2>/dev/null && [ \"$i\" -lt 100 ]; do "
            + "sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; echo \"resumed $id\"; "
            + "else printf '[fleet-task %s] interrupted by an instance stop again; it was resumed once already and is not relaunched\\n' "
            + "\"$now\" >> \"$d/task.log\"; echo \"interrupted $id\"; fi; done; true";
}
