package dev.fleet.tools;

import dev.fleet.agentcli.MemberAgent;
import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.CloudSummary;
import dev.fleet.member.Member;
import dev.fleet.member.Registry;
import dev.fleet.member.RegistryStore;
import dev.fleet.status.BusyState;
import dev.fleet.status.MemberStatus;
import dev.fleet.status.StatusService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** fleet_status: every member's online and busy state, checked in parallel. */
public final class FleetStatus implements Tool {
    private final RegistryStore store;
    private final StatusService status;
    private final CloudStatus cloud;
    private final ExecutorService pool;
    private final Clock clock;

    public FleetStatus(RegistryStore store, StatusService status, CloudStatus cloud, ExecutorService pool, Clock clock) {
        this.store = store;
        this.status = status;
        this.cloud = cloud;
        this.pool = pool;
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
    public ToolResult call(ToolInput in, ToolCall call) throws Exception {
        Registry registry = store.read();
        // Cloud members first: a stopped instance is reported as such and never contacted over SSH.
        Map<String, CompletableFuture<CloudSummary>> asked = new LinkedHashMap<>();
        for (Member m : registry.members()) {
            if (m.cloud() != null) {
                asked.put(m.id(), CompletableFuture.supplyAsync(() -> cloud.summarize(m, true), pool));
            }
        }
        Map<String, CloudSummary> clouds = new LinkedHashMap<>();
        for (Map.Entry<String, CompletableFuture<CloudSummary>> e : asked.entrySet()) {
            clouds.put(e.getKey(), e.getValue().get(60, TimeUnit.SECONDS));
        }
        List<Member> reachable = registry.members().stream()
                .filter(m -> m.cloud() == null || clouds.get(m.id()).isRunning()).toList();
        Map<String, MemberStatus> probed = new LinkedHashMap<>();
        status.check(reachable).forEach(st -> probed.put(st.id(), st));
        List<MemberStatus> states = registry.members().stream().map(m -> probed.containsKey(m.id()) ? probed.get(m.id())
                : new MemberStatus(m.id(), m.friendlyName(), m.agentType().json(), false,
                        clouds.get(m.id()).error() != null ? "cloud error: " + clouds.get(m.id()).error()
                                : "instance " + clouds.get(m.id()).stateLabel(),
                        BusyState.UNKNOWN, m.sessionId(), m.lastUsed(), m.workFolder())).toList();

        long online = states.stream().filter(MemberStatus::online).count();
        long busy = states.stream().filter(s -> s.busy() == BusyState.BUSY).count();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", states.size());
        summary.put("online", online);
        summary.put("offline", states.size() - online);
        summary.put("busy", busy);
        Map<String, String> providers = new LinkedHashMap<>();
        registry.members().forEach(m -> providers.put(m.id(), MemberAgent.providerName(m)));
        List<Map<String, Object>> members = states.stream().map(st -> structured(st, clouds.get(st.id()), providers.get(st.id()))).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("summary", summary);
        data.put("members", members);
        if ("json".equals(in.string("format"))) {
            return ToolResult.ok(Json.pretty(data), data);
        }
        return ToolResult.ok(compact(states, clouds, providers, online, busy), data);
    }

    private String compact(List<MemberStatus> states, Map<String, CloudSummary> clouds, Map<String, String> providers, long online,
                           long busy) {
        if (states.isEmpty()) {
            return "Fleet: no members registered. Use register_member to add one.";
        }
        StringBuilder t = new StringBuilder("Fleet: ").append(states.size()).append(" member").append(states.size() == 1 ? "" : "s")
                .append(", ").append(online).append(" online, ").append(busy).append(" busy, ")
                .append(states.size() - online).append(" offline\n");
        int width = states.stream().mapToInt(s -> s.name().length()).max().orElse(4);
        boolean footnote = false;
        for (MemberStatus s : states) {
            CloudSummary c = clouds.get(s.id());
            boolean off = c != null && c.error() == null && !c.isRunning();
            t.append(String.format("  %-" + width + "s  %-6s  %-10s  %-7s  %-8s  session %-8s  last %s",
                    s.name(), s.type(), off ? "OFF(cloud)" : s.online() ? "online" : "OFFLINE", s.busy().label(), providers.get(s.id()),
                    s.shortSession(), MemberView.ago(s.lastUsed(), clock)));
            if (c != null) {
                t.append("  ").append(c.compact());
            }
            if (!s.online() && !off) {
                t.append("  (").append(s.problem()).append(')');
            }
            if (c != null && !c.warnings().isEmpty()) {
                t.append("\n").append(" ".repeat(width + 4)).append("warnings: ").append(String.join("; ", c.warnings()));
            }
            t.append('\n');
            footnote |= s.busy() == BusyState.IDLE_OTHERS;
        }
        if (footnote) {
            t.append(BusyState.IDLE_OTHERS_FOOTNOTE).append('\n');
        }
        return t.toString().stripTrailing();
    }

    private static Map<String, Object> structured(MemberStatus s, CloudSummary cloud, String provider) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        m.put("type", s.type());
        m.put("online", s.online());
        m.put("problem", s.problem());
        m.put("busy", s.busy().label());
        m.put("llmProvider", provider);
        m.put("sessionId", s.sessionId());
        m.put("lastUsed", s.lastUsed() == null ? null : s.lastUsed().toString());
        m.put("workFolder", s.workFolder());
        if (cloud != null) {
            m.put("cloud", cloud.structured());
        }
        return m;
    }
}
