package dev.fleet.member;

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
        throw new IllegalArgumentException("unknown authType '" + value + "'");
    }
}
