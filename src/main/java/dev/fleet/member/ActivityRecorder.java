package dev.fleet.member;

import dev.fleet.base.Background;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code lastUsed} for members touched by tool calls.
 *
 * <p>The time is taken when the call happens, but written in the background: a burst of calls
 * costs one registry write, and a command's round trip never waits for an fsync. The idle clock
 * of cloud members reads {@code lastUsed}, so it survives a restart; {@link #flush()} runs at
 * shutdown so nothing recorded is lost. A later time never loses to an earlier one, even when
 * another process wrote meanwhile.
 */
public final class ActivityRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ActivityRecorder.class);
    private static final long WRITE_DELAY_MS = 1000;

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
        store.update(registry -> {
            boolean changed = registry.members().stream().anyMatch(m -> isNewer(batch.get(m.id()), m.lastUsed()));
            if (!changed) {
                return registry;
            }
            return registry.mapMembers(m -> isNewer(batch.get(m.id()), m.lastUsed()) ? m.withLastUsed(batch.get(m.id())) : m);
        });
    }

    private static boolean isNewer(Instant candidate, Instant current) {
        return candidate != null && (current == null || candidate.isAfter(current));
    }

    @Override
    public void close() {
        writer.shutdownNow();
        flushQuietly();
    }
}
