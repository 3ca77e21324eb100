package dev.fleet.tools;

import dev.fleet.agentcli.AgentLogin;
import dev.fleet.agentcli.Failure;
import dev.fleet.agentcli.FailureClass;
import dev.fleet.agentcli.PromptResult;
import dev.fleet.exec.ChannelException;

/** provision_auth (also provision_llm_auth): gives a member's agent CLI a login, from this machine's login or an API key. */
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
        return "Log a member's agent CLI in (its llm_provider). With api_key: the key goes into that CLI's variable "
                + "(ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN, CODEX_API_KEY, COPILOT_GITHUB_TOKEN, ANTIGRAVITY_API_KEY), "
                + "stored sealed by fleet and sent with each prompt, and set for the member's shells (its owner-only "
                + "~/.apra-fleet-keys, sourced by its profiles). Without "
                + "api_key: copies this machine's login files for that CLI (Claude Code, Codex, OpenCode, Antigravity) to the "
                + "member (mode 0600); an expired Claude login that cannot refresh is refused, one expiring within a day is "
                + "flagged. Then verifies with a one-turn prompt where that is cheap (costs a few tokens; not for Copilot). "
                + "The token or key is never shown. Use it after an auth error from execute_prompt.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.string("api_key", "An API key or token for the member's CLI, to use instead of this machine's login.")
                        .matching("[A-Za-z0-9_-]{20,300}", "must be an API key (20 to 300 letters, digits, '_' or '-')").secret());
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws ChannelException {
        AgentLogin.Provisioned p = login.provision(target.work(in), in.string("api_key"));
        StringBuilder t = new StringBuilder("Provisioned " + p.member().friendlyName() + " (" + p.cli().displayName() + "): " + p.how() + ".\n");
        if (p.warning() != null) {
            t.append("Warning: ").append(p.warning()).append('\n');
        }
        if (p.verification() == null) {
            return ToolResult.ok(t.append("Note: ").append(p.unverified()).append('.').toString());
        }
        PromptResult v = p.verification();
        if (v.answered()) {
            return ToolResult.ok(t.append("Verified: a one-turn prompt succeeded.").toString());
        }
        return ToolResult.error(t.append("Verification failed: ").append(describe(v.failure())).toString());
    }

    private static String describe(Failure f) {
        if (f.kind() == FailureClass.AUTH) {
            return "the agent still reports an auth problem (" + f.detail() + ")";
        }
        if (f.kind() == FailureClass.USAGE_LIMIT) {
            return "the login works but a usage limit is reached" + (f.resetsAt() == null ? "" : " until " + f.resetsAt());
        }
        if (f.kind() == FailureClass.TIMEOUT) {
            return "the test prompt did not finish in time";
        }
        return "[" + f.kind().json() + "] " + f.detail();
    }
}
