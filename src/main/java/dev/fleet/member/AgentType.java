package dev.fleet.member;

/** How a member is reached: a folder on this machine, or a folder on another machine over SSH. */
public enum AgentType {
    LOCAL("local"), REMOTE("remote");

    private final String json;

    AgentType(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static AgentType fromJson(String value) {
        for (AgentType t : values()) {
            if (t.json.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown agentType '" + value + "'");
    }
}
