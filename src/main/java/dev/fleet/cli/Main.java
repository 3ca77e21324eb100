package dev.fleet.cli;

import dev.fleet.base.ClassDataArchive;
import dev.fleet.base.LogSafety;
import dev.fleet.daemon.Daemon;
import dev.fleet.daemon.DaemonOptions;
import dev.fleet.daemon.Relay;
import dev.fleet.mcp.McpFleetServer;
import dev.fleet.member.DataDir;
import dev.fleet.settings.RelaySettings;
import dev.fleet.settings.Settings;
import dev.fleet.statusline.StatuslinePrinter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point. {@code fleet} alone, or {@code fleet serve}, relays MCP to the user's daemon;
 * {@code FLEET_STANDALONE=1} or {@code --standalone} serves in this process instead.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (DataDir.Unusable e) {
            // Nothing can be done without it: one line saying why, never a stack trace.
            System.err.println("fleet: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        // First: before any logger exists (see LogSafety).
        LogSafety.enforce();
        ClassDataArchive.checkAtStart();
        // The hot paths skip command-line parsing entirely: start-up time matters to MCP clients.
        List<String> a = Arrays.asList(args);
        Map<String, String> env = System.getenv();
        if (a.isEmpty() || a.equals(List.of("serve"))) {
            System.exit(serve(env, false));
        }
        if (a.equals(List.of("serve", "--standalone"))) {
            System.exit(serve(env, true));
        }
        if (a.equals(List.of("statusline"))) {
            // Run by Claude Code for every status line refresh: one file read, no server machinery.
            StatuslinePrinter.run(env, System.in, new FileOutputStream(FileDescriptor.out));
            return;
        }
        if (a.equals(List.of("daemon"))) {
            Settings settings = Settings.from(env);
            System.exit(Daemon.run(settings, DaemonOptions.defaults(settings)));
        }
        CommandLine cli = new CommandLine(new FleetCommand());
        CommandLine.IExecutionExceptionHandler usual = cli.getExecutionExceptionHandler();
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof DataDir.Unusable) {
                line.getErr().println("fleet: " + e.getMessage());
                return 1;
            }
            return usual == null ? 1 : usual.handleExecutionException(e, line, parsed);
        });
        CommandLine.IParameterExceptionHandler parseErrors = cli.getParameterExceptionHandler();
        // Under a command only: a word fleet itself does not know is a mistyped command, named back with suggestions.
        cli.setParameterExceptionHandler((e, given) -> e instanceof CommandLine.UnmatchedArgumentException unmatched
                && e.getCommandLine() != cli ? unmatched(unmatched) : parseErrors.handleParseException(e, given));
        System.exit(cli.execute(args));
    }

    /**
     * An argument the command does not take is named, not quoted: picocli's own message repeats it
     * whole, and a mis-quoted {@code fleet call} puts a JSON object with a password in that place.
     * An option is shown up to its {@code =}, so a typo in its name stays easy to see.
     */
    private static int unmatched(CommandLine.UnmatchedArgumentException e) {
        CommandLine line = e.getCommandLine();
        List<String> shown = new java.util.ArrayList<>();
        int hidden = 0;
        for (String arg : e.getUnmatched()) {
            if (arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                shown.add(eq < 0 ? arg : arg.substring(0, eq + 1) + "...");
            } else {
                hidden++;
            }
        }
        String command = line.getCommandSpec().qualifiedName();
        List<String> said = new java.util.ArrayList<>();
        if (!shown.isEmpty()) {
            said.add(command + " does not take " + (shown.size() == 1 ? "the option " : "the options ") + String.join(", ", shown));
        }
        if (hidden > 0) {
            said.add(command + " was given " + hidden + (hidden == 1 ? " argument" : " arguments") + " more than it takes "
                    + "(not repeated here: an argument may hold a secret)");
        }
        line.getErr().println(String.join("; ", said) + ". See " + command + " --help.");
        return line.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Serves MCP on stdio: relays to the daemon, or runs the whole fleet here when asked to
     * ({@code --standalone} or {@code FLEET_STANDALONE=1}). Only what the relay needs is read from
     * the environment before that choice, so the relay starts without any of the server's machinery.
     */
    static int serve(Map<String, String> env, boolean standalone) throws Exception {
        RelaySettings settings = Relay.settings(env);
        if (standalone || settings.standalone()) {
            McpFleetServer.serve(env);
            return 0;
        }
        return Relay.run(settings);
    }
}
