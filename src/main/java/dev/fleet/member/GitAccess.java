package dev.fleet.member;

import java.util.Optional;

/** The git access level a member should get, as {@code git_access} and the registry name it. */
public enum GitAccess {
    READ("read"), PUSH("push"), ADMIN("admin"), ISSUES("issues"), FULL("full");

    private final String json;

    GitAccess(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    /** Empty for a level this version does not know (the registry keeps such a value as it was written). */
    public static Optional<GitAccess> fromJson(String value) {
        for (GitAccess g : values()) {
            if (g.json.equals(value)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    public static String[] names() {
        GitAccess[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].json;
        }
        return out;
    }
}
