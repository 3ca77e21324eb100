package dev.fleet.settings;

import dev.fleet.base.Durations;
import dev.fleet.base.Quoted;
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
 * and the composition root reports it on stderr. ({@code fleet serve} reads the few values it needs
 * before choosing to relay through {@link RelaySettings}, by the same rules.)
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
 * @param standalone        {@code FLEET_STANDALONE}: {@code 1} serves the whole fleet in the {@code fleet serve} process,
 *                          {@code 0} or unset relays to the daemon. {@code fleet serve} reads it before anything else,
 *                          through {@link RelaySettings}; it is here too so that it is checked with the others
 * @param daemonIdleExit    {@code FLEET_DAEMON_IDLE_EXIT}: a daemon started for relays exits after this long with no
 *                          client, no call and no running cloud member (e.g. {@code 90s}, {@code 30m}, {@code 2h}; a bare
 *                          number is minutes); zero: never. Default 30 minutes
 * @param budgetUsdPerDay   {@code FLEET_BUDGET_USD_PER_DAY}: the fleet-wide daily budget in US dollars; null: none
 * @param budgetIdleTimeout {@code FLEET_BUDGET_IDLE_TIMEOUT_MIN}: the idle timeout of a member over its budget
 *                          (default 5 minutes; the member's own when that is shorter)
 * @param guard             {@code FLEET_GUARD}: {@code off} never installs the on-instance guard (default on)
 * @param guardAllowLoopback {@code FLEET_GUARD_ALLOW_LOOPBACK=1}: install the guard on members reached at a
 *                          loopback address too. Only tests want that: such a member is this very machine
 * @param guardGrace        {@code FLEET_GUARD_GRACE_MIN}: how long the guard waits beyond the idle timeout (10 minutes)
 * @param transferWarmUp    {@code FLEET_TRANSFER_WARM_UP}: {@code off} keeps a long-lived server from warming its
 *                          transfer path after SSH connections (the cipher on its own, zeros into a member's
 *                          {@code /dev/null} over a fast link); default on
 * @param uploadStream      {@code FLEET_UPLOAD_STREAM}: {@code off} sends every file to a member over SFTP write
 *                          requests; by default a large file goes to a member whose dd takes it as one stream,
 *                          and many small files to a member whose tar takes them as archives
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
        boolean standalone,
        Duration daemonIdleExit,
        Double budgetUsdPerDay,
        Duration budgetIdleTimeout,
        boolean guard,
        boolean guardAllowLoopback,
        Duration guardGrace,
        boolean transferWarmUp,
        boolean uploadStream,
        List<String> problems) {

    public static final String DATA_DIR = "APRA_FLEET_DATA_DIR";
    public static final String STANDALONE = "FLEET_STANDALONE";
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
        if (env.containsKey("FLEET_GPU_SAMPLES")) {
            // Named, not silently dropped: whoever set it meant to tune the GPU judgement, which is now over time.
            // The window is UtilizationPolicy.BUSY_WINDOW written out: the relay's jar reads these settings
            // without the GPU policy's classes (SettingsTest holds the two together).
            problems.add("FLEET_GPU_SAMPLES is no longer read: the GPU counts as busy when it worked at any time in the "
                    + "last 10 minutes, however many samples were taken");
        }
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
                standaloneOf(env, problems),
                duration(env, "FLEET_DAEMON_IDLE_EXIT", Duration.ofMinutes(30), problems),
                dollars(env, "FLEET_BUDGET_USD_PER_DAY", problems),
                Duration.ofMinutes(whole(env, "FLEET_BUDGET_IDLE_TIMEOUT_MIN", 5, 1, 1440, problems)),
                flag(env, "FLEET_GUARD", "on", "off", true, problems),
                flag(env, "FLEET_GUARD_ALLOW_LOOPBACK", "1", "0", false, problems),
                Duration.ofMinutes(whole(env, "FLEET_GUARD_GRACE_MIN", 10, 0, 1440, problems)),
                flag(env, "FLEET_TRANSFER_WARM_UP", "on", "off", true, problems),
                flag(env, "FLEET_UPLOAD_STREAM", "on", "off", true, problems),
                problems);
    }

    /** An http(s) URL with a host (a trailing slash dropped); anything else is a problem, and the public service is used. */
    private static URI url(Map<String, String> env, String name, String fallback, List<String> problems) {
        String raw = nonBlank(env.get(name));
        if (raw == null) {
            return URI.create(fallback);
        }
        String v = raw.strip();
        if (v.contains("@")) {
            // Not shown: what precedes the @ may be a password (one Java cannot even parse included).
            problems.add(name + " holds a user name or password, which fleet does not send; using the default " + fallback);
            return URI.create(fallback);
        }
        try {
            URI u = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (u.getHost() != null && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below, like a URL of another scheme
        }
        problems.add(name + "=" + Quoted.value(raw) + " is not an http(s) URL; using the default " + fallback);
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
        problems.add(name + "=" + Quoted.value(raw) + " is not a host name (letters, digits, dots and dashes); using the default "
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

    /**
     * {@code FLEET_STANDALONE}: exactly {@code 1} or {@code 0} (unset or empty: 0), as the {@code fleet}
     * launcher compares it (it sizes the JVM for a relay unless the value is {@code 1}); anything
     * else is a problem, and the relay is used.
     */
    static boolean standaloneOf(Map<String, String> env, List<String> problems) {
        String raw = env.get(STANDALONE);
        if (raw == null || raw.isEmpty() || raw.equals("0")) {
            return false;
        }
        if (raw.equals("1")) {
            return true;
        }
        problems.add(STANDALONE + "=" + Quoted.value(raw) + " is not 1 or 0; relaying to the fleet daemon (the default)");
        return false;
    }

    /** A duration as {@link Durations#parse} reads it; anything else is a problem, and the default is used. */
    private static Duration duration(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        String raw = nonBlank(env.get(name));
        if (raw == null) {
            return fallback;
        }
        try {
            return Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(name + "=" + Quoted.value(raw) + " " + e.getMessage() + "; using the default " + Durations.human(fallback));
            return fallback;
        }
    }

    /** A whole number of at least {@code min}; anything else is a problem, and the default is used. */
    private static long whole(Map<String, String> env, String name, long fallback, long min, List<String> problems) {
        return whole(env, name, fallback, min, Long.MAX_VALUE, problems);
    }

    /** A whole number from {@code min} to {@code max}; anything else is a problem, and the default is used. */
    private static long whole(Map<String, String> env, String name, long fallback, long min, long max, List<String> problems) {
        String raw = env.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like a value out of range
        }
        String range = max != Long.MAX_VALUE ? " from " + min + " to " + max : min > 0 ? " of at least " + min : " of 0 or more";
        problems.add(name + "=" + Quoted.value(raw) + " is not a whole number" + range + "; using the default " + fallback);
        return fallback;
    }

    /** A positive amount of US dollars (decimals allowed); unset or blank: none. Anything else is a problem, and none is used. */
    private static Double dollars(Map<String, String> env, String name, List<String> problems) {
        String raw = nonBlank(env.get(name));
        if (raw == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(raw.strip());
            if (value > 0 && !Double.isInfinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, like a value out of range
        }
        problems.add(name + "=" + Quoted.value(raw) + " is not a positive amount of US dollars; no fleet-wide budget applies");
        return null;
    }

    /** A switch written {@code on} or {@code off} (case ignored); unset or blank: the default. Anything else is a problem. */
    private static boolean flag(Map<String, String> env, String name, String on, String off, boolean fallback,
                                List<String> problems) {
        String raw = nonBlank(env.get(name));
        if (raw == null) {
            return fallback;
        }
        if (raw.strip().equalsIgnoreCase(on)) {
            return true;
        }
        if (raw.strip().equalsIgnoreCase(off)) {
            return false;
        }
        problems.add(name + "=" + Quoted.value(raw) + " is neither " + on + " nor " + off + "; using the default "
                + (fallback ? on : off));
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
                + ", standalone=" + standalone + ", daemonIdleExit=" + daemonIdleExit
                + ", budgetUsdPerDay=" + budgetUsdPerDay + ", budgetIdleTimeout=" + budgetIdleTimeout + ", guard=" + guard
                + ", guardAllowLoopback=" + guardAllowLoopback + ", guardGrace=" + guardGrace
                + ", transferWarmUp=" + transferWarmUp + ", uploadStream=" + uploadStream + ", problems=" + problems + "]";
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
