package dev.fleet.cli;

import dev.fleet.tools.ToolResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", description = {"Run a shell command on a member (execute_command): fleet exec MEMBER -- COMMAND...",
        "Its stdout and stderr stream to yours as they come, and fleet exits with the command's exit code "
                + "(124 when the time limit ended it)."})
final class ExecCommand implements Callable<Integer> {
    /** The exit code of a command ended by its time limit, as GNU timeout uses. */
    static final int TIMED_OUT = 124;

    @Parameters(index = "0", paramLabel = "MEMBER", description = "Member name.")
    String member;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command; its words are joined with spaces.")
    List<String> command;

    @Option(names = "--timeout-ms", description = "Time limit in milliseconds (default 120000).")
    Long timeoutMs;

    @Option(names = {"-v", "--verbose"}, description = "Say on stderr where the command runs, and how it ended.")
    boolean verbose;

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
        if (verbose) {
            System.err.println("fleet: on " + member + ": " + args.get("command"));
        }
        ProgressDisplay display = new ProgressDisplay(System.err, Terminal.stderr(System.getenv()));
        ToolResult r = ToolCli.run("execute_command", args, TerminalCall.streaming(display, System.out, System.err));
        display.clear();
        System.out.flush();
        // The output went to the terminal already; what is left to say is how it ended.
        if (r.structured() instanceof Map<?, ?> data && data.containsKey("exitCode")) {
            Object exit = data.get("exitCode");
            if (Boolean.TRUE.equals(data.get("timedOut")) || !(exit instanceof Integer)) {
                System.err.println("fleet: " + r.text().lines().findFirst().orElse("timed out"));
                return TIMED_OUT;
            }
            if (verbose) {
                System.err.println("fleet: exit code " + exit + " after " + data.get("durationMs") + " ms");
            }
            return (Integer) exit;
        }
        return ToolCli.printTyped(r, System.out, System.err);
    }
}
