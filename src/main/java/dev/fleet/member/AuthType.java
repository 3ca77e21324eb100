package dev.fleet.member;

import dev.fleet.base.Quoted;

public enum AuthType {
    PASSWORD("password"), KEY("key");

    private final String json;

    AuthType(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static AuthType fromJson(String value) {
        for (AuthType t : values()) {
            if (t.json.equals(value)) {
                return t;
            }
        }
        // Read from the registry, a file that may be edited by hand: quoted inert and short.
        throw new IllegalArgumentException("unknown authType " + Quoted.value(value));
    }
}
