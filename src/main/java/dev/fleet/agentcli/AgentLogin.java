package dev.fleet.agentcli;

import dev.fleet.base.RequestRefused;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Logs a member's agent CLI in: with this machine's login (copied, 0600) or with an API key
 * (stored in its shell profiles), then proves it with a one-turn prompt. The secret travels on
 * stdin only and is never shown. A local member already uses this machine's login.
 */
public final class AgentLogin {
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(120);

    /** What was done ({@code how}), a warning about the login if any, and how the test prompt went. */
    public record Provisioned(Member member, String how, String warning, PromptOutcome verification) {
    }

    private final Channels channels;
    private final PromptRunner runner;
    private final Path pmHome;
    private final Clock clock;

    public AgentLogin(Channels channels, PromptRunner runner, Path pmHome, Clock clock) {
        this.channels = channels;
        this.runner = runner;
        this.pmHome = pmHome;
        this.clock = clock;
    }

    /** {@code apiKey}: use this key instead of this machine's login (null: the login). */
    public Provisioned provision(Member m, String apiKey) throws ChannelException {
        MemberChannel channel = channels.forMember(m);
        String how;
        String warning = null;
        CommandResult deployed;
        if (apiKey != null) {
            how = "API key stored as ANTHROPIC_API_KEY in the member's shell profiles";
            deployed = channel.exec(CommandRequest.probe(channel.os().persistApiKey(), DEPLOY_TIMEOUT)
                    .withStdin(apiKey.getBytes(StandardCharsets.UTF_8)));
        } else if (m.isLocal()) {
            // A local member is this machine: its agent already uses this login; copying it onto itself
            // would only mark the user's own file as fleet's (and remove_member would then delete it).
            how = "local member: it uses this machine's own agent login";
            deployed = null;
        } else {
            AgentCredentials.Loaded creds;
            try {
                creds = AgentCredentials.load(AgentCredentials.defaultFile(pmHome), clock);
            } catch (AgentCredentials.CredentialsProblem e) {
                throw new RequestRefused("Cannot provision " + m.friendlyName() + ": " + e.getMessage() + ".");
            }
            how = "this machine's agent login copied to ~/.claude/.credentials.json (0600)";
            warning = creds.warning();
            deployed = channel.exec(CommandRequest.probe(channel.os().installAgentCredentials(), DEPLOY_TIMEOUT)
                    .withStdin(creds.content()));
        }
        if (deployed != null && !deployed.succeeded()) {
            throw new RequestRefused("Could not store the login on " + m.friendlyName() + ": "
                    + deployed.stderr().strip().lines().findFirst().orElse("exit " + deployed.exitCode()));
        }
        PromptRunner.Run verify = runner.run(m, channel, new PromptRequest(
                "Reply with the single word OK.", false, VERIFY_TIMEOUT, 1, null, false));
        return new Provisioned(m, how, warning, verify.outcome());
    }
}
