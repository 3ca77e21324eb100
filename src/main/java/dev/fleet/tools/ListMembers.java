package dev.fleet.tools;

import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** list_members: the registry as people and programs read it, without secrets. */
public final class ListMembers implements Tool {
    private static final int TYPICAL_BLOCK_CHARS = 256;
    private final RegistryStore store;
    private final Clock clock;

    public ListMembers(RegistryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "list_members";
    }

    @Override
    public String description() {
        return "List every registered member with its id, type, host, folder, OS, agent session and last use. "
                + "Reads the registry only (no connection to any member), so it is instant. "
                + "Use fleet_status to see which members are online or busy. format=json gives one line of JSON "
                + "(total, members with id, name, icon, type, host, username, os, folder, auth, session, created, lastUsed).";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberFormat.PARAM);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Registry r = store.read();
        if (MemberFormat.json(in) && !r.members().isEmpty()) {
            Map<String, Object> json = OriginalJson.listing(r);
            return ToolResult.ok(OriginalJson.text(json), json);
        }
        List<Map<String, Object>> members = r.members().stream().map(MemberView::structured).toList();
        if (r.members().isEmpty()) {
            return ToolResult.ok("No members registered. Use register_member to add one.", Map.of("members", members));
        }
        // Sized for a typical block, so a large registry's listing is not copied as it grows.
        StringBuilder text = new StringBuilder(64 + TYPICAL_BLOCK_CHARS * r.members().size())
                .append(r.members().size()).append(" member").append(r.members().size() == 1 ? "" : "s").append(":\n");
        for (Member m : r.members()) {
            text.append('\n').append(MemberView.block(m, clock));
        }
        text.setLength(text.length() - 1); // the last block's line break
        return ToolResult.ok(text.toString(), Map.of("members", members));
    }
}
