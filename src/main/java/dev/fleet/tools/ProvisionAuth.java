package dev.fleet.tools;

import dev.fleet.agentcli.AgentCredentials;
import dev.fleet.agentcli.PromptOutcome;
import dev.fleet.agentcli.PromptRequest;
import dev.fleet.agentcli.PromptRunner;
import dev.fleet.exec.ChannelException;
import dev.fleet.exec.Channels;
import dev.fleet.exec.CommandRequest;
import dev.fleet.exec.CommandResult;
import dev.fleet.exec.MemberChannel;
import dev.fleet.member.Member;
import dev.fleet.os.OsCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** provision_auth: gives a member's agent CLI a login, from this machine's login or an API key. */
public final class ProvisionAuth implements Tool {
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(120);

    private final MemberTarget target;
    private final Channels channels;
    private final PromptRunner runner;
    private final Path pmHome;
    private final Clock clock;

    public ProvisionAuth(MemberTarget target, Channels channels, PromptRunner runner, Path pmHome, Clock clock) {
        this.target = target;
        this.channels = channels;
        this.runner = runner;
        this.pmHome = pmHome;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "provision_auth";
    }

    @Override
    public String description() {
        return "Log a member's agent CLI in. Without api_key: copies this machine's agent login "
                + "(~/.claude/.credentials.json) to the member (mode 0600); an expired login that cannot refresh is "
                + "refused, one expiring within a day is flagged. With api_key: stores ANTHROPIC_API_KEY in the member's "
                + "shell profiles (idempotent). Then verifies with a one-turn prompt (costs a few tokens). The token or "
                + "key is never shown. Use it after an auth error from execute_prompt.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.string("api_key", "An Anthropic API key to use instead of this machine's login.")
                        .matching("[A-Za-z0-9_-]{20,300}", "must be an API key (20 to 300 letters, digits, '_' or '-')").secret());
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws ChannelException {
        Member m = target.use(in);
        MemberChannel channel = channels.forMember(m);
        OsCommands os = Channels.osOf(m);
        String how;
        String warning = null;
        CommandResult deployed;
        if (in.string("api_key") != null) {
            how = "API key stored as ANTHROPIC_API_KEY in the member's shell profiles";
            deployed = channel.exec(CommandRequest.probe(os.persistApiKey(), DEPLOY_TIMEOUT)
                    .withStdin(in.string("api_key").getBytes(StandardCharsets.UTF_8)));
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
                throw new ToolException("Cannot provision " + m.friendlyName() + ": " + e.getMessage() + ".");
            }
            how = "this machine's agent login copied to ~/.claude/.credentials.json (0600)";
            warning = creds.warning();
            deployed = channel.exec(CommandRequest.probe(os.installAgentCredentials(), DEPLOY_TIMEOUT).withStdin(creds.content()));
        }
        if (deployed != null && !deployed.succeeded()) {
            throw new ToolException("Could not store the login on " + m.friendlyName() + ": "
                    + deployed.stderr().strip().lines().findFirst().orElse("exit " + deployed.exitCode()));
        }
        PromptRunner.Run verify = runner.run(m, channel, os, new PromptRequest(
                "Reply with the single word OK.", false, VERIFY_TIMEOUT, 1, null, false));
        StringBuilder t = new StringBuilder("Provisioned " + m.friendlyName() + ": " + how + ".\n");
        if (warning != null) {
            t.append("Warning: ").append(warning).append('\n');
        }
        if (verify.outcome() instanceof PromptOutcome.Answered) {
            t.append("Verified: a one-turn prompt succeeded.");
            return ToolResult.ok(t.toString());
        }
        t.append("Verification failed: ").append(describe(verify.outcome()));
        return ToolResult.error(t.toString());
    }

    private static String describe(PromptOutcome o) {
        if (o instanceof PromptOutcome.AuthFailed f) {
            return "the agent still reports an auth problem (" + f.detail() + ")";
        }
        if (o instanceof PromptOutcome.RateLimited f) {
            return "the login works but a usage limit is reached" + (f.resetsAt() == null ? "" : " until " + f.resetsAt());
        }
        if (o instanceof PromptOutcome.TimedOut) {
            return "the test prompt did not finish in time";
        }
        if (o instanceof PromptOutcome.Failed f) {
            return f.output();
        }
        return o.toString();
    }
}
