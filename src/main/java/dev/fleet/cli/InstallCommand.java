package dev.fleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleet.install.ClaudeCli;
import dev.fleet.install.ClaudeCodeLayout;
import dev.fleet.install.ClaudeCodeWiring;
import dev.fleet.install.FleetLaunch;
import dev.fleet.install.InstallScope;
import dev.fleet.mcp.McpFleetServer;
import dev.fleet.member.DataDir;
import dev.fleet.settings.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "install", description = {
        "Set up Claude Code to use fleet: register the MCP server (claude mcp add), install fleet's skill, and add to "
                + "settings.json the post-registration hook, the status line and the permission for fleet's tools "
                + "(after a backup copy; your own settings are kept). Running it again changes nothing; fleet uninstall "
                + "takes back exactly what it added.",
        "Also prints the JSON snippet for other MCP clients."})
final class InstallCommand implements Callable<Integer> {
    @Option(names = "--dry-run", description = "Show every change and make none.")
    boolean dryRun;

    @Option(names = "--scope", paramLabel = "user|project", defaultValue = "user", converter = InstallCommand.ScopeConverter.class,
            description = "user (default): for you in every project; project: for the project in the current folder only.")
    InstallScope scope;

    @Option(names = "--print-only", description = "Only print the snippet for other MCP clients; change nothing.")
    boolean printOnly;

    @Override
    public Integer call() throws Exception {
        FleetLaunch launch = FleetLaunch.current();
        if (!printOnly) {
            ClaudeCodeWiring.Report report;
            try {
                report = wiring(scope).install(dryRun);
            } catch (IOException | IllegalStateException | UncheckedIOException e) {
                return failed("install", e);
            }
            print(report, dryRun, "install", System.out);
        }
        List<String> serve = launch.argv("serve");
        String snippet = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
                Map.of("mcpServers", Map.of(McpFleetServer.SERVER_NAME,
                        Map.of("command", serve.get(0), "args", serve.subList(1, serve.size())))));
        System.out.println();
        System.out.println("For other MCP clients (Claude Desktop, Cursor, VS Code), add this to their MCP config:");
        System.out.println(snippet);
        return 0;
    }

    static ClaudeCodeWiring wiring(InstallScope scope) {
        Settings settings = Settings.from(System.getenv());
        ClaudeCodeLayout layout = ClaudeCodeLayout.of(scope, settings.home(), Path.of("").toAbsolutePath());
        return new ClaudeCodeWiring(layout, FleetLaunch.current(), McpFleetServer.SERVER_NAME,
                ClaudeCli.find(settings.environment(), layout.home()), new DataDir(settings.dataDir()).installsDir(),
                Clock.systemUTC());
    }

    /**
     * One line on stderr and exit 1 for what stops an install or uninstall (a settings file that is
     * not JSON, a claude command that fails, a file that cannot be written): the message names the
     * file and the rule; a stack trace would bury it and says nothing more to the user.
     */
    static int failed(String verb, Exception e) {
        String why = e instanceof UncheckedIOException u && u.getCause() != null ? u.getMessage() + ": " + u.getCause().getMessage()
                : e.getMessage();
        String kind = e instanceof FileSystemException ? " (" + e.getClass().getSimpleName() + ")" : "";
        System.err.println("fleet " + verb + ": " + why + kind);
        return 1;
    }

    /** Turns --scope into a scope, with picocli's usage message for anything else. */
    static final class ScopeConverter implements picocli.CommandLine.ITypeConverter<InstallScope> {
        @Override
        public InstallScope convert(String value) {
            try {
                return InstallScope.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static void print(ClaudeCodeWiring.Report report, boolean dryRun, String verb, PrintStream out) {
        if (report.changes().isEmpty()) {
            out.println("fleet " + verb + ": nothing to change.");
        } else {
            out.println(dryRun ? "fleet " + verb + " would (dry run; nothing was changed):" : "fleet " + verb + ":");
            report.changes().forEach(c -> out.println("  - " + c));
        }
        report.notes().forEach(n -> out.println("Note: " + n));
        if (!dryRun && !report.changes().isEmpty() && verb.equals("install")) {
            out.println("In Claude Code, run /mcp (or start a new session) to load fleet.");
        }
    }
}
