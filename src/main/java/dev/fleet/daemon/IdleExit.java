package dev.fleet.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a daemon may exit on its own: it has had no client and no call for the whole idle time.
 * (Running cloud members are checked separately, and only once this says yes.)
 */
final class IdleExit {
    private final Clock clock;
    private final Duration after;

    IdleExit(Clock clock, Duration after) {
        this.clock = clock;
        this.after = after;
    }

    boolean enabled() {
        return !after.isZero();
    }

    /** True when nobody is connected, nothing runs, and the last activity is at least the idle time ago. */
    boolean due(int clients, int callsRunning, Instant lastActivity) {
        return enabled() && clients == 0 && callsRunning == 0 && !lastActivity.plus(after).isAfter(clock.instant());
    }

    /** How often to look: often enough to exit within a few percent of the idle time. */
    Duration checkEvery() {
        long ms = Math.max(1_000, Math.min(30_000, after.toMillis() / 10));
        return Duration.ofMillis(ms);
    }
}
