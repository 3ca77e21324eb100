package dev.fleet.cli;

import dev.fleet.daemon.Daemon;
import dev.fleet.daemon.DaemonOptions;
import dev.fleet.daemon.Relay;
import dev.fleet.mcp.McpFleetServer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point. {@code fleet} alone, or {@code fleet serve}, relays MCP to the user's daemon;
 * {@code FLEET_STANDALONE=1} or {@code --standalone} serves in this process instead.
 */
public final class Main {
    /** Environment switch for the in-process server. */
    static final String STANDALONE_ENV = "FLEET_STANDALONE";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // The hot paths skip command-line parsing entirely: start-up time matters to MCP clients.
        List<String> a = Arrays.asList(args);
        Map<String, String> env = System.getenv();
        if (a.isEmpty() || a.equals(List.of("serve"))) {
            System.exit(serve(env, "1".equals(env.get(STANDALONE_ENV))));
        }
        if (a.equals(List.of("serve", "--standalone"))) {
            System.exit(serve(env, true));
        }
        if (a.equals(List.of("daemon"))) {
            System.exit(Daemon.run(env, DaemonOptions.defaults(env)));
        }
        int code = new CommandLine(new FleetCommand()).execute(args);
        System.exit(code);
    }

    static int serve(Map<String, String> env, boolean standalone) throws Exception {
        if (standalone) {
            McpFleetServer.serve(env);
            return 0;
        }
        return Relay.run(env);
    }
}
