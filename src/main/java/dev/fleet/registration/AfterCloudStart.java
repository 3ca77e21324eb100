package dev.fleet.registration;

import dev.fleet.agentcli.AgentLogin;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.agentcli.ProviderAdapter;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.guard.GuardService;
import dev.fleet.member.Member;
import dev.fleet.tasks.TaskResume;
import dev.fleet.vcs.VcsAuthService;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a cloud instance starts: makes sure the work folder exists (a member registered while its
 * instance was stopped has not been checked yet), mints its GitHub App token again, then puts this
 * machine's login for the member's agent CLI back (a fresh instance, or one restored from an image,
 * may have an old one). Then, whatever became of those, the on-instance guard is installed or
 * brought up to date (or removed, when the user turned it off) and tasks the stop interrupted are
 * resumed ({@link TaskResume}). Best effort: nothing is thrown for a missing login, and nothing
 * secret is logged.
 */
public final class AfterCloudStart implements CloudLifecycle.AfterStart {
    private static final Logger log = LoggerFactory.getLogger(AfterCloudStart.class);

    private final Channels channels;
    private final AgentLogin login;
    private final VcsAuthService vcs;
    private final GuardService guard;
    private final TaskResume resume;

    public AfterCloudStart(Channels channels, AgentLogin login, VcsAuthService vcs, GuardService guard, TaskResume resume) {
        this.channels = channels;
        this.login = login;
        this.vcs = vcs;
        this.guard = guard;
        this.resume = resume;
    }

    @Override
    public void reprovision(Member member) throws Exception {
        try {
            putBack(member);
        } finally {
            guard.afterStart(member);
            resumeInterrupted(member);
        }
    }

    private void resumeInterrupted(Member member) {
        try {
            for (TaskResume.Outcome o : resume.afterStart(member)) {
                log.info("{}: task {} was interrupted by the instance stop{}", member.friendlyName(), o.id(),
                        o.resumed() ? "; relaunched" : "; already relaunched once, left interrupted");
            }
        } catch (Exception e) {
            log.warn("{}: could not look for interrupted tasks ({})", member.friendlyName(), e.getMessage());
        }
    }

    private void putBack(Member member) throws Exception {
        MemberChannel channel = channels.forMember(member);
        CommandResult folder = channel.exec(CommandRequest.probe(
                channel.os().makeDirectory(member.workFolder()), Duration.ofSeconds(30)));
        if (!folder.succeeded()) {
            log.warn("{}: could not create the work folder {} (exit {})", member.friendlyName(), member.workFolder(), folder.exitCode());
        }
        // Its GitHub App token has most likely expired while the instance was stopped.
        vcs.afterCloudStart(member);
        ProviderAdapter cli = MemberAgent.cli(member).orElse(null);
        if (cli == null) {
            return; // a command-only member has no agent login
        }
        try {
            AgentLogin.Copied copied = login.copyLogin(member, channel, cli);
            if (!copied.files().isEmpty()) {
                log.info("{}: {} login put back after the instance started", member.friendlyName(), cli.displayName());
            }
        } catch (AgentLogin.LoginProblem e) {
            log.warn("{}: could not put the {} login back ({})", member.friendlyName(), cli.displayName(), e.getMessage());
        }
    }
}
