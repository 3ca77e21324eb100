package dev.fleet.agentcli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A run is silent only when neither its output nor its transcript moved for the whole limit. */
class InactivityWatchTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final InactivityWatch watch = new InactivityWatch(clock, Duration.ofMinutes(10));

    private boolean after(Duration d, long out, long err, boolean transcript) {
        clock.advance(d);
        return watch.silentTooLong(new InactivityWatch.Observation(out, err, transcript));
    }

    @Test
    void aRunThatPrintsNothingAndWritesNoTranscriptIsSilentAfterTheLimitNotBefore() {
        assertThat(after(Duration.ofMinutes(9), 0, 0, false)).isFalse();
        assertThat(after(Duration.ofMinutes(1), 0, 0, false)).isTrue();
    }

    @Test
    void outputOrATranscriptChangeRestartsTheWaitSoALongBusyRunIsNeverSilent() {
        for (int i = 0; i < 30; i++) {
            assertThat(after(Duration.ofMinutes(9), i * 100L, 0, false)).as("output growing, minute %d", i * 9).isFalse();
        }
        for (int i = 0; i < 30; i++) {
            assertThat(after(Duration.ofMinutes(9), 2900, 0, true)).as("transcript changing").isFalse();
        }
        assertThat(after(Duration.ofMinutes(9), 2900, 10, false)).as("stderr counts too").isFalse();
        assertThat(after(Duration.ofMinutes(9), 2900, 10, false)).isFalse();
        assertThat(after(Duration.ofMinutes(1), 2900, 10, false)).isTrue();
    }
}
