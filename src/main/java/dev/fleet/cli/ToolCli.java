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
        return run(tool, args, ToolCall.NONE);
    }

    static ToolResult run(String tool, Map<String, Object> args, ToolCall call) {
        try (Fleet fleet = new Fleet(System.getenv(), Clock.systemUTC(), () -> { })) {
            return fleet.tools().run(tool, args, call);
        }
    }

    /** A call for long operations: progress on stderr, a bar on a terminal. */
    static TerminalCall withProgress() {
        return TerminalCall.withProgress(new ProgressDisplay(System.err, Terminal.stderr(System.getenv())));
    }

    /** Prints the answer (errors to stderr) and gives the process exit code. */
    static int print(ToolResult r, PrintStream out, PrintStream err) {
        (r.isError() ? err : out).println(r.text());
        return r.isError() ? 1 : 0;
    }
}
