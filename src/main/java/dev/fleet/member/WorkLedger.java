package dev.fleet.member;

import dev.fleet.base.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The work this fleet server is doing on each member right now: every tool call that works on a
 * member (a command, a prompt, a transfer, a login or update) is entered when it starts and leaves
 * when it ends, whatever way it ends. {@code lastUsed} only says when a call started; this says
 * what still runs, so that nothing stops an instance under it.
 *
 * <p>{@link #exclusive} runs a stop while no new work can begin on the member: a call that arrives
 * meanwhile waits until the stop has been requested (and then finds the instance stopping and
 * starts it again) instead of running on an instance that is going away.
 */
public final class WorkLedger {
    /** One call in flight. */
    public record Work(String memberId, String what, Instant since) {
    }

    /** Ends one entry; closing twice is harmless. */
    public interface Entry extends AutoCloseable {
        @Override
        void close();
    }

    /** A body that may throw the caller's checked exception. */
    public interface Body<T, E extends Exception> {
        T run() throws E;
    }

    private final Clock clock;
    private final ActivityRecorder activity;
    private final Map<String, Object> guards = new ConcurrentHashMap<>();
    private final Map<Object, Work> inFlight = new ConcurrentHashMap<>();
    private volatile Instant lastEnded;

    public WorkLedger(Clock clock, ActivityRecorder activity) {
        this.clock = clock;
        this.activity = activity;
    }

    /** Enters a call working on the member; waits while a stop of that member is being requested. */
    public Entry begin(String memberId, String what) {
        Object key = new Object();
        synchronized (guard(memberId)) {
            inFlight.put(key, new Work(memberId, what, clock.instant()));
        }
        return () -> {
            if (inFlight.remove(key) != null) {
                lastEnded = clock.instant();
                // The idle clock counts from the end of the work, not its start.
                activity.touch(memberId);
            }
        };
    }

    /** Whether no call is in flight on any member. */
    public boolean idle() {
        return inFlight.isEmpty();
    }

    /** When the last call ended, whatever member it was on; null before the first. */
    public Instant lastEnded() {
        return lastEnded;
    }

    /** The calls in flight on the member, oldest first. */
    private List<Work> on(String memberId) {
        return inFlight.values().stream().filter(w -> w.memberId().equals(memberId))
                .sorted(Comparator.comparing(Work::since)).toList();
    }

    /** What is in flight on the member, as people read it ("execute_command for 31m"), or empty. */
    public Optional<String> describe(String memberId) {
        List<Work> work = on(memberId);
        if (work.isEmpty()) {
            return Optional.empty();
        }
        Work oldest = work.get(0);
        String text = oldest.what() + " for " + Durations.human(Duration.between(oldest.since(), clock.instant()));
        return Optional.of(work.size() == 1 ? text : text + " and " + (work.size() - 1) + " more call"
                + (work.size() == 2 ? "" : "s"));
    }

    /** Runs {@code body} while no new work can begin on the member. */
    public <T, E extends Exception> T exclusive(String memberId, Body<T, E> body) throws E {
        synchronized (guard(memberId)) {
            return body.run();
        }
    }

    private Object guard(String memberId) {
        return guards.computeIfAbsent(memberId, k -> new Object());
    }
}
