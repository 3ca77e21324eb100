package dev.fleet.tools;

import dev.fleet.agentcli.Prompts;

/** reset_session: forgets stored agent sessions so the next prompt starts fresh. */
public final class ResetSession implements Tool {
    private final Prompts prompts;

    public ResetSession(Prompts prompts) {
        this.prompts = prompts;
    }

    @Override
    public String name() {
        return "reset_session";
    }

    @Override
    public String description() {
        return "Clear the stored agent session of one member (member_id or member_name), or of every member when "
                + "neither is given, so the next execute_prompt starts a new conversation instead of resuming.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        if (MemberTarget.named(in)) {
            Prompts.Reset r = prompts.resetSession(MemberTarget.ref(in));
            return ToolResult.ok(r.hadSession()
                    ? "Cleared the session of member " + r.member().friendlyName() + "."
                    : "Member " + r.member().friendlyName() + " had no stored session.");
        }
        int cleared = prompts.resetAllSessions();
        return ToolResult.ok("Cleared the sessions of " + cleared + " member" + (cleared == 1 ? "" : "s") + ".");
    }
}
