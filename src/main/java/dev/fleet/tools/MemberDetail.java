package dev.fleet.tools;

import dev.fleet.budget.BudgetCheck;
import dev.fleet.member.Member;
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
                + "type, uptime, cost, idle timeout, GPU), their daily budget and their on-instance guard (version, "
                + "scheduler, last decision and its reason). Shows the member's git credentials (provision_vcs_auth) and when they "
                + "expire. format=json gives one line of JSON (connectivity, claude, session, resources, cloud, vcs). "
                + "Takes about a second.";
    }

    @Override
    public ParamSpec params() {
        return ParamSpec.of(MemberTarget.MEMBER_ID, MemberTarget.MEMBER_NAME, MemberFormat.PARAM);
    }

    @Override
    public ToolResult call(ToolInput in, ToolCall call) {
        FleetProbe.Detail d = probe.detail(target.use(in));
        Member m = d.member();
        if (MemberFormat.json(in)) {
            Map<String, Object> json = OriginalJson.detail(d, VcsView.structured(m, clock));
            if (d.guard() != null) {
                // fleet's own keys come last, after the original's
                json.put("guard", GuardText.structured(d.guard()));
                if (d.budget().level() != BudgetCheck.Level.NONE) {
                    json.put("budget", GuardText.budget(d.budget()));
                }
            }
            return ToolResult.ok(OriginalJson.text(json), json);
        }
        Map<String, Object> data = new LinkedHashMap<>(MemberView.structured(m));
        data.put("vcs", VcsView.structured(m, clock));
        if (d.cloud() != null) {
            data.put("cloudStatus", CloudText.structured(d.cloud()));
        }
        data.put("auth", m.isLocal() ? "local user (no credentials)" : m.authType() == null ? "unknown" : m.authType().json());
        StringBuilder t = new StringBuilder(MemberView.block(m, clock));
        t.append("  auth method: ").append(data.get("auth")).append('\n');
        t.append(VcsView.block(m, clock));
        Map<String, Object> probeData = new LinkedHashMap<>();
        d.probes().forEach((kind, result) -> {
            if (result instanceof ProbeResult.Value v) {
                probeData.put(kind.json(), v.values());
                t.append("  ").append(kind.label()).append(": ").append(ProbeText.render(kind, v.values())).append('\n');
            } else if (result instanceof ProbeResult.Unavailable u) {
                probeData.put(kind.json(), Map.of("unavailable", u.reason()));
                t.append("  ").append(kind.label()).append(": unavailable (").append(u.reason()).append(")\n");
            }
        });
        data.put("probes", probeData);
        if (d.cloud() != null) {
            t.append(CloudText.block(d.cloud()));
            data.put("guard", GuardText.structured(d.guard()));
            t.append(GuardText.block(d.guard()));
            if (d.budget().level() != BudgetCheck.Level.NONE) {
                data.put("budget", GuardText.budget(d.budget()));
                t.append(GuardText.budgetLine(d.budget()));
            }
        }
        return ToolResult.ok(t.toString().stripTrailing(), data);
    }
}
