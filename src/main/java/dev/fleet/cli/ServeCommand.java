package dev.fleet.cli;

import dev.fleet.mcp.McpFleetServer;
import picocli.CommandLine.Command;

@Command(name = "serve", description = "Run the MCP server on stdio (the default). stdout carries protocol messages only.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
        McpFleetServer.serve(System.getenv());
        // Serve returns at once; the transport's threads end when stdin closes.
        Thread.currentThread().join();
        return 0;
    }
}
