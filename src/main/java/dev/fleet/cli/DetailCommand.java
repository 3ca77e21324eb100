package dev.fleet.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "detail", description = "Inspect one member in depth (member_detail).")
final class DetailCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBER", description = "Member name.")
    String member;

    @Override
    public Integer call() {
        return ToolCli.printTyped(ToolCli.run("member_detail", Map.of("member_name", member)), System.out, System.err);
    }
}
