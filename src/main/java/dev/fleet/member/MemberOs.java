package dev.fleet.member;

import dev.fleet.base.Quoted;

public enum MemberOs {
    LINUX("linux"), MACOS("macos"), WINDOWS("windows");

    private final String json;

    MemberOs(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static MemberOs fromJson(String value) {
        for (MemberOs o : values()) {
            if (o.json.equals(value)) {
                return o;
            }
        }
        // Read from the registry, a file that may be edited by hand: quoted inert and short.
        throw new IllegalArgumentException("unknown os " + Quoted.value(value));
    }

    /** The OS of the machine this JVM runs on. */
    public static MemberOs current() {
        String name = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (name.contains("win")) {
            return WINDOWS;
        }
        if (name.contains("mac") || name.contains("darwin")) {
            return MACOS;
        }
        return LINUX;
    }
}
