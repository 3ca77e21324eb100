package dev.fleet.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.base.Durations;
import dev.fleet.cloud.CloudSummary;
import dev.fleet.member.Member;
import dev.fleet.member.MemberIcons;
import dev.fleet.member.Registry;
import dev.fleet.probe.ProbeKind;
import dev.fleet.probe.ProbeResult;
import dev.fleet.status.CloudReading;
import dev.fleet.status.FleetProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code format=json} of list_members and member_detail: the original product's JSON, key for key
 * and in its order, so programs written against it keep working. Compact (one line); keys whose
 * value the original leaves undefined are left out.
 */
final class OriginalJson {
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private OriginalJson() {
    }

    static String text(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    static Map<String, Object> listing(Registry registry) {
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member m : registry.members()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", m.id());
            v.put("name", m.friendlyName());
            v.put("icon", MemberIcons.display(m));
            v.put("type", m.isLocal() ? "local" : "remote");
            v.put("host", host(m));
            if (m.username() != null) {
                v.put("username", m.username());
            }
            v.put("os", m.os() == null ? "unknown" : m.os().json());
            v.put("folder", m.workFolder());
            if (!m.isLocal() && m.authType() != null) {
                v.put("auth", m.authType().json());
            }
            v.put("session", m.sessionId());
            v.put("created", m.createdAt() == null ? null : m.createdAt().toString());
            v.put("lastUsed", m.lastUsed() == null ? "never" : m.lastUsed().toString());
            members.add(v);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", members.size());
        out.put("members", members);
        return out;
    }

    private static String host(Member m) {
        return m.isLocal() ? "(local)" : m.host() + ":" + (m.port() == null ? 22 : m.port());
    }

    /** member_detail; an unreachable member is answered with its identity, the error and its cloud section only. */
    static Map<String, Object> detail(FleetProbe.Detail d, List<Map<String, Object>> vcs) {
        Member m = d.member();
        Map<ProbeKind, ProbeResult> probes = d.probes();
        CloudReading cloud = d.cloud();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.friendlyName());
        out.put("icon", MemberIcons.display(m));
        out.put("id", m.id());
        out.put("type", m.isLocal() ? "local" : "remote");
        out.put("host", host(m));
        if (m.username() != null) {
            out.put("username", m.username());
        }
        out.put("os", m.os() == null ? "linux" : m.os().json());
        out.put("folder", m.workFolder());
        Map<String, Object> connectivity = new LinkedHashMap<>();
        ProbeResult conn = probes.get(ProbeKind.CONNECTIVITY);
        if (conn instanceof ProbeResult.Unavailable u) {
            connectivity.put("status", "offline");
            connectivity.put("error", u.reason());
            if (!m.isLocal() && m.authType() != null) {
                connectivity.put("auth", m.authType().json());
            }
            out.put("connectivity", connectivity);
            out.put("offline", true);
            if (cloud != null) {
                out.put("cloud", cloud(cloud));
            }
            return out;
        }
        connectivity.put("status", "connected");
        if (m.isLocal()) {
            connectivity.put("type", "local");
        } else {
            connectivity.put("latencyMs", Long.parseLong(values(probes, ProbeKind.CONNECTIVITY).getOrDefault("latencyMs", "0")));
            connectivity.put("auth", m.authType() == null ? null : m.authType().json());
            if (m.keyPath() != null) {
                connectivity.put("keyPath", m.keyPath());
            }
        }
        out.put("connectivity", connectivity);
        Map<String, Object> claude = new LinkedHashMap<>();
        String version = values(probes, ProbeKind.AGENT_CLI).get("version");
        claude.put("version", version == null || version.isBlank() ? "unknown" : version.strip());
        List<String> auth = new ArrayList<>();
        Map<String, String> agentAuth = values(probes, ProbeKind.AGENT_AUTH);
        if ("true".equals(agentAuth.get("credentialsFile"))) {
            auth.add("OAuth credentials file");
        }
        if ("true".equals(agentAuth.get("apiKey"))) {
            auth.add("API key (env)");
        }
        claude.put("auth", auth.isEmpty() ? "none" : auth);
        out.put("claude", claude);
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", m.sessionId());
        session.put("lastActivity", m.lastUsed() == null ? "never" : m.lastUsed().toString());
        session.put("status", sessionStatus(values(probes, ProbeKind.PROCESSES).get("busy")));
        out.put("session", session);
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("cpu", resource(probes, ProbeKind.SYSTEM, ProbeText::cpu));
        resources.put("memory", resource(probes, ProbeKind.SYSTEM, ProbeText::memory));
        resources.put("disk", resource(probes, ProbeKind.DISK, v -> ProbeText.render(ProbeKind.DISK, v)));
        if (cloud != null) {
            resources.put("gpu", cloud.summary().error() != null ? "unavailable"
                    : cloud.gpu() == null ? "N/A" : cloud.gpu().utilizationPercent() + "%");
        }
        out.put("resources", resources);
        if (cloud != null) {
            out.put("cloud", cloud(cloud));
        }
        if (!vcs.isEmpty()) {
            out.put("vcs", vcs);
        }
        return out;
    }

    private static Map<String, String> values(Map<ProbeKind, ProbeResult> probes, ProbeKind kind) {
        return probes.get(kind) instanceof ProbeResult.Value v ? v.values() : Map.of();
    }

    private static String resource(Map<ProbeKind, ProbeResult> probes, ProbeKind kind,
                                   java.util.function.Function<Map<String, String>, String> f) {
        return probes.get(kind) instanceof ProbeResult.Value v ? f.apply(v.values()) : "unavailable";
    }

    private static String sessionStatus(String busyLabel) {
        if (busyLabel == null) {
            return "unknown";
        }
        return switch (busyLabel) {
            case "BUSY" -> "busy";
            case "idle*" -> "idle (unrelated Claude processes running)";
            case "idle" -> "idle";
            default -> "unknown";
        };
    }

    private static Map<String, Object> cloud(CloudReading reading) {
        CloudSummary c = reading.summary();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instanceId", c.instanceId());
        out.put("region", c.region());
        if (c.error() != null) {
            out.put("error", c.error());
            out.put("idleTimeoutMin", c.idleTimeoutMin());
            return out;
        }
        out.put("state", c.details().state().label());
        out.put("publicIp", c.details().publicIp());
        out.put("instanceType", c.details().instanceType());
        if (c.isRunning()) {
            out.put("uptime", Durations.human(c.cost().uptime()));
        }
        out.put("estimatedCost", CloudText.costText(c.cost()));
        out.put("idleTimeoutMin", c.idleTimeoutMin());
        if (reading.gpu() != null) {
            out.put("gpuUtilization", reading.gpu().utilizationPercent() + "%");
        }
        return out;
    }
}
