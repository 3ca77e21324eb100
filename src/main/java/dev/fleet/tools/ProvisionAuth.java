package dev.fleet.tools;

import dev.fleet.agentcli.AgentLogin;
import dev.fleet.agentcli.PromptOutcome;
import dev.fleet.exec.ChannelException;

/** provision_auth: gives a member's agent CLI a login, from this machine's login or an API key. */
public final class ProvisionAuth implements Tool {
    private final MemberTarget target;
    private final AgentLogin login;

    public ProvisionAuth(MemberTarget target, AgentLogin login) {
        this.target = target;
        this.login = login;
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
        AgentLogin.Provisioned p = login.provision(target.work(in), in.string("api_key"));
        StringBuilder t = new StringBuilder("Provisioned " + p.member().friendlyName() + ": " + p.how() + ".\n");
        if (p.warning() != null) {
            t.append("Warning: ").append(p.warning()).append('\n');
        }
        if (p.verification() instanceof PromptOutcome.Answered) {
            t.append("Verified: a one-turn prompt succeeded.");
            return ToolResult.ok(t.toString());
        }
        t.append("Verification failed: ").append(describe(p.verification()));
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
