package dev.fleet.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void readsAsSecondsMinutesHoursOrDays() {
        assertThat(Durations.human(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Durations.human(Duration.ofMinutes(59))).isEqualTo("59m");
        assertThat(Durations.human(Duration.ofMinutes(60))).isEqualTo("1h");
        assertThat(Durations.human(Duration.ofMinutes(65))).isEqualTo("1h05m");
        assertThat(Durations.human(Duration.ofMinutes(47 * 60 + 59))).isEqualTo("47h59m");
        assertThat(Durations.human(Duration.ofHours(50))).isEqualTo("2d2h");
    }
}
