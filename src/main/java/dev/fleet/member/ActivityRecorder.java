package dev.fleet.member;

import dev.fleet.base.Background;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code lastUsed} for members touched by tool calls.
 *
 * <p>The time is taken when the call happens, but written in the background: a burst of calls
 * costs one registry write, and a command's round trip never waits for an fsync. The idle clock
 * of cloud members reads {@code lastUsed}, so it survives a restart; {@link #flush()} runs at
 * shutdown so nothing recorded is lost. A later time never loses to an earlier one, even when
 * another process wrote meanwhile; but a recorded time ahead of the clock by more than
 * {@link #AHEAD} (written while a clock was wrong) is no use, and would hold a member's idle clock
 * for as long: any use replaces it.
 */
public final class ActivityRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ActivityRecorder.class);
    private static final long WRITE_DELAY_MS = 1000;
    /** How far ahead of the clock a recorded use may lie before it is taken for a wrong clock's. */
    public static final Duration AHEAD = Duration.ofMinutes(5);

    private final RegistryStore store;
    private final Clock clock;
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ScheduledExecutorService writer = Background.scheduler("fleet-activity");

    public ActivityRecorder(RegistryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Instant touch(String memberId) {
        Instant now = clock.instant();
        touch(memberId, now);
        return now;
    }

    /** Records a use at {@code at} (an instance's start, say); like every time here, a later one already recorded stays. */
    public void touch(String memberId, Instant at) {
        pending.merge(memberId, at, (a, b) -> a.isAfter(b) ? a : b);
        if (scheduled.compareAndSet(false, true)) {
            writer.schedule(this::flushQuietly, WRITE_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Records a use of the member now and writes it at once, under the registry's lock, where
     * {@code read} takes what the caller needs from the registry as it stands: a stop claimed
     * before this write is seen by {@code read}, and one claimed after it sees the use.
     */
    public <T> T touchNow(String memberId, Function<Registry, T> read) {
        Instant at = clock.instant();
        return store.update(read, (registry, seen) -> registry.byId(memberId)
                .filter(m -> replaces(at, m.lastUsed(), at)).isPresent()
                ? registry.replacing(memberId, m -> m.withLastUsed(at)) : registry);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("could not record member activity: {}", e.getMessage());
        }
    }

    /** Writes every pending time now. */
    public synchronized void flush() {
        scheduled.set(false);
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = Map.copyOf(pending);
        batch.forEach((id, at) -> pending.remove(id, at));
        Instant now = clock.instant();
        store.update(registry -> {
            boolean changed = registry.members().stream().anyMatch(m -> replaces(batch.get(m.id()), m.lastUsed(), now));
            if (!changed) {
                return registry;
            }
            return registry.mapMembers(m -> replaces(batch.get(m.id()), m.lastUsed(), now) ? m.withLastUsed(batch.get(m.id())) : m);
        });
    }

    private static boolean replaces(Instant candidate, Instant current, Instant now) {
        return candidate != null && (current == null || candidate.isAfter(current) || aheadOf(current, now));
    }

    /** Whether {@code recorded} lies so far ahead of {@code now} that a wrong clock must have written it. */
    public static boolean aheadOf(Instant recorded, Instant now) {
        return recorded.isAfter(now.plus(AHEAD));
    }

    @Override
    public void close() {
        writer.shutdownNow();
        flushQuietly();
    }
}
