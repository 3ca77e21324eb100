package dev.fleet.agentcli;

import dev.fleet.exec.ChannelException;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.os.OsCommands;
import java.time.Duration;
import java.util.Optional;

/** The agent CLI (Claude Code) as installed on a member. */
public final class AgentCli {
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);

    private AgentCli() {
    }

    /** The version line of the agent CLI on the member, or empty when it is not installed or does not answer. */
    public static Optional<String> version(MemberChannel channel, OsCommands os) throws ChannelException {
        CommandResult r = channel.exec(CommandRequest.probe(os.agentVersion(), VERSION_TIMEOUT));
        if (!r.succeeded()) {
            return Optional.empty();
        }
        String line = r.stdout().strip().lines().findFirst().orElse("");
        return line.isEmpty() ? Optional.empty() : Optional.of(line);
    }

    public static final String MISSING_WARNING =
            "agent CLI (claude) not found on the member: commands work, prompts will not until it is installed";
}
