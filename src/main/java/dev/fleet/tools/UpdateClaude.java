package dev.fleet.tools;

import dev.fleet.agentcli.AgentUpdates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * update_claude (also update_llm_cli): updates (or installs) each member's own agent CLI (its
 * llm_provider) on one member or on every member, in parallel.
 */
public final class UpdateClaude implements Tool {
    private final MemberTarget target;
    private final AgentUpdates updates;

    public UpdateClaude(MemberTarget target, AgentUpdates updates) {
        this.target = target;
        this.updates = updates;
    }

    @Override
    public String name() {
        return "update_claude";
    }

    @Override
    public String description() {
        return "Update the member's agent CLI (its llm_provider: claude update, codex via npm, opencode upgrade, copilot "
                + "update, agy update) on one member, or on every reachable member in parallel when no member is given; with "
                + "install_if_missing=true, install it where it is missing (npm package or the CLI's official installer). "
                + "Reports old -> new version per member; members with llm_provider=none are skipped. Can take a minute or "
                + "more per member (downloads).";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME,
                Param.bool("install_if_missing", "Install the member's agent CLI where it is missing.").withDefault(false));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        boolean install = in.bool("install_if_missing");
        List<AgentUpdates.Outcome> outcomes = MemberTarget.named(in)
                ? updates.update(List.of(target.use(in)), install) : updates.updateEveryMember(install);
        if (outcomes.isEmpty()) {
            return ToolResult.ok("No members registered.");
        }
        StringBuilder t = new StringBuilder("Agent CLI on " + outcomes.size() + " member" + (outcomes.size() == 1 ? "" : "s") + ":\n");
        List<Map<String, Object>> results = outcomes.stream().map(UpdateClaude::structured).toList();
        boolean anyFailed = false;
        for (AgentUpdates.Outcome o : outcomes) {
            anyFailed |= o.status() == AgentUpdates.Status.FAILED;
            t.append("  ").append(o.member()).append(": ").append(o.summary() != null ? o.summary() : o.detail()).append('\n');
        }
        return new ToolResult(t.toString().stripTrailing(), Map.of("members", results), anyFailed && outcomes.size() == 1);
    }

    private static Map<String, Object> structured(AgentUpdates.Outcome o) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("member", o.member());
        if (o.provider() != null) {
            r.put("provider", o.provider().json());
        }
        if (o.versionsRead()) {
            r.put("before", o.before());
            r.put("after", o.after());
        }
        r.put("status", o.status().json());
        if (o.summary() != null) {
            r.put("summary", o.summary());
        } else {
            r.put("detail", o.detail());
        }
        return r;
    }
}
