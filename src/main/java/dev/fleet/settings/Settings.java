package dev.fleet.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything fleet reads from its environment, parsed once at start. Nothing else in fleet looks
 * at environment variables or at the JVM's idea of the home folder. A malformed value is not
 * ignored silently: it is listed in {@link #problems()} (naming the variable and the default used)
 * and the composition root reports it on stderr.
 *
 * @param environment       the server's own environment, passed on only where it must be: the
 *                          seed of the login environment and the AWS SDK's credential lookup
 * @param home              the PM's home folder ({@code HOME}); {@code ~} in local paths means this
 * @param dataDir           {@code APRA_FLEET_DATA_DIR}, else {@code ~/.apra-fleet/data}
 * @param ec2Endpoint       {@code FLEET_EC2_ENDPOINT}: another EC2 endpoint (tests, private clouds); null: the SDK's
 * @param overloadedRetry   {@code FLEET_OVERLOADED_RETRY_MS}: pause before retrying an overloaded agent service
 * @param taskActivity      {@code FLEET_TASK_ACTIVITY_SEC}: how often a running task touches its activity marker
 * @param activityTimeout   {@code FLEET_ACTIVITY_TIMEOUT_MS}: bound of each check the idle watcher runs on a member
 * @param idleCheckInterval {@code FLEET_IDLE_CHECK_SECONDS}: time between idle-watcher cycles
 * @param cloudFirstPoll    {@code FLEET_CLOUD_POLL_MS}: first pause while waiting for an instance state
 * @param cloudStateWait    {@code FLEET_CLOUD_WAIT_MS}: longest wait for an instance state
 * @param sshWait           {@code FLEET_SSH_WAIT_MS}: longest wait for SSH on a started instance
 * @param problems          malformed values, each naming its variable and the default used instead
 */
public record Settings(
        Map<String, String> environment,
        Path home,
        Path dataDir,
        String ec2Endpoint,
        Duration overloadedRetry,
        Duration taskActivity,
        Duration activityTimeout,
        Duration idleCheckInterval,
        Duration cloudFirstPoll,
        Duration cloudStateWait,
        Duration sshWait,
        List<String> problems) {

    public static final String DATA_DIR = "APRA_FLEET_DATA_DIR";

    public Settings {
        environment = Map.copyOf(environment);
        problems = List.copyOf(problems);
    }

    /** Reads the settings from a process environment; the JVM's home is used only when {@code HOME} is unset. */
    public static Settings from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Path home = Path.of(nonBlank(env.get("HOME")) != null ? env.get("HOME").strip() : System.getProperty("user.home"));
        String data = nonBlank(env.get(DATA_DIR));
        Path dataDir = data != null ? Path.of(data).toAbsolutePath().normalize() : home.resolve(".apra-fleet").resolve("data");
        return new Settings(env, home, dataDir, nonBlank(env.get("FLEET_EC2_ENDPOINT")),
                Duration.ofMillis(whole(env, "FLEET_OVERLOADED_RETRY_MS", 10_000, 0, problems)),
                Duration.ofSeconds(whole(env, "FLEET_TASK_ACTIVITY_SEC", 300, 1, problems)),
                Duration.ofMillis(whole(env, "FLEET_ACTIVITY_TIMEOUT_MS", 30_000, 1, problems)),
                Duration.ofSeconds(whole(env, "FLEET_IDLE_CHECK_SECONDS", 60, 1, problems)),
                Duration.ofMillis(whole(env, "FLEET_CLOUD_POLL_MS", 1_000, 1, problems)),
                Duration.ofMillis(whole(env, "FLEET_CLOUD_WAIT_MS", 5 * 60_000, 0, problems)),
                Duration.ofMillis(whole(env, "FLEET_SSH_WAIT_MS", 3 * 60_000, 0, problems)),
                problems);
    }

    /** A whole number of at least {@code min}; anything else is a problem, and the default is used. */
    private static long whole(Map<String, String> env, String name, long fallback, long min, List<String> problems) {
        String raw = env.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like a value out of range
        }
        problems.add(name + "='" + shown(raw) + "' is not a whole number" + (min > 0 ? " of at least " + min : " of 0 or more")
                + "; using the default " + fallback);
        return fallback;
    }

    /** Never shows the environment: it may hold credentials (AWS keys, for one). */
    @Override
    public String toString() {
        return "Settings[home=" + home + ", dataDir=" + dataDir + ", ec2Endpoint=" + ec2Endpoint + ", overloadedRetry="
                + overloadedRetry + ", taskActivity=" + taskActivity + ", activityTimeout=" + activityTimeout
                + ", idleCheckInterval=" + idleCheckInterval + ", cloudFirstPoll=" + cloudFirstPoll + ", cloudStateWait="
                + cloudStateWait + ", sshWait=" + sshWait + ", problems=" + problems + "]";
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String shown(String raw) {
        String oneLine = raw.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "…" : oneLine;
    }
}
