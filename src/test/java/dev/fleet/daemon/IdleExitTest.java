package dev.fleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.settings.Settings;
import dev.fleet.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
    void aDaemonStartedForRelaysTakesItsIdleTimeFromTheSettingsAndNothingElse() {
        DaemonOptions d = DaemonOptions.defaults(Settings.from(Map.of("HOME", "/home/pm", "FLEET_DAEMON_IDLE_EXIT", "90s")));
        assertThat(d.idleExit()).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.http()).isNull();
        assertThat(d.toArgs()).containsExactly("--idle-exit", "90s");
        assertThat(new DaemonOptions("127.0.0.1:0", Duration.ZERO, true, true).toArgs())
                .containsExactly("--http", "127.0.0.1:0", "--idle-exit", "0", "--allow-remote", "--token-in-path");
    }
}
