package dev.fleet.tools;

import dev.fleet.agentcli.MemberAgent;
import dev.fleet.agentcli.ModelTier;
import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a member is shown: never a secret, only whether one is stored. */
final class MemberView {
    private MemberView() {
    }

    /**
     * The member for programs. A field the member does not have is left out rather than sent as
     * null (those nulls were about a seventh of list_members' structured part).
     */
    static Map<String, Object> structured(Member m) {
        Map<String, Object> v = new LinkedHashMap<>(32);
        v.put("id", m.id());
        v.put("name", m.friendlyName());
        v.put("type", m.agentType().json());
        if (!m.isLocal()) {
            v.put("host", m.host());
            v.put("port", m.port());
            putPresent(v, "username", m.username());
            putPresent(v, "authType", m.authType() == null ? null : m.authType().json());
        }
        putPresent(v, "workFolder", m.workFolder());
        putPresent(v, "os", m.os() == null ? null : m.os().json());
        putPresent(v, "sessionId", m.sessionId());
        v.put("llmProvider", MemberAgent.providerName(m));
        Map<ModelTier, String> tiers = MemberAgent.modelTiers(m);
        if (!tiers.isEmpty()) {
            Map<String, String> t = new LinkedHashMap<>();
            tiers.forEach((tier, model) -> t.put(tier.json(), model));
            v.put("modelTiers", t);
        }
        MemberAgent.apiKey(m).ifPresent(k -> v.put("llmApiKey", "stored (" + k.variable() + ")"));
        putPresent(v, "createdAt", m.createdAt() == null ? null : m.createdAt().toString());
        putPresent(v, "lastUsed", m.lastUsed() == null ? null : m.lastUsed().toString());
        putPresent(v, "icon", m.icon());
        putPresent(v, "gitAccess", m.gitAccess() == null ? null : m.gitAccess().json());
        putPresent(v, "gitRepos", m.gitRepos());
        if (m.cloud() != null) {
            CloudConfig c = m.cloud();
            Map<String, Object> cloud = new LinkedHashMap<>();
            cloud.put("provider", c.provider());
            cloud.put("instanceId", c.instanceId());
            cloud.put("region", c.region());
            putPresent(cloud, "profile", c.profile());
            cloud.put("idleTimeoutMin", c.idleTimeoutMin());
            putPresent(cloud, "sshKeyPath", c.sshKeyPath());
            putPresent(cloud, "activityCommand", c.activityCommand());
            putPresent(cloud, "budgetUsdPerDay", c.budgetUsdPerDay());
            cloud.put("gpuBusyMinUtil", c.gpuBusyMinUtil());
            cloud.put("guard", c.guardOff() ? "off" : "on");
            v.put("cloud", cloud);
        }
        return v;
    }

    private static void putPresent(Map<String, Object> view, String key, Object value) {
        if (value != null) {
            view.put(key, value);
        }
    }

    static String block(Member m, Clock clock) {
        StringBuilder b = new StringBuilder(256);
        b.append(m.icon() == null || m.icon().isEmpty() ? "" : MemberIcons.display(m) + " ").append(m.friendlyName())
                .append(" (").append(m.agentType().json()).append(m.isCloud() ? ", cloud" : "").append(")\n");
        b.append("  id:        ").append(m.id()).append('\n');
        if (!m.isLocal()) {
            b.append("  host:      ").append(m.username()).append('@').append(m.host()).append(':').append(m.port()).append('\n');
            b.append("  auth:      ").append(m.authType() == null ? "?" : m.authType().json()).append('\n');
        }
        b.append("  folder:    ").append(m.workFolder()).append('\n');
        b.append("  OS:        ").append(m.os() == null ? "unknown" : m.os().json()).append('\n');
        b.append("  agent:     ").append(MemberAgent.providerName(m));
        Map<ModelTier, String> tiers = MemberAgent.modelTiers(m);
        if (!tiers.isEmpty()) {
            b.append(" (tiers: ").append(tiers.entrySet().stream().map(e -> e.getKey().json() + "=" + e.getValue())
                    .collect(java.util.stream.Collectors.joining(", "))).append(')');
        }
        MemberAgent.apiKey(m).ifPresent(k -> b.append(", API key stored (").append(k.variable()).append(')'));
        b.append('\n');
        b.append("  session:   ").append(m.sessionId() == null ? "none" : m.sessionId()).append('\n');
        b.append("  last used: ").append(ago(m.lastUsed(), clock)).append('\n');
        if (m.gitAccess() != null || m.gitRepos() != null) {
            b.append("  git:       ").append(m.gitAccess() == null ? "-" : m.gitAccess().json())
                    .append(m.gitRepos() == null ? "" : " " + String.join(", ", m.gitRepos())).append('\n');
        }
        if (m.cloud() != null) {
            b.append("  cloud:     ").append(cloudLine(m.cloud())).append('\n');
        }
        return b.toString();
    }

    /** e.g. {@code aws i-0abc in us-east-1, idle stop after 30 min, budget $20.00/day, GPU busy from 10 %}. */
    static String cloudLine(CloudConfig c) {
        return c.provider() + " " + c.instanceId() + " in " + c.region() + ", idle stop after " + c.idleTimeoutMin() + " min"
                + (c.budgetUsdPerDay() == null ? "" : String.format(java.util.Locale.ROOT, ", budget $%.2f/day", c.budgetUsdPerDay()))
                + (c.gpuBusyMinUtil() == 0 ? "" : ", GPU busy from " + c.gpuBusyMinUtil() + " %")
                + (c.guardOff() ? ", guard off" : "");
    }

    static String ago(Instant when, Clock clock) {
        if (when == null) {
            return "never";
        }
        Duration d = Duration.between(when, clock.instant());
        if (d.isNegative() || d.toSeconds() < 60) {
            return "just now";
        }
        if (d.toMinutes() < 60) {
            return d.toMinutes() + "m ago";
        }
        if (d.toHours() < 48) {
            return d.toHours() + "h ago";
        }
        return d.toDays() + "d ago";
    }
}
