package dev.fleet.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cloud", description = "Start, stop or inspect a cloud member's instance, or turn its on-instance guard off "
        + "or on (cloud_control): fleet cloud MEMBER start|stop|status|guard_off|guard_on. Start waits for SSH and shows "
        + "its progress.")
final class CloudCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MEMBER", description = "Member name.")
    String member;

    @Parameters(index = "1", paramLabel = "ACTION", description = "start, stop, status, guard_off or guard_on.")
    String action;

    @Option(names = "--override-budget", description = "Start even though the member's daily budget is spent.")
    boolean overrideBudget;

    @Override
    public Integer call() {
        Map<String, Object> args = new LinkedHashMap<>(Map.of("member_name", member, "action", action));
        if (overrideBudget) {
            args.put("override_budget", true);
        }
        return SendCommand.runWithProgress("cloud_control", args);
    }
}
