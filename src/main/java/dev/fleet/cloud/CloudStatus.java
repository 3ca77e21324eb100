package dev.fleet.cloud;

import dev.fleet.member.CloudConfig;
import dev.fleet.member.Member;
import java.time.Clock;

/** Reads a cloud member's instance and what it costs; a provider failure becomes the summary's error. */
public final class CloudStatus {
    private final CloudLifecycle lifecycle;
    private final Pricing pricing;
    private final Clock clock;

    public CloudStatus(CloudLifecycle lifecycle, Pricing pricing, Clock clock) {
        this.lifecycle = lifecycle;
        this.pricing = pricing;
        this.clock = clock;
    }

    public CloudSummary summarize(Member m) {
        CloudConfig c = m.cloud();
        try {
            InstanceDetails d = lifecycle.describe(m);
            CostReport cost = CostReport.of(d, pricing, m.lastUsed(), c.idleTimeoutMin(), clock);
            return new CloudSummary(c.instanceId(), c.region(), d, cost, c.idleTimeoutMin(), null);
        } catch (CloudException e) {
            return new CloudSummary(c.instanceId(), c.region(), null, null, c.idleTimeoutMin(), e.getMessage());
        }
    }
}
