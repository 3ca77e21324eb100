package dev.fleet.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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
        assertThat(s.githubApi()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(s.githubHost()).isEqualTo("github.com");
        assertThat(s.bitbucketApi()).isEqualTo(URI.create("https://api.bitbucket.org/2.0"));
        assertThat(s.bitbucketHost()).isEqualTo("bitbucket.org");
        assertThat(s.azureDevOpsApi()).isEqualTo(URI.create("https://dev.azure.com"));
        assertThat(s.budgetUsdPerDay()).as("no fleet-wide budget").isNull();
        assertThat(s.budgetIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.guard()).isTrue();
        assertThat(s.guardAllowLoopback()).isFalse();
        assertThat(s.guardGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.transferWarmUp()).isTrue();
        assertThat(s.uploadStream()).isTrue();
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void theTransferWarmUpCanBeSwitchedOffAndAnUnreadableValueLeavesItOn() {
        assertThat(Settings.from(Map.of("HOME", "/home/pm", "FLEET_TRANSFER_WARM_UP", " Off ")).transferWarmUp()).isFalse();
        assertThat(Settings.from(Map.of("HOME", "/home/pm", "FLEET_TRANSFER_WARM_UP", "on")).transferWarmUp()).isTrue();
        Settings bad = Settings.from(Map.of("HOME", "/home/pm", "FLEET_TRANSFER_WARM_UP", "no"));
        assertThat(bad.transferWarmUp()).isTrue();
        assertThat(bad.problems()).containsExactly("FLEET_TRANSFER_WARM_UP='no' is neither on nor off; using the default on");
    }

    /** A setting's value reaches stderr and the daemon's log: control and format characters escaped, at most 40 characters. */
    @Test
    void anUnreadableValueIsQuotedBackInertAndShort() {
        Settings bad = Settings.from(Map.of("HOME", "/home/pm", "FLEET_UPLOAD_STREAM", "\u001b]0;PWN\u0007o\u202eff" + "x".repeat(60)));
        assertThat(bad.problems()).containsExactly("FLEET_UPLOAD_STREAM='\\u001b]0;PWN\\u0007o\\u202eff" + "x".repeat(40 - 12)
                + "…' is neither on nor off; using the default on");
    }

    @Test
    void streamedUploadsCanBeSwitchedOffAndAnUnreadableValueLeavesThemOn() {
        assertThat(Settings.from(Map.of("HOME", "/home/pm", "FLEET_UPLOAD_STREAM", "OFF")).uploadStream()).isFalse();
        Settings bad = Settings.from(Map.of("HOME", "/home/pm", "FLEET_UPLOAD_STREAM", "sftp"));
        assertThat(bad.uploadStream()).isTrue();
        assertThat(bad.problems()).containsExactly("FLEET_UPLOAD_STREAM='sftp' is neither on nor off; using the default on");
    }

    @Test
    void costSafetySettingsAreReadAndMalformedOnesReported() {
        Settings given = Settings.from(Map.of("HOME", "/home/pm", "FLEET_BUDGET_USD_PER_DAY", " 12.50 ",
                "FLEET_BUDGET_IDLE_TIMEOUT_MIN", "3", "FLEET_GUARD", "OFF", "FLEET_GUARD_ALLOW_LOOPBACK", "1",
                "FLEET_GUARD_GRACE_MIN", "0"));
        assertThat(given.budgetUsdPerDay()).isEqualTo(12.5);
        assertThat(given.budgetIdleTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(given.guard()).isFalse();
        assertThat(given.guardAllowLoopback()).isTrue();
        assertThat(given.guardGrace()).isEqualTo(Duration.ZERO);
        assertThat(given.problems()).isEmpty();

        Settings bad = Settings.from(Map.of("HOME", "/home/pm", "FLEET_BUDGET_USD_PER_DAY", "-3",
                "FLEET_GUARD", "disabled", "FLEET_GUARD_ALLOW_LOOPBACK", "yes", "FLEET_GUARD_GRACE_MIN", "2000",
                "FLEET_GPU_SAMPLES", "0"));
        assertThat(bad.budgetUsdPerDay()).isNull();
        assertThat(bad.guard()).as("a guard setting nobody can read leaves the guard on").isTrue();
        assertThat(bad.guardAllowLoopback()).isFalse();
        assertThat(bad.guardGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(bad.problems()).containsExactlyInAnyOrder(
                "FLEET_BUDGET_USD_PER_DAY='-3' is not a positive amount of US dollars; no fleet-wide budget applies",
                "FLEET_GUARD='disabled' is neither on nor off; using the default on",
                "FLEET_GUARD_ALLOW_LOOPBACK='yes' is neither 1 nor 0; using the default 0",
                "FLEET_GUARD_GRACE_MIN='2000' is not a whole number from 0 to 1440; using the default 10",
                // The window is written out in Settings (the relay's jar, which reads the settings,
                // has no GPU policy): it must stay the policy's.
                "FLEET_GPU_SAMPLES is no longer read: the GPU counts as busy when it worked at any time in the last "
                        + dev.fleet.probe.UtilizationPolicy.BUSY_WINDOW.toMinutes() + " minutes, however many samples were taken");
    }

    @Test
    void gitHubEnterpriseNeedsOnlyItsApiUrlAndTheOtherServicesTakeTheirs() {
        Settings s = Settings.from(Map.of("HOME", "/home/pm", "FLEET_GITHUB_API_URL", "https://git.corp.example/api/v3/",
                "FLEET_BITBUCKET_API_URL", "http://127.0.0.1:8080/bitbucket/2.0", "FLEET_BITBUCKET_HOST", "bb.corp.example",
                "FLEET_AZURE_DEVOPS_API_URL", "http://127.0.0.1:8080/azure"));
        assertThat(s.githubApi()).as("a trailing slash is dropped").isEqualTo(URI.create("https://git.corp.example/api/v3"));
        assertThat(s.githubHost()).as("git talks to the API's host").isEqualTo("git.corp.example");
        assertThat(s.bitbucketApi()).isEqualTo(URI.create("http://127.0.0.1:8080/bitbucket/2.0"));
        assertThat(s.bitbucketHost()).isEqualTo("bb.corp.example");
        assertThat(s.azureDevOpsApi()).isEqualTo(URI.create("http://127.0.0.1:8080/azure"));
        assertThat(s.problems()).isEmpty();
        assertThat(Settings.from(Map.of("HOME", "/h", "FLEET_GITHUB_API_URL", "http://127.0.0.1:9/github",
                "FLEET_GITHUB_HOST", "github.com")).githubHost()).isEqualTo("github.com");
    }

    @Test
    void malformedGitHostingSettingsAreReportedAndThePublicServicesUsed() {
        Settings s = Settings.from(Map.of("HOME", "/home/pm", "FLEET_GITHUB_API_URL", "api.github.com",
                "FLEET_GITHUB_HOST", "github.com/../../x", "FLEET_BITBUCKET_API_URL", "ftp://bitbucket.example",
                "FLEET_BITBUCKET_HOST", "bitbucket.org:22", "FLEET_AZURE_DEVOPS_API_URL", "https://me:s3cret-pass@dev.azure.com"));
        assertThat(s.githubApi()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(s.githubHost()).isEqualTo("github.com");
        assertThat(s.bitbucketApi()).isEqualTo(URI.create("https://api.bitbucket.org/2.0"));
        assertThat(s.bitbucketHost()).isEqualTo("bitbucket.org");
        assertThat(s.azureDevOpsApi()).isEqualTo(URI.create("https://dev.azure.com"));
        assertThat(s.problems()).containsExactlyInAnyOrder(
                "FLEET_GITHUB_API_URL='api.github.com' is not an http(s) URL; using the default https://api.github.com",
                "FLEET_GITHUB_HOST='github.com/../../x' is not a host name (letters, digits, dots and dashes); using the default "
                        + "github.com",
                "FLEET_BITBUCKET_API_URL='ftp://bitbucket.example' is not an http(s) URL; using the default "
                        + "https://api.bitbucket.org/2.0",
                "FLEET_BITBUCKET_HOST='bitbucket.org:22' is not a host name (letters, digits, dots and dashes); using the default "
                        + "bitbucket.org",
                "FLEET_AZURE_DEVOPS_API_URL holds a user name or password, which fleet does not send; using the default "
                        + "https://dev.azure.com");
        assertThat(String.join("\n", s.problems()) + s).doesNotContain("s3cret");
        // A password Java's URL parser rejects (a % not followed by hex digits, a #) is not quoted either.
        Settings unparsed = Settings.from(Map.of("HOME", "/home/pm", "FLEET_GITHUB_API_URL", "https://admin:pa%ss#1@ghe.example/api"));
        assertThat(unparsed.githubApi()).isEqualTo(URI.create("https://api.github.com"));
        assertThat(unparsed.problems()).singleElement().asString().contains("FLEET_GITHUB_API_URL holds a user name or password");
        assertThat(String.join("\n", unparsed.problems()) + unparsed).doesNotContain("pa%ss");
    }

    @Test
    void theStatusLineFindsTheDataDirectoryByTheSameRule() {
        assertThat(Settings.dataDirOf(Map.of("HOME", "/home/pm"))).isEqualTo(Path.of("/home/pm/.apra-fleet/data"));
        assertThat(Settings.dataDirOf(Map.of("HOME", "/home/pm", "APRA_FLEET_DATA_DIR", "/srv/a/../fleet")))
                .isEqualTo(Path.of("/srv/fleet"));
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
