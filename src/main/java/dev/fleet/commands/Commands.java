package dev.fleet.commands;

import dev.fleet.base.InvalidRequest;
import dev.fleet.base.Progress;
import dev.fleet.base.RequestRefused;
import dev.fleet.cloud.CloudGate;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.OutputListener;
import dev.fleet.member.LocalPaths;
import dev.fleet.member.Member;
import dev.fleet.tasks.TaskException;
import dev.fleet.tasks.TaskLauncher;
import dev.fleet.tasks.TaskResume;
import dev.fleet.vcs.CredentialRenewal;
import java.time.Duration;

/**
 * Shell commands on a member: run one and wait for it, or start it as a long-running task. A
 * cloud member is brought up first and the member's git credentials renewed when they near expiry;
 * the folder defaults to the member's work folder, and a local member's {@code ~} is the PM's home.
 * A task on a cloud member may be marked to resume after an instance stop ({@link TaskResume}).
 */
public final class Commands {
    /**
     * One command.
     *
     * @param workFolder     folder to run in instead of the member's (null: the member's)
     * @param timeout        limit of a command waited for; not used for a task
     * @param restartCommand a task's retries run this instead (null: the command again)
     * @param resumeOnRestart a task on a cloud member is relaunched once when fleet next starts an
     *                        instance that stopped under it
     * @param liveOutput     sees a waited-for command's output as it arrives (the terminal of {@code fleet exec});
     *                       null: its newest lines go out as progress instead, when the caller wants progress
     */
    public record Spec(String command, String workFolder, Duration timeout, boolean longRunning, int maxRetries,
                       String restartCommand, boolean resumeOnRestart, OutputListener liveOutput) {
    }

    /** What came of it. */
    public sealed interface Outcome permits Ran, Launched {
        Member member();
    }

    /** The command ran (or hit its time limit) on the member. */
    public record Ran(Member member, CommandResult result, Duration timeout) implements Outcome {
    }

    /** The command runs on as a task. */
    public record Launched(Member member, String folder, TaskLauncher.Launched task, int maxRetries, boolean restartCommand,
                           boolean resumeOnRestart) implements Outcome {
    }

    private final CloudGate gate;
    private final Channels channels;
    private final TaskLauncher tasks;
    private final LocalPaths localPaths;
    private final CredentialRenewal credentials;
    private final TaskResume resume;

    public Commands(CloudGate gate, Channels channels, TaskLauncher tasks, TaskResume resume, LocalPaths localPaths,
                    CredentialRenewal credentials) {
        this.resume = resume;
        this.gate = gate;
        this.channels = channels;
        this.tasks = tasks;
        this.localPaths = localPaths;
        this.credentials = credentials;
    }

    public Outcome run(Member m, Spec spec, Progress progress) throws Exception {
        if (spec.resumeOnRestart() && m.cloud() == null) {
            throw new InvalidRequest("resume_on_restart", "applies to cloud members only (fleet relaunches the task "
                    + "when it next starts the instance); " + m.friendlyName() + " has no cloud block");
        }
        if (spec.workFolder() != null && m.isLocal()) {
            localPaths.absolute(spec.workFolder(), "work_folder"); // refused before a thing runs
        }
        return gate.run(m, progress, member -> {
            credentials.renewIfExpiring(member);
            String folder = spec.workFolder() == null ? member.workFolder()
                    : member.isLocal() ? localPaths.absolute(spec.workFolder(), "work_folder").toString() : spec.workFolder();
            if (spec.longRunning()) {
                try {
                    TaskLauncher.Launched t = tasks.launch(member, folder, spec.command(), spec.restartCommand(), spec.maxRetries());
                    if (spec.resumeOnRestart()) {
                        resume.markResumable(member, t.id());
                    }
                    return new Launched(member, folder, t, spec.maxRetries(), spec.restartCommand() != null,
                            spec.resumeOnRestart());
                } catch (TaskException e) {
                    throw new RequestRefused(e.getMessage());
                }
            }
            CommandRequest request = new CommandRequest(spec.command(), folder, spec.timeout(), CommandRequest.DEFAULT_OUTPUT_CAP);
            // A long command should be seen moving: its output goes to the caller's terminal, or its newest lines as progress.
            try (OutputTail tail = spec.liveOutput() == null ? OutputTail.startIf(progress) : null) {
                CommandResult r = channels.forMember(member).exec(request.withListener(tail != null ? tail : spec.liveOutput()));
                return new Ran(member, r, spec.timeout());
            }
        });
    }
}
