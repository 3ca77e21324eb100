package dev.fleet.cli;

import dev.fleet.tools.ToolResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "send", description = "Copy files or folders into a member's work folder (send_files), with progress.")
final class SendCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBER", description = "Member name.")
    String member;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH", description = "Files or folders on this machine.")
    List<Path> paths;

    @Option(names = "--to", paramLabel = "SUBFOLDER", description = "Subfolder of the work folder to put them in.")
    String subfolder;

    @Override
    public Integer call() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("member_name", member);
        args.put("local_paths", paths.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList());
        if (subfolder != null) {
            args.put("remote_subfolder", subfolder);
        }
        return runWithProgress("send_files", args);
    }

    /** Runs a long tool call with progress on stderr, then prints its answer. */
    static int runWithProgress(String tool, Map<String, Object> args) {
        TerminalCall call = ToolCli.withProgress();
        ToolResult r = ToolCli.run(tool, args, call);
        call.done();
        return ToolCli.printTyped(r, System.out, System.err);
    }
}
