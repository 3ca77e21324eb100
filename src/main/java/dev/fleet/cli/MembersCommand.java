package dev.fleet.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "members", description = "List registered members (list_members).")
final class MembersCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return ToolCli.print(ToolCli.run("list_members", Map.of()), System.out, System.err);
    }
}
