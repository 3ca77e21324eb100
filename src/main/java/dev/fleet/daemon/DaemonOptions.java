package dev.fleet.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a daemon runs.
 *
 * @param http          {@code HOST:PORT} for the Streamable HTTP endpoint, or null for none
 * @param idleExit      exit after this long with no clients, no calls and no running cloud member;
 *                      {@link Duration#ZERO} never exits
 * @param allowRemote   accept a non-loopback HTTP address (the token still guards every request)
 * @param tokenInPath   also accept the token as the last path segment ({@code /mcp/TOKEN}), for
 *                      clients that cannot send headers, such as the MCP conformance suite
 */
public record DaemonOptions(String http, Duration idleExit, boolean allowRemote, boolean tokenInPath) {
    public static final String IDLE_EXIT_ENV = "FLEET_DAEMON_IDLE_EXIT";
    static final Duration DEFAULT_IDLE_EXIT = Duration.ofMinutes(30);

    /** What a relay-started daemon uses: no HTTP, the idle exit from the environment. */
    public static DaemonOptions defaults(Map<String, String> env) {
        String configured = env.get(IDLE_EXIT_ENV);
        Duration idle = configured == null || configured.isBlank() ? DEFAULT_IDLE_EXIT : parseDuration(configured);
        return new DaemonOptions(null, idle, false, false);
    }

    /**
     * {@code 0} (never), a number of minutes, or a number followed by {@code s}, {@code m} or {@code h}.
     *
     * @throws IllegalArgumentException naming the rule
     */
    public static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        String number = Character.isLetter(unit) ? t.substring(0, t.length() - 1) : t;
        long n;
        try {
            n = Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("idle exit '" + text + "' must be 0 or a whole number with s, m or h (e.g. 30m)");
        }
        if (n < 0) {
            throw new IllegalArgumentException("idle exit '" + text + "' must not be negative");
        }
        return switch (Character.isLetter(unit) ? unit : 'm') {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("idle exit '" + text + "' must end in s, m or h");
        };
    }

    /** The command-line form, for restarts and service files. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        if (http != null) {
            args.add("--http");
            args.add(http);
        }
        args.add("--idle-exit");
        args.add(idleExit.isZero() ? "0" : idleExit.toSeconds() + "s");
        if (allowRemote) {
            args.add("--allow-remote");
        }
        if (tokenInPath) {
            args.add("--token-in-path");
        }
        return args;
    }
}
