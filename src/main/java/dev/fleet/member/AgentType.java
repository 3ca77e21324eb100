package dev.fleet.member;

import dev.fleet.base.Quoted;

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
        // Read from the registry, a file that may be edited by hand: quoted inert and short.
        throw new IllegalArgumentException("unknown agentType " + Quoted.value(value));
    }
}
