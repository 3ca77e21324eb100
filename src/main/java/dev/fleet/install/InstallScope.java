package dev.fleet.install;

import dev.fleet.base.Quoted;

/** Where Claude Code wiring goes: for this user everywhere, or for one project folder only. */
public enum InstallScope {
    USER("user"),
    PROJECT("project");

    private final String cliName;

    InstallScope(String cliName) {
        this.cliName = cliName;
    }

    /** The value of {@code claude mcp add --scope}. */
    public String cliName() {
        return cliName;
    }

    public static InstallScope parse(String text) {
        for (InstallScope s : values()) {
            if (s.cliName.equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--scope must be user or project, not " + Quoted.value(text));
    }
}
