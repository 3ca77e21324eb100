package dev.fleet.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cloud", description = "Start, stop or inspect a cloud member's instance (cloud_control): "
        + "fleet cloud MEMBER start|stop|status. Start waits for SSH and shows its progress.")
final class CloudCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBER", description = "Member name.")
    String member;

    @Parameters(index = "1", paramLabel = "ACTION", description = "start, stop or status.")
    String action;

    @Override
    public Integer call() {
        return SendCommand.runWithProgress("cloud_control", Map.of("member_name", member, "action", action));
    }
}
