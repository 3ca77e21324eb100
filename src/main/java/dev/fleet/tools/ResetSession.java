package dev.fleet.tools;

import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;

/** reset_session: forgets stored agent sessions so the next prompt starts fresh. */
public final class ResetSession implements Tool {
    private final RegistryStore store;

    public ResetSession(RegistryStore store) {
        this.store = store;
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
            Member[] target = new Member[1];
            store.update(registry -> {
                target[0] = MemberTarget.find(registry, in);
                return target[0].sessionId() == null ? registry
                        : registry.replacing(target[0].id(), m -> m.withSessionId(null));
            });
            return ToolResult.ok(target[0].sessionId() == null
                    ? "Member " + target[0].friendlyName() + " had no stored session."
                    : "Cleared the session of member " + target[0].friendlyName() + ".");
        }
        int[] cleared = new int[1];
        store.update(registry -> {
            cleared[0] = (int) registry.members().stream().filter(m -> m.sessionId() != null).count();
            return cleared[0] == 0 ? registry : registry.mapMembers(m -> m.withSessionId(null));
        });
        return ToolResult.ok("Cleared the sessions of " + cleared[0] + " member" + (cleared[0] == 1 ? "" : "s") + ".");
    }
}
