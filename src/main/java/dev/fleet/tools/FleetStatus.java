package dev.fleet.tools;

import dev.fleet.probe.BusyState;
import dev.fleet.probe.MemberStatus;
import dev.fleet.status.CloudReading;
import dev.fleet.status.FleetProbe;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** fleet_status: every member's online and busy state, checked in parallel. */
public final class FleetStatus implements Tool {
    private final FleetProbe probe;
    private final Clock clock;

    public FleetStatus(FleetProbe probe, Clock clock) {
        this.probe = probe;
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
                + "unknown), agent (llm_provider), short session id and last activity. Cloud members add instance state (a stopped one is "
                + "OFF(cloud) and is not contacted), type, uptime, estimated cost and rate, GPU use and warnings. All members are checked in parallel, so the call "
                + "takes about as long as the slowest member (bounded at 10 s). format=compact (default) gives one "
                + "line per member; format=json gives the same as data.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(Param.oneOf("format", "compact: a summary line plus one line per member; json: structured data.",
                "compact", "json").withDefault("compact"));
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        List<FleetProbe.MemberState> states = probe.fleet();
        long online = states.stream().filter(s -> s.status().online()).count();
        long busy = states.stream().filter(s -> s.status().busy() == BusyState.BUSY).count();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", states.size());
        summary.put("online", online);
        summary.put("offline", states.size() - online);
        summary.put("busy", busy);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("summary", summary);
        data.put("members", states.stream().map(FleetStatus::structured).toList());
        if ("json".equals(in.string("format"))) {
            return ToolResult.ok(Json.pretty(data), data);
        }
        return ToolResult.ok(compact(states, online, busy), data);
    }

    /** {@code value} as text, filled with spaces to {@code width} (never cut). */
    static String padded(Object value, int width) {
        String text = String.valueOf(value);
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private String compact(List<FleetProbe.MemberState> states, long online, long busy) {
        if (states.isEmpty()) {
            return "Fleet: no members registered. Use register_member to add one.";
        }
        StringBuilder t = new StringBuilder("Fleet: ").append(states.size()).append(" member").append(states.size() == 1 ? "" : "s")
                .append(", ").append(online).append(" online, ").append(busy).append(" busy, ")
                .append(states.size() - online).append(" offline\n");
        int width = states.stream().mapToInt(s -> s.status().name().length()).max().orElse(4);
        boolean footnote = false;
        for (FleetProbe.MemberState state : states) {
            MemberStatus s = state.status();
            CloudReading c = state.cloud();
            boolean off = c != null && c.summary().error() == null && !c.isRunning();
            // Columns padded by hand: String.format's first use costs a fresh server tens of milliseconds.
            t.append("  ").append(state.icon()).append(' ').append(padded(s.name(), width))
                    .append("  ").append(padded(s.type(), 6))
                    .append("  ").append(padded(off ? "OFF(cloud)" : s.online() ? "online" : "OFFLINE", 10))
                    .append("  ").append(padded(s.busy().label(), 7))
                    .append("  ").append(padded(state.llmProvider(), 8))
                    .append("  session ").append(padded(s.shortSession(), 8))
                    .append("  last ").append(MemberView.ago(s.lastUsed(), clock));
            if (c != null) {
                t.append("  ").append(CloudText.compact(c));
            }
            if (!s.online() && !off) {
                t.append("  (").append(s.problem()).append(')');
            }
            if (c != null && !c.summary().warnings().isEmpty()) {
                t.append("\n").append(" ".repeat(width + 4)).append("warnings: ").append(String.join("; ", c.summary().warnings()));
            }
            t.append('\n');
            footnote |= s.busy() == BusyState.IDLE_OTHERS;
        }
        if (footnote) {
            t.append(BusyState.IDLE_OTHERS_FOOTNOTE).append('\n');
        }
        return t.toString().stripTrailing();
    }

    private static Map<String, Object> structured(FleetProbe.MemberState state) {
        MemberStatus s = state.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        m.put("icon", state.icon());
        m.put("type", s.type());
        m.put("online", s.online());
        m.put("problem", s.problem());
        m.put("busy", s.busy().label());
        m.put("llmProvider", state.llmProvider());
        m.put("sessionId", s.sessionId());
        m.put("lastUsed", s.lastUsed() == null ? null : s.lastUsed().toString());
        m.put("workFolder", s.workFolder());
        if (state.cloud() != null) {
            m.put("cloud", CloudText.structured(state.cloud()));
        }
        return m;
    }
}
