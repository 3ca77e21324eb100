package dev.fleet.probe;

import dev.fleet.member.Member;
import java.util.ArrayList;
import java.util.List;

/** An agent CLI process seen on a machine: its pid, working folder (may be empty) and command line. */
public record AgentProcess(long pid, String cwd, String commandLine) {

    /** Parses the {@code pid TAB cwd TAB command line} lines printed by the OS probe. */
    public static List<AgentProcess> parse(String lines) {
        List<AgentProcess> out = new ArrayList<>();
        for (String line : lines.split("\\R")) {
            String[] parts = line.split("\t", 3);
            if (parts.length == 3) {
                try {
                    out.add(new AgentProcess(Long.parseLong(parts[0].strip()), parts[1].strip(), parts[2].strip()));
                } catch (NumberFormatException ignored) {
                    // Not a process line.
                }
            }
        }
        return out;
    }

    /** BUSY when a process works in the member's folder (or below it) or carries its session id. */
    public static BusyState busyState(List<AgentProcess> processes, Member member) {
        if (processes.isEmpty()) {
            return BusyState.IDLE;
        }
        String folder = trimSlash(member.workFolder());
        for (AgentProcess p : processes) {
            String cwd = trimSlash(p.cwd());
            boolean inFolder = !cwd.isEmpty() && (cwd.equals(folder) || cwd.startsWith(folder + "/") || cwd.startsWith(folder + "\\"));
            boolean hasSession = member.sessionId() != null && p.commandLine().contains(member.sessionId());
            if (inFolder || hasSession) {
                return BusyState.BUSY;
            }
        }
        return BusyState.IDLE_OTHERS;
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && (path.endsWith("/") || path.endsWith("\\")) ? path.substring(0, path.length() - 1) : path;
    }
}
