package dev.fleet.registration;

import dev.fleet.agentcli.AgentCredentials;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.vcs.VcsAuthService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a cloud instance starts: makes sure the work folder exists (a member registered while its
 * instance was stopped has not been checked yet), then puts this machine's agent login back (a
 * fresh instance, or one restored from an image, may have an old one), and mints its GitHub App
 * token again. Best effort: nothing is thrown for a missing login, and nothing secret is logged.
 */
public final class AfterCloudStart implements CloudLifecycle.AfterStart {
    private static final Logger log = LoggerFactory.getLogger(AfterCloudStart.class);

    private final Channels channels;
    private final Path pmHome;
    private final Clock clock;
    private final VcsAuthService vcs;

    public AfterCloudStart(Channels channels, Path pmHome, Clock clock, VcsAuthService vcs) {
        this.channels = channels;
        this.pmHome = pmHome;
        this.clock = clock;
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
        Path file = AgentCredentials.defaultFile(pmHome);
        if (!Files.exists(file)) {
            return;
        }
        AgentCredentials.Loaded creds = AgentCredentials.load(file, clock);
        CommandResult r = channel.exec(CommandRequest.probe(channel.os().installAgentCredentials(),
                Duration.ofSeconds(30)).withStdin(creds.content()));
        if (r.succeeded()) {
            log.info("{}: agent login put back after the instance started", member.friendlyName());
        } else {
            log.warn("{}: could not put the agent login back (exit {})", member.friendlyName(), r.exitCode());
        }
    }
}
