package dev.fleet.cli;

import dev.fleet.tools.ToolResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", description = "Run a shell command on a member (execute_command): fleet exec MEMBER -- COMMAND...")
final class ExecCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBER", description = "Member name.")
    String member;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command; its words are joined with spaces.")
    List<String> command;

    @Option(names = "--timeout-ms", description = "Time limit in milliseconds (default 120000).")
    Long timeoutMs;

    @Override
    public Integer call() {
        if (command == null || command.isEmpty()) {
            System.err.println("Invalid input: COMMAND is required: fleet exec MEMBER -- COMMAND...");
            return 2;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("member_name", member);
        args.put("command", String.join(" ", command));
        if (timeoutMs != null) {
            args.put("timeout_ms", timeoutMs);
        }
        ToolResult r = ToolCli.run("execute_command", args);
        int printed = ToolCli.print(r, System.out, System.err);
        // The command's own exit code becomes ours, so scripts can test it.
        if (r.structured() instanceof Map<?, ?> data && data.get("exitCode") instanceof Integer exit) {
            return exit;
        }
        return printed;
    }
}
