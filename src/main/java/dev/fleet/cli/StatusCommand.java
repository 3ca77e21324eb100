package dev.fleet.cli;

import dev.fleet.tools.ToolResult;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show every member's online and busy state (fleet_status) as a table; coloured on a "
        + "terminal unless NO_COLOR is set.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print structured JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        ToolResult r = ToolCli.run("fleet_status", Map.of("format", json ? "json" : "compact"));
        if (json || r.isError() || !(r.structured() instanceof Map<?, ?> data)) {
            return ToolCli.print(r, System.out, System.err);
        }
        System.out.println(StatusTable.render(data, Terminal.stdout(System.getenv()), Clock.systemUTC()));
        return 0;
    }
}
