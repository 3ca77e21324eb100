package dev.fleet.tools;

import dev.fleet.cloud.CloudStatus;
import dev.fleet.cloud.CloudSummary;
import dev.fleet.member.Member;
import dev.fleet.status.DetailService;
import dev.fleet.status.ProbeResult;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** member_detail: one member in depth; each probe can fail without failing the report. */
public final class MemberDetail implements Tool {
    private final MemberTarget target;
    private final DetailService details;
    private final CloudStatus cloud;
    private final Clock clock;
    private final dev.fleet.guard.GuardService guard;
    private final dev.fleet.budget.Budgets budgets;

    public MemberDetail(MemberTarget target, DetailService details, CloudStatus cloud, Clock clock,
                        dev.fleet.guard.GuardService guard, dev.fleet.budget.Budgets budgets) {
        this.guard = guard;
        this.budgets = budgets;
        this.target = target;
        this.details = details;
        this.cloud = cloud;
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
                + "type, uptime, cost, idle timeout, GPU), their daily budget and their on-instance guard (version, "
                + "scheduler, last decision and its reason). Takes about a second.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        Member m = target.use(in);
        CloudSummary c = m.cloud() == null ? null : cloud.summarize(m, true);
        // A stopped instance is not contacted (that would need a start); its probes say why.
        Map<String, ProbeResult> probes = c != null && !c.isRunning()
                ? Map.of("connectivity", new ProbeResult.Unavailable("instance " + c.stateLabel() + "; cloud_control start brings it up"))
                : details.probe(m);
        Map<String, Object> data = new LinkedHashMap<>(MemberView.structured(m));
        if (c != null) {
            data.put("cloudStatus", c.structured());
        }
        data.put("auth", m.isLocal() ? "local user (no credentials)" : m.authType() == null ? "unknown" : m.authType().json());
        StringBuilder t = new StringBuilder(MemberView.block(m, clock));
        t.append("  auth method: ").append(data.get("auth")).append('\n');
        Map<String, Object> probeData = new LinkedHashMap<>();
        probes.forEach((name, result) -> {
            if (result instanceof ProbeResult.Value v) {
                probeData.put(name, v.values());
                t.append("  ").append(label(name)).append(": ").append(render(name, v.values())).append('\n');
            } else if (result instanceof ProbeResult.Unavailable u) {
                probeData.put(name, Map.of("unavailable", u.reason()));
                t.append("  ").append(label(name)).append(": unavailable (").append(u.reason()).append(")\n");
            }
        });
        data.put("probes", probeData);
        if (c != null) {
            t.append(c.block());
            dev.fleet.guard.GuardState g = c.isRunning() ? guard.inspect(m)
                    : dev.fleet.guard.GuardState.unknown("not checked: the instance is " + c.stateLabel());
            data.put("guard", g.structured());
            t.append(g.text());
            dev.fleet.budget.BudgetCheck b = budgets.check(m);
            if (b.level() != dev.fleet.budget.BudgetCheck.Level.NONE) {
                data.put("budget", java.util.Map.of("level", b.level().name().toLowerCase(java.util.Locale.ROOT),
                        "summary", b.summary()));
                t.append("  budget:    ").append(b.summary()).append('\n');
            }
        }
        return ToolResult.ok(t.toString().stripTrailing(), data);
    }

    private static String label(String probe) {
        return switch (probe) {
            case "connectivity" -> "connectivity";
            case "agentCli" -> "agent CLI";
            case "agentAuth" -> "agent auth";
            case "processes" -> "busy";
            case "system" -> "system";
            case "disk" -> "disk";
            default -> probe;
        };
    }

    private static String render(String probe, Map<String, String> v) {
        return switch (probe) {
            case "connectivity" -> "online, " + v.get("latencyMs") + " ms";
            case "agentCli" -> v.get("version");
            case "agentAuth" -> {
                boolean file = "true".equals(v.get("credentialsFile"));
                boolean key = "true".equals(v.get("apiKey"));
                yield file && key ? "credentials file and API key" : file ? "credentials file" : key ? "API key" : "none found";
            }
            case "processes" -> v.get("busy") + " (" + v.get("agentProcesses") + " agent processes on the machine)";
            case "system" -> "load " + v.getOrDefault("load1", "?") + " on " + v.getOrDefault("cpus", "?") + " CPUs, memory "
                    + mib(v.get("mem_available_kb")) + " free of " + mib(v.get("mem_total_kb"));
            case "disk" -> mib(v.get("disk_available_kb")) + " free of " + mib(v.get("disk_total_kb"));
            default -> v.toString();
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
