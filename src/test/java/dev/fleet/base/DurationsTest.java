package dev.fleet.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void parsesUpToAYearAndRefusesMoreNamingTheRule() {
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("45")).isEqualTo(Duration.ofMinutes(45));
        assertThat(Durations.parse("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("525600m")).isEqualTo(Duration.ofDays(365));
        for (String huge : new String[] {"99999999999999h", "9223372036854775807h", "31536001s", "000000000000000000000008761h"}) {
            assertThatThrownBy(() -> Durations.parse(huge)).as(huge).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("is longer than 365 days, the most fleet takes");
        }
        assertThat(Durations.parse("00000000000000000000000090s")).isEqualTo(Duration.ofSeconds(90));
        for (String bad : new String[] {"", "s", "-1m", "1.5h", "+3m", "1 h"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("whole number");
        }
    }
}
