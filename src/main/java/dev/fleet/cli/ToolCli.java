package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.tools.ToolCall;
import dev.fleet.tools.ToolResult;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/** Runs one tool for a person at the terminal, through the same runner the MCP server uses. */
final class ToolCli {
    private ToolCli() {
    }

    static ToolResult run(String tool, Map<String, Object> args) {
        try (Fleet fleet = new Fleet(System.getenv(), Clock.systemUTC(), () -> { })) {
            return fleet.tools().run(tool, args, ToolCall.NONE);
        }
    }

    /** Prints the answer (errors to stderr) and gives the process exit code. */
    static int print(ToolResult r, PrintStream out, PrintStream err) {
        (r.isError() ? err : out).println(r.text());
        return r.isError() ? 1 : 0;
    }
}
