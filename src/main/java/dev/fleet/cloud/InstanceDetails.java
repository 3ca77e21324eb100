package dev.fleet.cloud;

import java.time.Instant;

/** What the provider says about an instance right now; {@code publicIp} and {@code launchTime} may be null. */
public record InstanceDetails(String instanceId, InstanceState state, String publicIp, String instanceType, Instant launchTime) {
}
