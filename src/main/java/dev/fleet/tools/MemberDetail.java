package dev.fleet.tools;

import dev.fleet.member.Member;
import dev.fleet.probe.ProbeKind;
import dev.fleet.probe.ProbeResult;
import dev.fleet.status.FleetProbe;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** member_detail: one member in depth; each probe can fail without failing the report. */
public final class MemberDetail implements Tool {
    private final MemberTarget target;
    private final FleetProbe probe;
    private final Clock clock;

    public MemberDetail(MemberTarget target, FleetProbe probe, Clock clock) {
        this.target = target;
        this.probe = probe;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "member_detail";
    }

    @Override
    public String description() {
        return "Inspect one member in depth: connectivity and latency, auth method, agent CLI version and which "
                + "agent auth it has (credentials file or API key; never the secret), stored session, busy state, "
                + "CPU load, memory, and disk space of the work folder. Probes run in parallel; one that fails shows "
                + "'unavailable' without failing the rest. Cloud members add their instance (region, state, address, "
                + "type, uptime, cost, idle timeout, GPU). Takes about a second.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        FleetProbe.Detail d = probe.detail(target.use(in));
        Member m = d.member();
        Map<String, Object> data = new LinkedHashMap<>(MemberView.structured(m));
        if (d.cloud() != null) {
            data.put("cloudStatus", CloudText.structured(d.cloud()));
        }
        data.put("auth", m.isLocal() ? "local user (no credentials)" : m.authType() == null ? "unknown" : m.authType().json());
        StringBuilder t = new StringBuilder(MemberView.block(m, clock));
        t.append("  auth method: ").append(data.get("auth")).append('\n');
        Map<String, Object> probeData = new LinkedHashMap<>();
        d.probes().forEach((kind, result) -> {
            if (result instanceof ProbeResult.Value v) {
                probeData.put(kind.json(), v.values());
                t.append("  ").append(kind.label()).append(": ").append(render(kind, v.values())).append('\n');
            } else if (result instanceof ProbeResult.Unavailable u) {
                probeData.put(kind.json(), Map.of("unavailable", u.reason()));
                t.append("  ").append(kind.label()).append(": unavailable (").append(u.reason()).append(")\n");
            }
        });
        data.put("probes", probeData);
        if (d.cloud() != null) {
            t.append(CloudText.block(d.cloud()));
        }
        return ToolResult.ok(t.toString().stripTrailing(), data);
    }

    private static String render(ProbeKind probe, Map<String, String> v) {
        return switch (probe) {
            case CONNECTIVITY -> "online, " + v.get("latencyMs") + " ms";
            case AGENT_CLI -> v.get("version");
            case AGENT_AUTH -> {
                boolean file = "true".equals(v.get("credentialsFile"));
                boolean key = "true".equals(v.get("apiKey"));
                yield file && key ? "credentials file and API key" : file ? "credentials file" : key ? "API key" : "none found";
            }
            case PROCESSES -> v.get("busy") + " (" + v.get("agentProcesses") + " agent processes on the machine)";
            case SYSTEM -> "load " + v.getOrDefault("load1", "?") + " on " + v.getOrDefault("cpus", "?") + " CPUs, memory "
                    + mib(v.get("mem_available_kb")) + " free of " + mib(v.get("mem_total_kb"));
            case DISK -> mib(v.get("disk_available_kb")) + " free of " + mib(v.get("disk_total_kb"));
        };
    }

    private static String mib(String kb) {
        try {
            double gib = Long.parseLong(kb) / (1024.0 * 1024.0);
            return gib >= 1 ? String.format("%.1f GiB", gib) : String.format("%d MiB", Long.parseLong(kb) / 1024);
        } catch (NumberFormatException | NullPointerException e) {
            return "?";
        }
    }
}
