package dev.fleet.settings;

import java.net.URI;
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
 * @param githubApi         {@code FLEET_GITHUB_API_URL}: the GitHub API, default {@code https://api.github.com}
 *                          (GitHub Enterprise Server: {@code https://HOST/api/v3}; tests: a local server)
 * @param githubHost        {@code FLEET_GITHUB_HOST}: the host git talks to for GitHub; default {@code github.com},
 *                          or the API's host when the API is not api.github.com
 * @param bitbucketApi      {@code FLEET_BITBUCKET_API_URL}: default {@code https://api.bitbucket.org/2.0}
 * @param bitbucketHost     {@code FLEET_BITBUCKET_HOST}: the host git talks to for Bitbucket, default {@code bitbucket.org}
 * @param azureDevOpsApi    {@code FLEET_AZURE_DEVOPS_API_URL}: where organizations given as
 *                          {@code https://dev.azure.com/<org>} are asked, default {@code https://dev.azure.com}
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
        URI githubApi,
        String githubHost,
        URI bitbucketApi,
        String bitbucketHost,
        URI azureDevOpsApi,
        List<String> problems) {

    public static final String DATA_DIR = "APRA_FLEET_DATA_DIR";
    public static final String PUBLIC_GITHUB_API = "https://api.github.com";
    public static final String PUBLIC_BITBUCKET_API = "https://api.bitbucket.org/2.0";
    public static final String PUBLIC_AZURE_DEVOPS = "https://dev.azure.com";
    /**
     * A DNS name: letters, digits, dots and dashes, no port, user or path. A git host becomes a
     * file name and a credential-helper key on members, so nothing else is taken.
     */
    private static final String HOST_NAME = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*";

    public Settings {
        environment = Map.copyOf(environment);
        problems = List.copyOf(problems);
    }

    /** Reads the settings from a process environment; the JVM's home is used only when {@code HOME} is unset. */
    public static Settings from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Path home = home(env);
        Path dataDir = dataDir(env, home);
        URI githubApi = url(env, "FLEET_GITHUB_API_URL", PUBLIC_GITHUB_API, problems);
        String githubHost = host(env, "FLEET_GITHUB_HOST",
                "api.github.com".equalsIgnoreCase(githubApi.getHost()) ? "github.com" : githubApi.getHost(), problems);
        return new Settings(env, home, dataDir, nonBlank(env.get("FLEET_EC2_ENDPOINT")),
                Duration.ofMillis(whole(env, "FLEET_OVERLOADED_RETRY_MS", 10_000, 0, problems)),
                Duration.ofSeconds(whole(env, "FLEET_TASK_ACTIVITY_SEC", 300, 1, problems)),
                Duration.ofMillis(whole(env, "FLEET_ACTIVITY_TIMEOUT_MS", 30_000, 1, problems)),
                Duration.ofSeconds(whole(env, "FLEET_IDLE_CHECK_SECONDS", 60, 1, problems)),
                Duration.ofMillis(whole(env, "FLEET_CLOUD_POLL_MS", 1_000, 1, problems)),
                Duration.ofMillis(whole(env, "FLEET_CLOUD_WAIT_MS", 5 * 60_000, 0, problems)),
                Duration.ofMillis(whole(env, "FLEET_SSH_WAIT_MS", 3 * 60_000, 0, problems)),
                githubApi,
                githubHost,
                url(env, "FLEET_BITBUCKET_API_URL", PUBLIC_BITBUCKET_API, problems),
                host(env, "FLEET_BITBUCKET_HOST", "bitbucket.org", problems),
                url(env, "FLEET_AZURE_DEVOPS_API_URL", PUBLIC_AZURE_DEVOPS, problems),
                problems);
    }

    /** An http(s) URL with a host (a trailing slash dropped); anything else is a problem, and the public service is used. */
    private static URI url(Map<String, String> env, String name, String fallback, List<String> problems) {
        String raw = nonBlank(env.get(name));
        if (raw == null) {
            return URI.create(fallback);
        }
        String v = raw.strip();
        try {
            URI u = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (u.getRawUserInfo() != null) {
                // Not shown: what precedes the @ may be a password.
                problems.add(name + " holds a user name or password, which fleet does not send; using the default " + fallback);
                return URI.create(fallback);
            }
            if (u.getHost() != null && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below, like a URL of another scheme
        }
        problems.add(name + "='" + shown(raw) + "' is not an http(s) URL; using the default " + fallback);
        return URI.create(fallback);
    }

    /** A DNS host name; anything else is a problem, and the default is used. */
    private static String host(Map<String, String> env, String name, String fallback, List<String> problems) {
        String raw = nonBlank(env.get(name));
        if (raw == null) {
            return fallback;
        }
        if (raw.strip().matches(HOST_NAME)) {
            return raw.strip();
        }
        problems.add(name + "='" + shown(raw) + "' is not a host name (letters, digits, dots and dashes); using the default "
                + fallback);
        return fallback;
    }

    /**
     * Only the data directory, for {@code fleet statusline}: it reads one file there and must answer
     * at once, so it parses nothing else. The same rule as {@link #from}.
     */
    public static Path dataDirOf(Map<String, String> env) {
        return dataDir(env, home(env));
    }

    private static Path home(Map<String, String> env) {
        return Path.of(nonBlank(env.get("HOME")) != null ? env.get("HOME").strip() : System.getProperty("user.home"));
    }

    private static Path dataDir(Map<String, String> env, Path home) {
        String data = nonBlank(env.get(DATA_DIR));
        return data != null ? Path.of(data).toAbsolutePath().normalize() : home.resolve(".apra-fleet").resolve("data");
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
                + cloudStateWait + ", sshWait=" + sshWait + ", githubApi=" + githubApi + ", githubHost=" + githubHost
                + ", bitbucketApi=" + bitbucketApi + ", bitbucketHost=" + bitbucketHost + ", azureDevOpsApi=" + azureDevOpsApi
                + ", problems=" + problems + "]";
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String shown(String raw) {
        String oneLine = raw.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "…" : oneLine;
    }
}
