package dev.fleet.permissions;

import java.util.Locale;
import java.util.Optional;

/** What a member does in a pair: the doer writes code, the reviewer reads it and writes feedback. */
public enum Role {
    DOER("base-dev", "dev"), REVIEWER("base-reviewer", "reviewer");

    private final String baseProfile;
    private final String stackKey;

    Role(String baseProfile, String stackKey) {
        this.baseProfile = baseProfile;
        this.stackKey = stackKey;
    }

    /** The profile file (without .json) every member of this role starts from. */
    String baseProfile() {
        return baseProfile;
    }

    /** The key of a stack profile holding this role's commands. */
    String stackKey() {
        return stackKey;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromJson(String value) {
        for (Role r : values()) {
            if (r.json().equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
