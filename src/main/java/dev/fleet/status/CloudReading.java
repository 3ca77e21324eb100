package dev.fleet.status;

import dev.fleet.cloud.CloudSummary;
import dev.fleet.probe.GpuReading;

/** A cloud member's instance as status reports show it: the cloud's answer and, when it runs, its GPU use (may be null). */
public record CloudReading(CloudSummary summary, GpuReading gpu) {
    public boolean isRunning() {
        return summary.isRunning();
    }
}
