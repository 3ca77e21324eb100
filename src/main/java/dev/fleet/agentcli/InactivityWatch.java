package dev.fleet.agentcli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides when a running prompt has gone quiet for too long: nothing new on its stdout or stderr
 * and no change in its session transcript. Any sign of life restarts the wait, so a long but
 * productive run is never ended for taking long.
 */
final class InactivityWatch {
    /** What one look at the run found: bytes printed so far, and whether the transcript changed since the last look. */
    record Observation(long outBytes, long errBytes, boolean transcriptChanged) {
    }

    private final Clock clock;
    private final Duration limit;
    private Instant lastActivity;
    private long outSeen;
    private long errSeen;

    InactivityWatch(Clock clock, Duration limit) {
        this.clock = clock;
        this.limit = limit;
        this.lastActivity = clock.instant();
    }

    /** Records a look; true when the run has shown no activity for the whole limit. */
    boolean silentTooLong(Observation o) {
        Instant now = clock.instant();
        if (o.outBytes() > outSeen || o.errBytes() > errSeen || o.transcriptChanged()) {
            lastActivity = now;
        }
        outSeen = Math.max(outSeen, o.outBytes());
        errSeen = Math.max(errSeen, o.errBytes());
        return !Duration.between(lastActivity, now).minus(limit).isNegative();
    }

    Duration quietFor() {
        return Duration.between(lastActivity, clock.instant());
    }
}
