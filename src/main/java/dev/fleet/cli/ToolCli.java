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

    /**
     * The tool parameters the subcommands fill from their own arguments and options. A person who
     * typed {@code fleet send m f --to ../x} never wrote {@code remote_subfolder}: an error about it
     * names what they typed first, then the tool's parameter.
     */
    private static final Map<String, String> TYPED_AS = Map.of(
            "member_name", "MEMBER", "remote_subfolder", "--to", "local_dest", "--to", "local_paths", "PATH",
            "remote_paths", "PATH", "timeout_ms", "--timeout-ms", "command", "COMMAND", "action", "ACTION");

    /** As {@link #print}, for the subcommands whose arguments are not the tool's own names ({@code call}'s are). */
    static int printTyped(ToolResult r, PrintStream out, PrintStream err) {
        if (r.isError() && r.text().startsWith("Invalid input: ")) {
            String rest = r.text().substring("Invalid input: ".length());
            for (Map.Entry<String, String> e : TYPED_AS.entrySet()) {
                if (rest.startsWith(e.getKey() + " ")) {
                    err.println("Invalid input: " + e.getValue() + " (" + e.getKey() + ")" + rest.substring(e.getKey().length()));
                    return 1;
                }
            }
        }
        return print(r, out, err);
    }

    /** Prints the answer (errors to stderr) and gives the process exit code. */
    static int print(ToolResult r, PrintStream out, PrintStream err) {
        (r.isError() ? err : out).println(r.text());
        return r.isError() ? 1 : 0;
    }
}
