package dev.fleet.registration;

import dev.fleet.agentcli.AgentLogin;
import dev.fleet.agentcli.MemberAgent;
import dev.fleet.agentcli.ProviderAdapter;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.vcs.VcsAuthService;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a cloud instance starts: makes sure the work folder exists (a member registered while its
 * instance was stopped has not been checked yet), mints its GitHub App token again, then puts this
 * machine's login for the member's agent CLI back (a fresh instance, or one restored from an image,
 * may have an old one). Best effort: nothing is thrown for a missing login, and nothing secret is
 * logged.
 */
public final class AfterCloudStart implements CloudLifecycle.AfterStart {
    private static final Logger log = LoggerFactory.getLogger(AfterCloudStart.class);

    private final Channels channels;
    private final AgentLogin login;
    private final VcsAuthService vcs;

    public AfterCloudStart(Channels channels, AgentLogin login, VcsAuthService vcs) {
        this.channels = channels;
        this.login = login;
        this.vcs = vcs;
    }

    @Override
    public void reprovision(Member member) throws Exception {
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
