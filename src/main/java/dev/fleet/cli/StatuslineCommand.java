package dev.fleet.cli;

import dev.fleet.statusline.StatuslinePrinter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import picocli.CommandLine.Command;

/** Listed in the help; {@link Main} answers {@code fleet statusline} before picocli is even loaded. */
@Command(name = "statusline", description = "Print the fleet's one-line status with a freshness marker "
        + "(for Claude Code's statusLine setting: {\"type\":\"command\",\"command\":\"<path>/fleet statusline\"}).")
final class StatuslineCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        return StatuslinePrinter.run(System.getenv(), System.in, new FileOutputStream(FileDescriptor.out));
    }
}
