package dev.fleet.cloud;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cloud section of fleet_status, member_detail and cloud_control status. {@code error} is set
 * (and the rest mostly empty) when the provider could not be asked.
 */
public record CloudSummary(String instanceId, String region, InstanceDetails details, CostReport cost, GpuReading gpu,
                           int idleTimeoutMin, String error) {

    public boolean isRunning() {
        return details != null && details.state() == InstanceState.RUNNING;
    }

    public String stateLabel() {
        return error != null ? "cloud error" : details.state().label();
    }

    public List<String> warnings() {
        return cost == null ? List.of() : cost.warnings();
    }

    /** e.g. {@code [cloud:running g5.2xlarge 1h05m $1.31 @$1.212/h GPU 87%]}. */
    public String compact() {
        if (error != null) {
            return "[cloud error: " + error + "]";
        }
        StringBuilder b = new StringBuilder("[cloud:").append(details.state().label());
        if (details.instanceType() != null) {
            b.append(' ').append(details.instanceType());
        }
        if (isRunning()) {
            b.append(' ').append(CostReport.human(cost.uptime())).append(' ').append(cost.costText()).append(" @").append(cost.rateText());
            if (gpu != null) {
                b.append(" GPU ").append(gpu.utilizationPercent()).append('%');
            }
        }
        return b.append(']').toString();
    }

    public Map<String, Object> structured() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instanceId", instanceId);
        m.put("region", region);
        if (error != null) {
            m.put("error", error);
            return m;
        }
        m.put("state", details.state().label());
        m.put("publicIp", details.publicIp());
        m.put("instanceType", details.instanceType());
        m.put("launchTime", details.launchTime() == null ? null : details.launchTime().toString());
        m.put("uptimeMinutes", cost.uptime().toMinutes());
        m.put("hourlyRateUsd", cost.hourlyRate());
        m.put("estimatedCostUsd", cost.estimatedCost());
        m.put("gpuUtilizationPercent", gpu == null ? null : gpu.utilizationPercent());
        m.put("gpuMemoryUsedMiB", gpu == null ? null : gpu.memoryUsedMiB());
        m.put("idleTimeoutMin", idleTimeoutMin);
        m.put("warnings", cost.warnings());
        return m;
    }

    public String block() {
        if (error != null) {
            return "  cloud:     error: " + error + "\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("  cloud:     ").append(instanceId).append(" in ").append(region).append(", ").append(details.state().label());
        if (details.instanceType() != null) {
            b.append(", ").append(details.instanceType());
        }
        b.append('\n');
        if (isRunning()) {
            b.append("  address:   ").append(details.publicIp() == null ? "no public IP" : details.publicIp()).append('\n');
            b.append("  uptime:    ").append(CostReport.human(cost.uptime())).append(", about ").append(cost.costText())
                    .append(" at ").append(cost.rateText()).append('\n');
            b.append("  GPU:       ").append(gpu == null ? "none or unavailable" : gpu.text()).append('\n');
        }
        b.append("  idle stop: after ").append(idleTimeoutMin).append(" min without activity\n");
        for (String w : warnings()) {
            b.append("  warning:   ").append(w).append('\n');
        }
        return b.toString();
    }
}
