package dev.fleet.cli;

import dev.fleet.mcp.McpFleetServer;
import dev.fleet.statusline.StatuslinePrinter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import picocli.CommandLine;

/** Entry point. {@code fleet} alone, or {@code fleet serve}, starts the MCP server. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || (args.length == 1 && args[0].equals("serve"))) {
            // The server path skips command-line parsing entirely: start-up time matters to MCP clients.
            McpFleetServer.serve(System.getenv());
            return;
        }
        if (args.length == 1 && args[0].equals("statusline")) {
            // Run by Claude Code for every status line refresh: one file read, no server machinery.
            StatuslinePrinter.run(System.getenv(), System.in, new FileOutputStream(FileDescriptor.out));
            return;
        }
        int code = new CommandLine(new FleetCommand()).execute(args);
        System.exit(code);
    }
}
