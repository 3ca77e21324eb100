package dev.fleet.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show every member's online and busy state (fleet_status).")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print structured JSON instead of the compact table.")
    boolean json;

    @Override
    public Integer call() {
        return ToolCli.print(ToolCli.run("fleet_status", Map.of("format", json ? "json" : "compact")), System.out, System.err);
    }
}
