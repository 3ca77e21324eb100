package dev.fleet.tools;

import dev.fleet.probe.ProbeKind;
import java.util.Map;

/** How a member_detail probe's values read, in fleet's text and in the original's JSON alike. */
final class ProbeText {
    private ProbeText() {
    }

    static String render(ProbeKind probe, Map<String, String> v) {
        return switch (probe) {
            case CONNECTIVITY -> "online, " + v.get("latencyMs") + " ms";
            case AGENT_CLI -> v.get("version");
            case AGENT_AUTH -> {
                boolean file = "true".equals(v.get("credentialsFile"));
                boolean key = "true".equals(v.get("apiKey"));
                yield file && key ? "credentials file and API key" : file ? "credentials file" : key ? "API key" : "none found";
            }
            case PROCESSES -> v.get("busy") + " (" + v.get("agentProcesses") + " agent processes on the machine)";
            case SYSTEM -> cpu(v) + ", memory " + memory(v);
            case DISK -> mib(v.get("disk_available_kb")) + " free of " + mib(v.get("disk_total_kb"));
        };
    }

    /** e.g. {@code load 0.42 on 8 CPUs}. */
    static String cpu(Map<String, String> system) {
        return "load " + system.getOrDefault("load1", "?") + " on " + system.getOrDefault("cpus", "?") + " CPUs";
    }

    /** e.g. {@code 3.1 GiB free of 15.5 GiB}. */
    static String memory(Map<String, String> system) {
        return mib(system.get("mem_available_kb")) + " free of " + mib(system.get("mem_total_kb"));
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
