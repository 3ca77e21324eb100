package dev.fleet.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "receive", description = "Copy files or folders from a member's work folder to this machine (receive_files), "
        + "with progress.")
final class ReceiveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBER", description = "Member name.")
    String member;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH", description = "Paths relative to the member's work folder.")
    List<String> paths;

    @Option(names = "--to", paramLabel = "FOLDER", description = "Folder here to put them in (default: the current folder).")
    Path destination;

    @Override
    public Integer call() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("member_name", member);
        args.put("remote_paths", paths);
        args.put("local_dest", (destination == null ? Path.of("") : destination).toAbsolutePath().normalize().toString());
        return SendCommand.runWithProgress("receive_files", args);
    }
}
