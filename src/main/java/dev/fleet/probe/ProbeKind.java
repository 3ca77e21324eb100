package dev.fleet.probe;

/** The probes of member_detail, in the order they are shown. */
public enum ProbeKind {
    CONNECTIVITY("connectivity", "connectivity"),
    AGENT_CLI("agentCli", "agent CLI"),
    AGENT_AUTH("agentAuth", "agent auth"),
    PROCESSES("processes", "busy"),
    SYSTEM("system", "system"),
    DISK("disk", "disk");

    private final String json;
    private final String label;

    ProbeKind(String json, String label) {
        this.json = json;
        this.label = label;
    }

    /** The key in structured output. */
    public String json() {
        return json;
    }

    /** How the probe is named to a reader. */
    public String label() {
        return label;
    }
}
