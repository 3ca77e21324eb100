package dev.fleet.exec;

import java.time.Duration;

/** Result of a connectivity test: reachable with a latency, or not with a reason. */
public sealed interface ConnectionCheck {
    record Reachable(Duration latency) implements ConnectionCheck {
    }

    record Unreachable(String reason) implements ConnectionCheck {
    }
}
