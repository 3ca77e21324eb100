package dev.fleet.member;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Gives memory back to the OS once the server has been idle for a while after work. A file
 * transfer or a burst of calls grows the Java heap, and the JVM keeps what it grew until a full
 * collection, which a server waiting for its next call never has. So once no call has run for
 * {@code quiet}, one full collection runs (the launcher's heap settings let it shrink the heap);
 * at most once per stretch of work, and never while a call is in flight.
 */
public final class IdleMemoryTrim {
    private final WorkLedger work;
    private final Clock clock;
    private final Duration quiet;
    private final Runnable collect;
    private Instant trimmedFor;

    /** {@code collect}: the full collection ({@code System::gc} in the server). */
    public IdleMemoryTrim(WorkLedger work, Clock clock, Duration quiet, Runnable collect) {
        this.work = work;
        this.clock = clock;
        this.quiet = quiet;
        this.collect = collect;
    }

    /** Runs the collection if the server went quiet after work since the last one; true if it ran. */
    public synchronized boolean check() {
        Instant ended = work.lastEnded();
        if (ended == null || ended.equals(trimmedFor) || !work.idle()
                || Duration.between(ended, clock.instant()).compareTo(quiet) < 0) {
            return false;
        }
        trimmedFor = ended;
        collect.run();
        return true;
    }
}
