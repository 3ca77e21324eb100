package dev.fleet.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundTest {
    @Test
    void aFailingRunIsReportedAndTheNextRunStillComes() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        CountDownLatch third = new CountDownLatch(1);
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        ScheduledExecutorService s = Background.repeat("fleet-test-repeat", Duration.ofMillis(5), () -> {
            ranOn.add(Thread.currentThread());
            int n = runs.incrementAndGet();
            if (n == 1) {
                throw new IllegalStateException("first run fails");
            }
            if (n == 3) {
                third.countDown();
            }
        }, e -> failures.add(e.getMessage()));
        try {
            assertThat(third.await(10, TimeUnit.SECONDS)).as("runs after a failure").isTrue();
        } finally {
            s.shutdownNow();
        }
        assertThat(failures).containsExactly("first run fails");
        assertThat(ranOn.get(0).getName()).isEqualTo("fleet-test-repeat");
        assertThat(ranOn.get(0).isDaemon()).isTrue();
    }

    @Test
    void aPoolsThreadsAreDaemonsNamedAfterItsFirst() {
        ThreadFactory f = Background.threads("fleet-test-pool");
        Thread first = f.newThread(() -> { });
        Thread second = f.newThread(() -> { });
        assertThat(List.of(first.getName(), second.getName())).containsExactly("fleet-test-pool", "fleet-test-pool-2");
        assertThat(first.isDaemon() && second.isDaemon()).isTrue();
    }
}
