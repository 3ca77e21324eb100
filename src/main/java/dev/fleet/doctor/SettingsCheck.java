package dev.fleet.doctor;

import dev.fleet.settings.Settings;
import java.util.List;

/**
 * Fleet's own settings ({@code FLEET_*} variables): a malformed value does not stop the server,
 * which uses the default instead and says so only on stderr, where a person rarely looks.
 */
public final class SettingsCheck implements Check {
    private final Settings settings;

    public SettingsCheck(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "settings";
    }

    @Override
    public List<Finding> run() {
        if (settings.problems().isEmpty()) {
            return List.of(Finding.ok("every setting fleet reads from the environment is well formed"));
        }
        return settings.problems().stream()
                .map(p -> Finding.problem(p, "correct the value or unset the variable where fleet is started "
                        + "(your shell profile, or the env of the MCP server's registration)"))
                .toList();
    }
}
