package dev.fleet.daemon;

import dev.fleet.base.Quoted;
import dev.fleet.settings.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    /** What a relay-started daemon uses: no HTTP, the idle exit from the settings. */
    public static DaemonOptions defaults(Settings settings) {
        return new DaemonOptions(null, settings.daemonIdleExit(), false, false);
    }

    /**
     * Checks the options as the daemon will read them, so that {@code fleet daemon restart} and
     * {@code install} refuse a bad {@code --http} before they stop the running daemon or write a
     * service file: before, the running daemon was stopped and the new one failed to start.
     *
     * @throws IllegalArgumentException naming the option and the rule
     */
    public void check() {
        if (http == null) {
            return;
        }
        try {
            Daemon.httpAddress(http, allowRemote);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("--http host in " + Quoted.value(http) + " is not known on this machine; give a loopback "
                    + "address such as 127.0.0.1:7777");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--http " + Quoted.value(http) + " cannot be used: " + e.getMessage());
        }
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
