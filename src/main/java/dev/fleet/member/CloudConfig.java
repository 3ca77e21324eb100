package dev.fleet.member;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The cloud block of a remote member: the VM behind it and how fleet manages its lifetime.
 * {@code extra} carries JSON fields this version does not know, so a rewrite never drops them.
 *
 * @param budgetUsdPerDay estimated spend per UTC day above which fleet warns (80 %) and stops
 *                        starting the instance by itself (100 %); null: no budget of its own
 * @param gpuBusyMinUtil  GPU utilization (percent) a compute process must keep to count as work;
 *                        0: any compute process counts
 * @param guardOff        the user turned the on-instance guard off; fleet does not install it
 */
public record CloudConfig(
        String provider,
        String instanceId,
        String region,
        String profile,
        int idleTimeoutMin,
        String sshKeyPath,
        String activityCommand,
        Double budgetUsdPerDay,
        int gpuBusyMinUtil,
        boolean guardOff,
        Map<String, JsonNode> extra) {

    public static final int DEFAULT_IDLE_TIMEOUT_MIN = 30;
    public static final String DEFAULT_REGION = "us-east-1";

    public CloudConfig {
        // Insertion order kept: unknown fields are rewritten where they stood.
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    }

    /** A block without the cost-safety settings (no budget, any GPU process counts, guard on). */
    public CloudConfig(String provider, String instanceId, String region, String profile, int idleTimeoutMin,
                       String sshKeyPath, String activityCommand, Map<String, JsonNode> extra) {
        this(provider, instanceId, region, profile, idleTimeoutMin, sshKeyPath, activityCommand, null, 0, false, extra);
    }

    /** The same block with the cost-safety settings replaced. */
    public CloudConfig withCostSafety(Double budget, int gpuMinUtil, boolean guardIsOff) {
        return new CloudConfig(provider, instanceId, region, profile, idleTimeoutMin, sshKeyPath, activityCommand,
                budget, gpuMinUtil, guardIsOff, extra);
    }
}
