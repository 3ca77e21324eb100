package dev.fleet.cloud;

import java.util.List;

/**
 * What fleet knows about a cloud member's instance: its details and cost, or why the provider
 * could not be asked ({@code error} set, the rest mostly empty). Tools render it.
 */
public record CloudSummary(String instanceId, String region, InstanceDetails details, CostReport cost,
                           int idleTimeoutMin, String error) {

    public boolean isRunning() {
        return details != null && details.state() == InstanceState.RUNNING;
    }

    /** The instance state as people read it, or "cloud error". */
    public String stateLabel() {
        return error != null ? "cloud error" : details.state().label();
    }

    public List<String> warnings() {
        return cost == null ? List.of() : cost.warnings();
    }

    /** The same summary with more warnings; a summary without a cost report (the provider failed) stays as it is. */
    public CloudSummary withWarnings(List<String> more) {
        return cost == null || more.isEmpty() ? this
                : new CloudSummary(instanceId, region, details, cost.withWarnings(more), idleTimeoutMin, error);
    }
}
