package dev.fleet.agentcli;

import dev.fleet.base.Quoted;
import java.util.Arrays;
import java.util.List;

/**
 * How much the agent may do without asking. Each CLI maps these to its own flags; none of them
 * can ask anybody during a fleet prompt, so what would need approval is refused.
 */
public enum UnattendedMode {
    /** Read, and edit files in the work folder; anything else is refused. */
    OFF("false"),
    /** The CLI's own automatic mode: more is allowed, with the CLI's safety checks where it has them. */
    AUTO("auto"),
    /** Everything, without checks: only for sandboxes the user trusts. */
    DANGEROUS("dangerous");

    private final String json;

    UnattendedMode(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(UnattendedMode::json).toList();
    }

    public static UnattendedMode fromJson(String value) {
        for (UnattendedMode m : values()) {
            if (m.json.equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unattended must be one of " + names() + ", got " + Quoted.value(value));
    }
}
