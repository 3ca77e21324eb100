package dev.fleet.cli;

import dev.fleet.base.Durations;
import dev.fleet.base.Quoted;
import dev.fleet.daemon.Daemon;
import dev.fleet.daemon.DaemonAdmin;
import dev.fleet.daemon.DaemonOptions;
import dev.fleet.daemon.ServiceInstaller;
import dev.fleet.settings.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "daemon", description = {
    "Run this user's fleet daemon in the foreground: one fleet (registry, SSH connections, idle watcher) shared by",
    "every MCP client through 'fleet serve' relays, and optionally by HTTP clients."},
        subcommands = {DaemonCommand.Status.class, DaemonCommand.Stop.class, DaemonCommand.Restart.class,
            DaemonCommand.Install.class, DaemonCommand.Uninstall.class})
final class DaemonCommand implements Callable<Integer> {
    @Mixin
    Options options;

    @Option(names = Daemon.SERVICE_FLAG, hidden = true,
            description = "Started by the installed service: another daemon already serving is success, not an error.")
    boolean service;

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.from(System.getenv());
        return Daemon.run(settings, options.options(settings), service);
    }

    /** The options every form of starting a daemon shares. */
    static final class Options {
        @Option(names = "--http", paramLabel = "HOST:PORT",
                description = "Also serve MCP over Streamable HTTP at http://HOST:PORT/mcp (loopback only by default; "
                        + "a bearer token from the data dir's http-token file is required).")
        String http;

        @Option(names = "--idle-exit", paramLabel = "DURATION", converter = IdleExitConverter.class,
                description = "Exit after this long with no clients, no calls and no cloud member running: 0 (never), "
                        + "or e.g. 90s, 30m, 2h. Default: $FLEET_DAEMON_IDLE_EXIT or 30m.")
        Duration idleExit;

        @Option(names = "--allow-remote", description = "Allow a non-loopback --http address.")
        boolean allowRemote;

        @Option(names = "--token-in-path",
                description = "Also accept the token as http://HOST:PORT/mcp/TOKEN, for clients that cannot send headers.")
        boolean tokenInPath;

        DaemonOptions options(Settings settings) {
            return new DaemonOptions(http, idleExit == null ? settings.daemonIdleExit() : idleExit, allowRemote, tokenInPath);
        }

        boolean given() {
            return http != null || idleExit != null || allowRemote || tokenInPath;
        }
    }

    /** {@code --idle-exit} read like {@code FLEET_DAEMON_IDLE_EXIT}; a bad value is refused, naming the rule. */
    static final class IdleExitConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                // picocli puts "Invalid value for option '--idle-exit': " in front.
                throw new TypeConversionException(Quoted.value(value) + " " + e.getMessage());
            }
        }
    }

    @Command(name = "status", description = "Show whether the daemon runs, its clients and its addresses. Exit 3 when not running.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return new DaemonAdmin(Settings.from(System.getenv()), System.out).status();
        }
    }

    /** False, having said why on stderr, when the options would not start a daemon; checked before anything is stopped or written. */
    static boolean valid(DaemonOptions options) {
        try {
            options.check();
            return true;
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid input: " + e.getMessage());
            return false;
        }
    }

    @Command(name = "stop", description = "Stop the daemon; calls in flight are cut short (clients start a new one on their next call).")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return new DaemonAdmin(Settings.from(System.getenv()), System.out).stop();
        }
    }

    @Command(name = "restart", description = "Stop the daemon and start it in the background, with the given options or the ones it had.")
    static final class Restart implements Callable<Integer> {
        @Mixin
        Options options;

        @Override
        public Integer call() throws Exception {
            Settings settings = Settings.from(System.getenv());
            if (options.given() && !valid(options.options(settings))) {
                return 2;
            }
            List<String> args = options.given() ? options.options(settings).toArgs() : List.of();
            return new DaemonAdmin(settings, System.out).restart(args);
        }
    }

    @Command(name = "install", description = "Run the daemon at login: write a systemd user unit (Linux) or a launchd agent (macOS) and start it.")
    static final class Install implements Callable<Integer> {
        @Mixin
        Options options;

        @Option(names = "--no-start", description = "Only write the file; do not enable or start the service.")
        boolean noStart;

        @Override
        public Integer call() throws Exception {
            Settings settings = Settings.from(System.getenv());
            if (!valid(options.options(settings))) {
                return 2;
            }
            ServiceInstaller installer = installer(settings);
            if (installer == null) {
                return 1;
            }
            DaemonOptions o = options.options(settings);
            // A login service has no editor to wait for: it stays up unless told otherwise.
            DaemonOptions forService = options.idleExit == null ? new DaemonOptions(o.http(), Duration.ZERO, o.allowRemote(), o.tokenInPath()) : o;
            return installer.install(forService, !noStart);
        }
    }

    @Command(name = "uninstall", description = "Stop and remove the login service written by 'fleet daemon install'.")
    static final class Uninstall implements Callable<Integer> {
        @Option(names = "--no-stop", description = "Only remove the file; do not stop or disable the service.")
        boolean noStop;

        @Override
        public Integer call() throws Exception {
            ServiceInstaller installer = installer(Settings.from(System.getenv()));
            return installer == null ? 1 : installer.uninstall(!noStop);
        }
    }

    private static ServiceInstaller installer(Settings settings) {
        ServiceInstaller.Platform platform = ServiceInstaller.Platform.current();
        if (platform == null) {
            System.err.println("fleet daemon install supports Linux (systemd) and macOS (launchd) only");
            return null;
        }
        return new ServiceInstaller(platform, settings,
                ServiceInstaller.defaultDaemonCommand(), command -> {
                    Process p = new ProcessBuilder(command).inheritIO().start();
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        return 124;
                    }
                    return p.exitValue();
                }, System.out);
    }
}
