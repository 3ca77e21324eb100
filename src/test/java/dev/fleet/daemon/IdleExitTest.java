package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdleExitTest {
    @Test
    void dueOnlyAfterTheWholeIdleTimeWithNoClientAndNoCall() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
        IdleExit idle = new IdleExit(clock, Duration.ofMinutes(30));
        Instant last = clock.instant();
        clock.advance(Duration.ofMinutes(29));
        assertThat(idle.due(0, 0, last)).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(idle.due(0, 0, last)).isTrue();
        assertThat(idle.due(1, 0, last)).as("a connected client keeps it").isFalse();
        assertThat(idle.due(0, 1, last)).as("a call still running keeps it").isFalse();
        assertThat(idle.due(0, 0, clock.instant().minusSeconds(60))).as("recent activity restarts the clock").isFalse();
    }

    @Test
    void zeroNeverExitsAndChecksAreSpacedToTheIdleTime() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
        IdleExit never = new IdleExit(clock, Duration.ZERO);
        clock.advance(Duration.ofDays(30));
        assertThat(never.due(0, 0, Instant.EPOCH)).isFalse();
        assertThat(new IdleExit(clock, Duration.ofSeconds(2)).checkEvery()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new IdleExit(clock, Duration.ofHours(2)).checkEvery()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void idleTimesAreReadWithUnitsAndBadOnesNamed() {
        assertThat(DaemonOptions.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DaemonOptions.parseDuration("30")).isEqualTo(Duration.ofMinutes(30));
        assertThat(DaemonOptions.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DaemonOptions.parseDuration("0")).isZero();
        assertThatThrownBy(() -> DaemonOptions.parseDuration("soon")).hasMessageContaining("idle exit 'soon'");
        assertThatThrownBy(() -> DaemonOptions.parseDuration("5d")).hasMessageContaining("s, m or h");
        assertThatThrownBy(() -> DaemonOptions.parseDuration("-1m")).hasMessageContaining("negative");
        assertThat(DaemonOptions.defaults(java.util.Map.of()).idleExit()).isEqualTo(Duration.ofMinutes(30));
        assertThat(DaemonOptions.defaults(java.util.Map.of(DaemonOptions.IDLE_EXIT_ENV, "5m")).idleExit()).isEqualTo(Duration.ofMinutes(5));
    }
}
