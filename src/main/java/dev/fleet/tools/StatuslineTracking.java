package dev.fleet.tools;

import dev.fleet.exec.ChannelException;
import dev.fleet.member.Member;
import dev.fleet.member.RegistryStore;
import dev.fleet.statusline.MemberState;
import dev.fleet.statusline.StatuslineService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the statusline current around tool calls, without the tools knowing: a member is busy
 * while a command, prompt or transfer runs on it and idle (or offline) once it ends; registry
 * changes re-render the line; probes record what they saw. Wraps each tool once, in the
 * composition root.
 */
public final class StatuslineTracking implements Tool {
    private static final Set<String> WORK = Set.of("execute_command", "execute_prompt", "send_files", "receive_files");
    private static final Set<String> REGISTRY_CHANGES = Set.of("register_member", "update_member", "remove_member");

    private final Tool tool;
    private final StatuslineService statusline;
    private final RegistryStore store;

    private StatuslineTracking(Tool tool, StatuslineService statusline, RegistryStore store) {
        this.tool = tool;
        this.statusline = statusline;
        this.store = store;
    }

    /** The tools, those that touch members' state wrapped. */
    public static List<Tool> wrap(List<Tool> tools, StatuslineService statusline, RegistryStore store) {
        return tools.stream().map(t -> WORK.contains(t.name()) || REGISTRY_CHANGES.contains(t.name())
                || t.name().equals("fleet_status") || t.name().equals("member_detail")
                ? (Tool) new StatuslineTracking(t, statusline, store) : t).toList();
    }

    @Override
    public String name() {
        return tool.name();
    }

    @Override
    public String description() {
        return tool.description();
    }

    @Override
    public ParamSpec params() {
        return tool.params();
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        if (WORK.contains(tool.name())) {
            return work(in, call);
        }
        ToolResult r = tool.call(in, call);
        if (!r.isError()) {
            if (REGISTRY_CHANGES.contains(tool.name())) {
                statusline.refresh();
            } else if (tool.name().equals("fleet_status")) {
                statusline.observed(seenByStatus(r.structured()));
            } else {
                seenByDetail(r.structured()).ifPresent(e -> statusline.observed(Map.of(e.getKey(), e.getValue())));
            }
        }
        return r;
    }

    private ToolResult work(ToolInput in, ToolCall call) throws Exception {
        Member m;
        try {
            m = MemberTarget.ref(in).resolve(store.read());
        } catch (RuntimeException e) {
            return tool.call(in, call); // the tool reports the bad member itself
        }
        statusline.workStarted(m.id());
        MemberState after = MemberState.IDLE;
        try {
            ToolResult r = tool.call(in, call);
            // A task started in the background keeps the member busy after the call.
            if (!r.isError() && tool.name().equals("execute_command") && in.bool("long_running")) {
                after = MemberState.BUSY;
            }
            return r;
        } catch (ChannelException e) {
            after = MemberState.OFFLINE;
            throw e;
        } finally {
            statusline.workEnded(m.id(), after);
        }
    }

    /** fleet_status's members: offline, busy (an agent works for it) or idle. */
    private static Map<String, MemberState> seenByStatus(Object structured) {
        Map<String, MemberState> seen = new LinkedHashMap<>();
        if (structured instanceof Map<?, ?> data && data.get("members") instanceof List<?> members) {
            for (Object o : members) {
                if (o instanceof Map<?, ?> row && row.get("id") instanceof String id) {
                    seen.put(id, !Boolean.TRUE.equals(row.get("online")) ? MemberState.OFFLINE
                            : "BUSY".equals(row.get("busy")) ? MemberState.BUSY : MemberState.IDLE);
                }
            }
        }
        return seen;
    }

    /** member_detail, in fleet's shape or the original's (format=json). */
    private static java.util.Optional<Map.Entry<String, MemberState>> seenByDetail(Object structured) {
        if (!(structured instanceof Map<?, ?> data) || !(data.get("id") instanceof String id)) {
            return java.util.Optional.empty();
        }
        MemberState state;
        if (data.get("probes") instanceof Map<?, ?> probes) {
            boolean offline = probes.get("connectivity") instanceof Map<?, ?> c && c.containsKey("unavailable");
            boolean busy = probes.get("processes") instanceof Map<?, ?> p && "BUSY".equals(p.get("busy"));
            state = offline ? MemberState.OFFLINE : busy ? MemberState.BUSY : MemberState.IDLE;
        } else if (data.get("connectivity") instanceof Map<?, ?> c) {
            boolean busy = data.get("session") instanceof Map<?, ?> s && "busy".equals(s.get("status"));
            state = "offline".equals(c.get("status")) ? MemberState.OFFLINE : busy ? MemberState.BUSY : MemberState.IDLE;
        } else {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Map.entry(id, state));
    }
}
