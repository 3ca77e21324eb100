package dev.fleet.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void everyValueHasItsDefaultAndTheHomeComesFromTheEnvironment() {
        Settings s = Settings.from(Map.of("HOME", "/home/pm"));
        assertThat(s.home()).isEqualTo(Path.of("/home/pm"));
        assertThat(s.dataDir()).isEqualTo(Path.of("/home/pm/.apra-fleet/data"));
        assertThat(s.ec2Endpoint()).isNull();
        assertThat(s.overloadedRetry()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.taskActivity()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.activityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.idleCheckInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.cloudFirstPoll()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.cloudStateWait()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.sshWait()).isEqualTo(Duration.ofMinutes(3));
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void givenValuesAreUsed() {
        Settings s = Settings.from(Map.of("HOME", "/home/pm", "APRA_FLEET_DATA_DIR", "/srv/fleet/../fleet-data",
                "FLEET_EC2_ENDPOINT", "http://127.0.0.1:4566", "FLEET_TASK_ACTIVITY_SEC", " 7 ", "FLEET_CLOUD_POLL_MS", "50",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-never-shown"));
        assertThat(s.dataDir()).isEqualTo(Path.of("/srv/fleet-data"));
        assertThat(s.ec2Endpoint()).isEqualTo("http://127.0.0.1:4566");
        assertThat(s.taskActivity()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.cloudFirstPoll()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.problems()).isEmpty();
        assertThat(s.environment()).containsKey("AWS_SECRET_ACCESS_KEY");
        assertThat(s.toString()).as("settings may be logged; the environment's secrets never are")
                .contains("/srv/fleet-data").doesNotContain("never-shown");
    }

    @Test
    void aMalformedValueIsReportedWithItsNameAndTheDefaultUsedInstead() {
        Settings s = Settings.from(Map.of("HOME", "/home/pm", "FLEET_IDLE_CHECK_SECONDS", "1m",
                "FLEET_CLOUD_POLL_MS", "0", "FLEET_OVERLOADED_RETRY_MS", "-5"));
        assertThat(s.idleCheckInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.cloudFirstPoll()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.overloadedRetry()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.problems()).containsExactlyInAnyOrder(
                "FLEET_IDLE_CHECK_SECONDS='1m' is not a whole number of at least 1; using the default 60",
                "FLEET_CLOUD_POLL_MS='0' is not a whole number of at least 1; using the default 1000",
                "FLEET_OVERLOADED_RETRY_MS='-5' is not a whole number of 0 or more; using the default 10000");
    }
}
