package dev.fleet.tools;

import dev.fleet.base.Durations;
import dev.fleet.cloud.CloudSummary;
import dev.fleet.cloud.CostReport;
import dev.fleet.probe.GpuReading;
import dev.fleet.status.CloudReading;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How a cloud member's instance is shown in fleet_status, member_detail and cloud_control status. */
final class CloudText {
    private CloudText() {
    }

    /** e.g. {@code [cloud:running g5.2xlarge 1h05m $1.31 @$1.212/h GPU 87%]}. */
    static String compact(CloudReading c) {
        CloudSummary s = c.summary();
        if (s.error() != null) {
            return "[cloud error: " + s.error() + "]";
        }
        StringBuilder b = new StringBuilder("[cloud:").append(s.details().state().label());
        if (s.details().instanceType() != null) {
            b.append(' ').append(s.details().instanceType());
        }
        if (s.isRunning()) {
            b.append(' ').append(Durations.human(s.cost().uptime())).append(' ').append(costText(s.cost()))
                    .append(" @").append(rateText(s.cost()));
            if (c.gpu() != null) {
                b.append(" GPU ").append(c.gpu().utilizationPercent()).append('%');
            }
        }
        return b.append(']').toString();
    }

    static Map<String, Object> structured(CloudReading c) {
        CloudSummary s = c.summary();
        GpuReading gpu = c.gpu();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instanceId", s.instanceId());
        m.put("region", s.region());
        if (s.error() != null) {
            m.put("error", s.error());
            return m;
        }
        m.put("state", s.details().state().label());
        m.put("publicIp", s.details().publicIp());
        m.put("instanceType", s.details().instanceType());
        m.put("launchTime", s.details().launchTime() == null ? null : s.details().launchTime().toString());
        m.put("uptimeMinutes", s.cost().uptime().toMinutes());
        m.put("hourlyRateUsd", s.cost().hourlyRate());
        m.put("estimatedCostUsd", s.cost().estimatedCost());
        m.put("gpuUtilizationPercent", gpu == null ? null : gpu.utilizationPercent());
        m.put("gpuMemoryUsedMiB", gpu == null ? null : gpu.memoryUsedMiB());
        m.put("idleTimeoutMin", s.idleTimeoutMin());
        m.put("warnings", s.cost().warnings());
        return m;
    }

    /** Lines in the style of {@link MemberView#block}. */
    static String block(CloudReading c) {
        CloudSummary s = c.summary();
        if (s.error() != null) {
            return "  cloud:     error: " + s.error() + "\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("  cloud:     ").append(s.instanceId()).append(" in ").append(s.region()).append(", ").append(s.details().state().label());
        if (s.details().instanceType() != null) {
            b.append(", ").append(s.details().instanceType());
        }
        b.append('\n');
        if (s.isRunning()) {
            b.append("  address:   ").append(s.details().publicIp() == null ? "no public IP" : s.details().publicIp()).append('\n');
            b.append("  uptime:    ").append(Durations.human(s.cost().uptime())).append(", about ").append(costText(s.cost()))
                    .append(" at ").append(rateText(s.cost())).append('\n');
            b.append("  GPU:       ").append(c.gpu() == null ? "none or unavailable" : gpuText(c.gpu())).append('\n');
        }
        b.append("  idle stop: after ").append(s.idleTimeoutMin()).append(" min without activity\n");
        for (String w : s.warnings()) {
            b.append("  warning:   ").append(w).append('\n');
        }
        return b.toString();
    }

    private static String rateText(CostReport cost) {
        return cost.hourlyRate() == null ? "$?/h" : String.format(Locale.ROOT, "$%.3f/h", cost.hourlyRate());
    }

    static String costText(CostReport cost) {
        return cost.estimatedCost() == null ? "$?" : String.format(Locale.ROOT, "$%.2f", cost.estimatedCost());
    }

    private static String gpuText(GpuReading g) {
        return g.utilizationPercent() + "% (" + g.gpus() + " GPU" + (g.gpus() == 1 ? "" : "s") + ", "
                + g.memoryUsedMiB() + "/" + g.memoryTotalMiB() + " MiB)";
    }
}
