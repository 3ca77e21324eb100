package dev.fleet;

import dev.fleet.agentcli.AgentCredentials;
import dev.fleet.cloud.CloudLifecycle;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.member.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a cloud instance starts, puts this machine's agent login back on it (a fresh instance, or
 * one restored from an image, may have an old one). Best effort: nothing is thrown for a missing
 * login, and nothing secret is logged.
 */
final class ReprovisionAgentLogin implements CloudLifecycle.AfterStart {
    private static final Logger log = LoggerFactory.getLogger(ReprovisionAgentLogin.class);

    private final Channels channels;
    private final Path pmHome;
    private final Clock clock;

    ReprovisionAgentLogin(Channels channels, Path pmHome, Clock clock) {
        this.channels = channels;
        this.pmHome = pmHome;
        this.clock = clock;
    }

    @Override
    public void reprovision(Member member) throws Exception {
        Path file = AgentCredentials.defaultFile(pmHome);
        if (!Files.exists(file)) {
            return;
        }
        AgentCredentials.Loaded creds = AgentCredentials.load(file, clock);
        CommandResult r = channels.forMember(member).exec(CommandRequest.probe(Channels.osOf(member).installAgentCredentials(),
                Duration.ofSeconds(30)).withStdin(creds.content()));
        if (r.succeeded()) {
            log.info("{}: agent login put back after the instance started", member.friendlyName());
        } else {
            log.warn("{}: could not put the agent login back (exit {})", member.friendlyName(), r.exitCode());
        }
    }
}
