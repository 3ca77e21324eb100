package dev.fleet.tasks;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.TaskCommands;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
        MemberChannel channel = channels.forMember(member);
        TaskCommands os = TaskLauncher.taskCommands(member, channel.os());
        CommandResult r = channel.exec(CommandRequest.probe(os.markResumable(id.value()), TIMEOUT));
        if (!r.succeeded()) {
            throw new TaskException("task " + id + " started, but it could not be marked for resumption on " + member.friendlyName()
                    + " (exit " + r.exitCode() + "); it will not be relaunched after an instance stop");
        }
    }

    /** After fleet started the member's instance: interrupted resumable tasks are relaunched (once each). */
    public List<Outcome> afterStart(Member member) throws ChannelException {
        MemberChannel channel = channels.forMember(member);
        Optional<TaskCommands> os = channel.os().tasks();
        if (os.isEmpty()) {
            return List.of();
        }
        CommandResult r = channel.exec(CommandRequest.probe(os.get().resumeInterrupted(), TIMEOUT));
        return r.stdout().lines().map(l -> l.strip().split(" ")).filter(f -> f.length == 2 && TaskId.isValid(f[1]))
                .map(f -> new Outcome(new TaskId(f[1]), f[0].equals("resumed"))).toList();
    }
}
