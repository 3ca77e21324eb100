package dev.fleet.mcp;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** Tool calls running now, and when the last one started or ended (the daemon's idle rule reads both). */
public final class CallCounter {
    private final Clock clock;
    private final AtomicInteger running = new AtomicInteger();
    private volatile Instant lastChange;

    public CallCounter(Clock clock) {
        this.clock = clock;
        this.lastChange = clock.instant();
    }

    void started() {
        running.incrementAndGet();
        lastChange = clock.instant();
    }

    void finished() {
        running.decrementAndGet();
        lastChange = clock.instant();
    }

    public int running() {
        return running.get();
    }

    public Instant lastChange() {
        return lastChange;
    }
}
