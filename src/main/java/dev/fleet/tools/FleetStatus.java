package dev.fleet.tools;

import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.status.BusyState;
import dev.fleet.status.MemberStatus;
import dev.fleet.status.StatusService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** fleet_status: every member's online and busy state, checked in parallel. */
public final class FleetStatus implements Tool {
    private final RegistryStore store;
    private final StatusService status;
    private final Clock clock;

    public FleetStatus(RegistryStore store, StatusService status, Clock clock) {
        this.store = store;
        this.status = status;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "fleet_status";
    }

    @Override
    public String description() {
        return "Check every member at once: online or OFFLINE (with the reason), busy state (BUSY = an agent is "
                + "working in its folder or session; idle* = agents run on that machine but not for this member; idle; "
                + "unknown), short session id and last activity. All members are checked in parallel, so the call "
                + "takes about as long as the slowest member (bounded at 10 s). format=compact (default) gives one "
                + "line per member; format=json gives the same as data.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(Param.oneOf("format", "compact: a summary line plus one line per member; json: structured data.",
                "compact", "json").withDefault("compact"));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        Registry registry = store.read();
        List<MemberStatus> states = status.check(registry.members());
        long online = states.stream().filter(MemberStatus::online).count();
        long busy = states.stream().filter(s -> s.busy() == BusyState.BUSY).count();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", states.size());
        summary.put("online", online);
        summary.put("offline", states.size() - online);
        summary.put("busy", busy);
        List<Map<String, Object>> members = states.stream().map(FleetStatus::structured).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("summary", summary);
        data.put("members", members);
        if ("json".equals(in.string("format"))) {
            return ToolResult.ok(Json.pretty(data), data);
        }
        return ToolResult.ok(compact(states, online, busy), data);
    }

    private String compact(List<MemberStatus> states, long online, long busy) {
        if (states.isEmpty()) {
            return "Fleet: no members registered. Use register_member to add one.";
        }
        StringBuilder t = new StringBuilder("Fleet: ").append(states.size()).append(" member").append(states.size() == 1 ? "" : "s")
                .append(", ").append(online).append(" online, ").append(busy).append(" busy, ")
                .append(states.size() - online).append(" offline\n");
        int width = states.stream().mapToInt(s -> s.name().length()).max().orElse(4);
        boolean footnote = false;
        for (MemberStatus s : states) {
            t.append(String.format("  %-" + width + "s  %-6s  %-7s  %-7s  session %-8s  last %s",
                    s.name(), s.type(), s.online() ? "online" : "OFFLINE", s.busy().label(), s.shortSession(),
                    MemberView.ago(s.lastUsed(), clock)));
            if (!s.online()) {
                t.append("  (").append(s.problem()).append(')');
            }
            t.append('\n');
            footnote |= s.busy() == BusyState.IDLE_OTHERS;
        }
        if (footnote) {
            t.append(BusyState.IDLE_OTHERS_FOOTNOTE).append('\n');
        }
        return t.toString().stripTrailing();
    }

    private static Map<String, Object> structured(MemberStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        m.put("type", s.type());
        m.put("online", s.online());
        m.put("problem", s.problem());
        m.put("busy", s.busy().label());
        m.put("sessionId", s.sessionId());
        m.put("lastUsed", s.lastUsed() == null ? null : s.lastUsed().toString());
        m.put("workFolder", s.workFolder());
        return m;
    }
}
