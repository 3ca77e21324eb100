package dev.fleet.doctor;

import dev.fleet.install.ClaudeCodeWiring;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Claude Code's wiring for fleet (server registration, skill, hook, status line, permission):
 * whatever {@code fleet install} would still change is a problem, with that command as the fix.
 */
public final class ClaudeWiringCheck implements Check {
    private final ClaudeCodeWiring wiring;
    private final boolean claudeInstalled;

    public ClaudeWiringCheck(ClaudeCodeWiring wiring, boolean claudeInstalled) {
        this.wiring = wiring;
        this.claudeInstalled = claudeInstalled;
    }

    @Override
    public String name() {
        return "claude code";
    }

    @Override
    public List<Finding> run() {
        if (!claudeInstalled) {
            return List.of(Finding.note("Claude Code is not installed here, so its wiring was not checked"));
        }
        ClaudeCodeWiring.Report pending;
        try {
            pending = wiring.install(true);
        } catch (IOException | RuntimeException e) {
            return List.of(Finding.problem(e.getMessage(), "fix the file named, then run fleet install"));
        }
        if (pending.changes().isEmpty()) {
            return List.of(Finding.ok("server registered, skill, post-registration hook, status line and tool permission "
                    + "in place (" + wiring.layout().settingsFile() + ")"));
        }
        List<Finding> found = new ArrayList<>();
        for (String change : pending.changes()) {
            found.add(Finding.problem("not set up: " + change, "fleet install"));
        }
        return found;
    }
}
