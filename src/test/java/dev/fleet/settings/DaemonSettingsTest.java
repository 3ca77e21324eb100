package dev.fleet.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon's idle time among the settings, and the few values the relay reads on its own. */
class DaemonSettingsTest {
    @Test
    void theDaemonIdleTimeIsThirtyMinutesUnlessGivenWithAUnit() {
        assertThat(Settings.from(Map.of("HOME", "/home/pm")).daemonIdleExit()).isEqualTo(Duration.ofMinutes(30));
        assertThat(idleExit("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(idleExit(" 2h ")).isEqualTo(Duration.ofHours(2));
        assertThat(idleExit("45")).as("a bare number is minutes").isEqualTo(Duration.ofMinutes(45));
        assertThat(idleExit("0")).as("never").isZero();
        assertThat(Settings.from(Map.of("HOME", "/home/pm", "FLEET_DAEMON_IDLE_EXIT", "10m")).toString()).contains("daemonIdleExit=PT10M");
    }

    @Test
    void aMalformedDaemonIdleTimeIsReportedAndThirtyMinutesUsed() {
        for (String bad : new String[] {"soon", "-1m", "m"}) {
            Settings s = Settings.from(Map.of("HOME", "/home/pm", "FLEET_DAEMON_IDLE_EXIT", bad));
            assertThat(s.daemonIdleExit()).as(bad).isEqualTo(Duration.ofMinutes(30));
            assertThat(s.problems()).containsExactly("FLEET_DAEMON_IDLE_EXIT='" + bad
                    + "' is not 0 or a whole number with s, m or h (e.g. 90s, 30m, 2h); using the default 30m");
        }
        assertThat(Settings.from(Map.of("HOME", "/home/pm", "FLEET_DAEMON_IDLE_EXIT", "5d")).problems())
                .containsExactly("FLEET_DAEMON_IDLE_EXIT='5d' must end in s, m or h (e.g. 90s, 30m, 2h); using the default 30m");
    }

    /** A huge value is named like any malformed one; it once got through and crashed the daemon with a long overflow. */
    @Test
    void anIdleTimeLongerThanAYearIsReportedAndThirtyMinutesUsed() {
        for (String huge : new String[] {"99999999999999h", "9223372036854775807h", "99999999999999999999999999s", "8761h"}) {
            Settings s = Settings.from(Map.of("HOME", "/home/pm", "FLEET_DAEMON_IDLE_EXIT", huge));
            assertThat(s.daemonIdleExit()).as(huge).isEqualTo(Duration.ofMinutes(30));
            assertThat(s.problems()).containsExactly("FLEET_DAEMON_IDLE_EXIT='" + huge
                    + "' is longer than 365 days, the most fleet takes; using the default 30m");
        }
        assertThat(Settings.from(Map.of("HOME", "/home/pm", "FLEET_DAEMON_IDLE_EXIT", "8760h")).daemonIdleExit())
                .isEqualTo(Duration.ofDays(365));
    }

    @Test
    void theRelayFindsTheDataDirectoryByTheSameRuleAsTheDaemon() {
        Map<String, String> env = Map.of("HOME", "/home/pm", "APRA_FLEET_DATA_DIR", "/srv/a/../fleet");
        assertThat(RelaySettings.from(env).dataDir()).isEqualTo(Settings.from(env).dataDir()).isEqualTo(Path.of("/srv/fleet"));
        assertThat(RelaySettings.from(Map.of("HOME", "/home/pm")).dataDir()).isEqualTo(Path.of("/home/pm/.apra-fleet/data"));
    }

    @Test
    void standaloneIsOneOrZeroExactlyAsTheLauncherComparesIt() {
        assertThat(RelaySettings.from(Map.of("HOME", "/h")).standalone()).isFalse();
        assertThat(RelaySettings.from(Map.of("HOME", "/h", "FLEET_STANDALONE", "")).standalone()).isFalse();
        assertThat(RelaySettings.from(Map.of("HOME", "/h", "FLEET_STANDALONE", "0")).standalone()).isFalse();
        RelaySettings on = RelaySettings.from(Map.of("HOME", "/h", "FLEET_STANDALONE", "1"));
        assertThat(on.standalone()).isTrue();
        assertThat(on.problems()).isEmpty();

        for (String bad : new String[] {"yes", "true", " 1"}) {
            RelaySettings s = RelaySettings.from(Map.of("HOME", "/h", "FLEET_STANDALONE", bad));
            assertThat(s.standalone()).as(bad).isFalse();
            String problem = "FLEET_STANDALONE='" + bad + "' is not 1 or 0; relaying to the fleet daemon (the default)";
            assertThat(s.problems()).containsExactly(problem);
            Settings all = Settings.from(Map.of("HOME", "/h", "FLEET_STANDALONE", bad));
            assertThat(all.standalone()).isFalse();
            assertThat(all.problems()).as("checked with the other settings (fleet doctor lists them)").containsExactly(problem);
        }
        assertThat(Settings.from(Map.of("HOME", "/h", "FLEET_STANDALONE", "1")).standalone()).isTrue();
    }

    @Test
    void theLauncherSaysWhenItStartedADaemonAndTheEnvironmentIsNeverShown() {
        RelaySettings s = RelaySettings.from(Map.of("HOME", "/h", "FLEET_DAEMON_STARTING", "1",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-never-shown"));
        assertThat(s.daemonStarting()).isTrue();
        assertThat(s.environment()).as("handed on to the daemon it starts").containsKey("AWS_SECRET_ACCESS_KEY");
        assertThat(s.toString()).contains("/h/.apra-fleet/data").doesNotContain("never-shown");
        assertThat(RelaySettings.from(Map.of("HOME", "/h")).daemonStarting()).isFalse();
    }

    private static Duration idleExit(String value) {
        Settings s = Settings.from(Map.of("HOME", "/home/pm", "FLEET_DAEMON_IDLE_EXIT", value));
        assertThat(s.problems()).as(value).isEmpty();
        return s.daemonIdleExit();
    }
}
