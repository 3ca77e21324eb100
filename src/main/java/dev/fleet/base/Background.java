package dev.fleet.base;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The threads fleet runs beside the calls it serves. They are daemon threads, so none of them
 * keeps a finished process alive, and they carry fleet's names, so a thread dump tells them apart.
 */
public final class Background {
    private Background() {
    }

    /** Daemon threads named {@code name}, then {@code name-2}, {@code name-3}, ... for a pool's further threads. */
    public static ThreadFactory threads(String name) {
        AtomicInteger made = new AtomicInteger();
        return r -> {
            int n = made.incrementAndGet();
            Thread t = new Thread(r, n == 1 ? name : name + "-" + n);
            t.setDaemon(true);
            return t;
        };
    }

    /** One daemon thread named {@code name} that runs what is scheduled on it. */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(threads(name));
    }

    /**
     * Runs {@code task} on a thread of its own, first after {@code every} and then {@code every}
     * after each run ends, until the returned executor is shut down. A run that fails is handed to
     * {@code failed} and the next run still comes (an executor alone would stop repeating for good,
     * without a word).
     */
    public static ScheduledExecutorService repeat(String name, Duration every, Runnable task, Consumer<RuntimeException> failed) {
        ScheduledExecutorService s = scheduler(name);
        long millis = Math.max(1, every.toMillis());
        s.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        return s;
    }
}
