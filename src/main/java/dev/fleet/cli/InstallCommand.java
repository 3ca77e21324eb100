package dev.fleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fleet.daemon.DaemonStarter;
import dev.fleet.mcp.McpFleetServer;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "install", description = "Register fleet with Claude Code (claude mcp add) and print the config snippet for other MCP clients.")
final class InstallCommand implements Callable<Integer> {
    @Option(names = "--print-only", description = "Only print the snippet; do not call claude.")
    boolean printOnly;

    @Override
    public Integer call() throws Exception {
        List<String> launch = launchCommand();
        String snippet = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
                Map.of("mcpServers", Map.of(McpFleetServer.SERVER_NAME,
                        Map.of("command", launch.get(0), "args", launch.subList(1, launch.size())))));
        int code = 0;
        if (!printOnly) {
            code = registerWithClaude(launch);
        }
        System.out.println();
        System.out.println("For other MCP clients (Claude Desktop, Cursor, VS Code), add this to their MCP config:");
        System.out.println(snippet);
        return code;
    }

    private static int registerWithClaude(List<String> launch) throws Exception {
        String claude = onPath("claude");
        if (claude == null) {
            System.out.println("Claude Code (claude) is not on PATH: skipped 'claude mcp add'.");
            return 0;
        }
        List<String> cmd = new ArrayList<>(List.of(claude, "mcp", "add", "--scope", "user", McpFleetServer.SERVER_NAME, "--"));
        cmd.addAll(launch);
        System.out.println("Running: " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            System.err.println("claude mcp add did not finish within 60 s");
            return 1;
        }
        if (p.exitValue() != 0) {
            System.err.println("claude mcp add failed (exit " + p.exitValue() + "); if apra-fleet is already registered, "
                    + "remove it first with: claude mcp remove --scope user " + McpFleetServer.SERVER_NAME);
        }
        return p.exitValue();
    }

    /** The launcher script when started through it, else java -jar on this jar. */
    static List<String> launchCommand() {
        String launcher = System.getProperty("fleet.launcher");
        if (launcher != null && new File(launcher).canExecute()) {
            return List.of(Path.of(launcher).toAbsolutePath().normalize().toString(), "serve");
        }
        String jar = Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toAbsolutePath().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-jar", jar, "serve");
    }

    private static String onPath(String name) {
        return DaemonStarter.onPath(System.getenv(), name);
    }
}
