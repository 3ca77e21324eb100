package dev.fleet.cloud;

import dev.fleet.base.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Uptime, rate, estimated cost and the warnings a user should see about a running instance.
 *
 * @param hourlyRate null when the type's price is unknown
 */
public record CostReport(Duration uptime, Double hourlyRate, Double estimatedCost, List<String> warnings) {
    public static final double EXPENSIVE_RATE = 5.0;
    public static final double HIGH_SESSION_COST = 50.0;
    public static final Duration LONG_UPTIME = Duration.ofHours(24);

    public static CostReport of(InstanceDetails d, Pricing pricing, Instant lastActivity, int idleTimeoutMin, Clock clock) {
        List<String> warnings = new ArrayList<>();
        Instant now = clock.instant();
        Duration uptime = d.state() == InstanceState.RUNNING && d.launchTime() != null
                ? Duration.between(d.launchTime(), now) : Duration.ZERO;
        Double rate = pricing.hourlyRate(d.instanceType()).orElse(null);
        Double cost = rate == null ? null : rate * uptime.toSeconds() / 3600.0;
        if (d.state() == InstanceState.RUNNING) {
            if (rate == null) {
                warnings.add(d.instanceType() == null ? "unknown price: the instance type is unknown"
                        : "unknown price for " + d.instanceType() + " (add it to pricing.json in the data directory)");
            } else if (rate > EXPENSIVE_RATE) {
                warnings.add(String.format(Locale.ROOT, "expensive: $%.2f/h", rate));
            }
            if (cost != null && cost > HIGH_SESSION_COST) {
                warnings.add(String.format(Locale.ROOT, "this run has cost about $%.2f", cost));
            }
            if (uptime.compareTo(LONG_UPTIME) > 0) {
                warnings.add("running for " + Durations.human(uptime));
            }
            if (lastActivity == null || Duration.between(lastActivity, now).toMinutes() > idleTimeoutMin) {
                warnings.add("running with no fleet activity for "
                        + (lastActivity == null ? "ever" : Durations.human(Duration.between(lastActivity, now))));
            }
        }
        return new CostReport(uptime, rate, cost, List.copyOf(warnings));
    }

    /** The same report with more warnings after its own (a budget nearly spent, a GPU held idle). */
    public CostReport withWarnings(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(warnings);
        all.addAll(more);
        return new CostReport(uptime, hourlyRate, estimatedCost, List.copyOf(all));
    }
}
